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
  /** What it can raise: its panics, its detectors, its console lines (a replacement declares its own). */
  readonly raises?: Raises;
  create(machine: Machine, name: string, opts?: { lockClass?: string }): Spinlock;
  lock(k: KernelContext, s: Spinlock): Gen<void>;
  unlock(k: KernelContext, s: Spinlock): Gen<void>;
  lockQuick(k: KernelContext, s: Spinlock): Gen<void>;
  unlockQuick(k: KernelContext, s: Spinlock): Gen<void>;
  trylock(k: KernelContext, s: Spinlock): Gen<boolean>;
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

/** DragonFly's November 2005 spinlocks (kern_spinlock.c rev 1.1's busy wait). */
export const spinlockLayer: SpinlockLayer = Object.freeze({
  name: "dragonfly-2005",
  raises: SPINLOCK_RAISES,
  create: createSpinlock,
  lock: spinLock,
  unlock: spinUnlock,
  lockQuick: spinLockQuick,
  unlockQuick: spinUnlockQuick,
  trylock: spinTrylock,
});

/**
 * The spinlocks with a given contended wait: `rev1.1` is `spinlockLayer`;
 * `rev1.3` processes IPIs while it spins (spec §8.7's open question).
 */
export function spinlockLayerWith(wait: SpinWait): SpinlockLayer {
  if (wait === "rev1.1") return spinlockLayer;
  return Object.freeze({
    ...spinlockLayer,
    name: `dragonfly-2005-wait-${wait}`,
    create: (machine: Machine, name: string, opts: { lockClass?: string } = {}) =>
      createSpinlock(machine, name, { ...opts, wait }),
  });
}
