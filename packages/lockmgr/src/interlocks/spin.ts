/**
 * The November 2005 patch: a spinlock interlock (spec §4.5).
 *
 * Taking a spinlock never reaches a blocking point, so lockmgr requests that
 * do not sleep become atomic with the caller's outer serialization. A
 * spinlock cannot be held across tsleep, so the sleep is the lock-releasing
 * sleep of the sleep-queue layer: critical section, tsleep_interlock,
 * release, tsleep, leave the section, take the spinlock again.
 */
import type { Gen, KernelContext, Machine } from "@kprim/machine";
import type { Ident, SleepLock } from "@kprim/sleepq";
import type { Spinlock } from "@kprim/spinlock";
import {
  InsideCounter,
  type Interlock,
  type InterlockDeps,
  type InterlockKind,
  type InterlockOptions,
} from "../interlock.js";

class SpinInterlock extends InsideCounter implements Interlock {
  readonly kind = "spin";
  private readonly asSleepLock: SleepLock;

  constructor(
    readonly name: string,
    readonly spin: Spinlock,
    private readonly deps: InterlockDeps,
  ) {
    super();
    this.asSleepLock = {
      name,
      release: (k) => deps.spinlock.unlock(k, spin),
      acquire: (k) => deps.spinlock.lock(k, spin),
    };
  }

  *acquire(k: KernelContext): Gen<void> {
    yield* this.deps.spinlock.lock(k, this.spin);
    this.enter();
  }

  *release(k: KernelContext): Gen<void> {
    this.leave();
    yield* this.deps.spinlock.unlock(k, this.spin);
  }

  *sleep(k: KernelContext, ident: Ident, wmesg: string, timo: number): Gen<number> {
    this.leave();
    const error = yield* this.deps.sleepq.msleep(k, ident, this.asSleepLock, wmesg, timo);
    this.enter();
    return error;
  }

  *wakeup(k: KernelContext, ident: Ident): Gen<void> {
    yield* this.deps.sleepq.wakeup(k, ident);
  }
}

export const spinInterlock: InterlockKind = Object.freeze({
  name: "spin",
  description: "a spinlock; sleeps with tsleep_interlock inside a critical section (the November 2005 patch)",
  broken: false,
  create(machine: Machine, name: string, deps: InterlockDeps, opts: InterlockOptions = {}): Interlock {
    return new SpinInterlock(name, deps.spinlock.create(machine, name, { lockClass: opts.lockClass ?? name }), deps);
  },
});
