/**
 * The spinlock layer as the Kernel composition sees it: one object with the
 * operations, so a plugin can supply a different (or deliberately broken)
 * spinlock and the whole scenario catalogue runs with it.
 */
import type { Gen, KernelContext, Machine, Raises } from "@kprim/machine";
import {
  createSpinlock,
  type Spinlock,
  type SpinWait,
  spinLock,
  spinLockQuick,
  spinTrylock,
  spinUnlock,
  spinUnlockQuick,
} from "./spinlock.js";

export interface SpinlockLayer {
  readonly name: string;
  /**
   * How a contended acquire of a lock this layer creates waits (the
   * `spinWait` option; absent: rev 1.1's busy wait). A replacement that
   * cannot wait another way leaves `configure` out and the option is refused.
   */
  readonly wait?: SpinWait;
  /** What it can raise: its panics, its detectors, its console lines (a replacement declares its own). */
  readonly raises?: Raises;
  create(machine: Machine, name: string, opts?: { lockClass?: string }): Spinlock;
  lock(k: KernelContext, s: Spinlock): Gen<void>;
  unlock(k: KernelContext, s: Spinlock): Gen<void>;
  lockQuick(k: KernelContext, s: Spinlock): Gen<void>;
  unlockQuick(k: KernelContext, s: Spinlock): Gen<void>;
  trylock(k: KernelContext, s: Spinlock): Gen<boolean>;
  /**
   * This layer with the run's options applied (`spinWait`), called by the
   * Kernel composition when a plugin puts the layer in place. The built-in
   * one returns `{ ...this, wait }`, so a layer made by spreading it and
   * replacing members keeps its members and gets the option. A layer without
   * `configure` gets a run that sets the option refused with one line.
   */
  configure?(options: Readonly<Record<string, string>>): SpinlockLayer;
}

/**
 * What the 2005 spinlocks raise: their misuse panics. (Reaching a blocking
 * point with one held is the machine's `spinlock-blocking` rule.)
 */
export const SPINLOCK_RAISES: Raises = Object.freeze({
  panics: [
    "spin_lock: %s already holds %s (recursion)",
    "spin_unlock: %s releases %s, which it does not hold",
    "spin_trylock: %s already holds %s (recursion)",
  ],
});

/**
 * DragonFly's November 2005 spinlocks (kern_spinlock.c rev 1.1's busy wait).
 * Its members call each other through the layer (`this`): `lock` takes the
 * word with `this.lockQuick`, `unlock` drops it with `this.unlockQuick`, and
 * `create` gives its locks `this.wait` — so a layer made by spreading this
 * one and replacing a member is that member everywhere.
 */
export const spinlockLayer: SpinlockLayer = Object.freeze({
  name: "dragonfly-2005",
  raises: SPINLOCK_RAISES,
  wait: "rev1.1",
  create(this: SpinlockLayer | void, machine: Machine, name: string, opts: { lockClass?: string } = {}): Spinlock {
    const wait = (this as SpinlockLayer | undefined)?.wait;
    return createSpinlock(machine, name, wait === undefined ? opts : { ...opts, wait });
  },
  lock: spinLock,
  unlock: spinUnlock,
  lockQuick: spinLockQuick,
  unlockQuick: spinUnlockQuick,
  trylock: spinTrylock,
  configure(this: SpinlockLayer, options: Readonly<Record<string, string>>): SpinlockLayer {
    const wait = (options["spinWait"] as SpinWait | undefined) ?? "rev1.1";
    return wait === (this.wait ?? "rev1.1") ? this : Object.freeze({ ...this, wait });
  },
} satisfies SpinlockLayer);

/**
 * The spinlocks with a given contended wait: `rev1.1` is `spinlockLayer`;
 * `rev1.3` processes IPIs while it spins (spec §8.7's open question).
 */
export function spinlockLayerWith(wait: SpinWait): SpinlockLayer {
  if (wait === "rev1.1") return spinlockLayer;
  return Object.freeze({ ...spinlockLayer, name: `dragonfly-2005-wait-${wait}`, wait });
}
