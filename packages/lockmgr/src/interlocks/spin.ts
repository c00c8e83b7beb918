/**
 * The November 2005 patch: a spinlock interlock (spec §4.5).
 *
 * Protects: the lock's own fields (`struct lock`), as `lk_interlock` did
 * after the patch. Taking a spinlock never reaches a blocking point, so
 * lockmgr requests that do not sleep become atomic with the caller's outer
 * serialization (the MP lock): the getnewbuf windows close (spec §4.7.4).
 *
 * A spinlock cannot be held across tsleep, so the sleep in acquire() is the
 * lock-releasing sleep of the sleep-queue layer (`msleep`): enter a critical
 * section, tsleep_interlock, release the spinlock (the section stays),
 * tsleep, take the spinlock again, leave the section. A wakeup issued by the
 * releaser after our release finds our cpu's bit and waits for us in our
 * cpu's IPI queue until tsleep has queued us (spec §5.5).
 *
 * Invariants: the holder is in a critical section (spin_lock entered it) and
 * reaches no blocking point while holding it; `inside` counts the threads
 * between acquire and release (a sleeper is not inside).
 *
 * Calling context: thread context. `acquire` spins (never blocks); `sleep`
 * is entered holding the interlock and returns holding it; `wakeup` never
 * blocks.
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

/** A spinlock as lockmgr's interlock. `spin-naive` extends it and changes only `sleep`. */
export class SpinInterlock extends InsideCounter implements Interlock {
  /** The spinlock as the lock msleep releases and takes again. */
  protected readonly asSleepLock: SleepLock;

  constructor(
    readonly kind: string,
    readonly name: string,
    readonly spin: Spinlock,
    protected readonly deps: InterlockDeps,
  ) {
    super();
    this.asSleepLock = {
      name,
      release: (k) => deps.spinlock.unlock(k, spin),
      acquire: (k) => deps.spinlock.lock(k, spin),
    };
  }

  /** `spin_lock(&lkp->lk_interlock)`: enter a critical section and take the word (spinning if held). */
  *acquire(k: KernelContext): Gen<void> {
    yield* this.deps.spinlock.lock(k, this.spin);
    this.enter();
  }

  /** `spin_unlock(&lkp->lk_interlock)`: release, then leave the critical section. */
  *release(k: KernelContext): Gen<void> {
    this.leave();
    yield* this.deps.spinlock.unlock(k, this.spin);
  }

  /**
   * acquire()'s sleep: `tsleep_interlock; spin_unlock_quick; tsleep;
   * spin_lock_quick`, all inside one critical section (msleep). Entered and
   * left holding the spinlock; returns tsleep's error.
   */
  *sleep(k: KernelContext, ident: Ident, wmesg: string, timo: number): Gen<number> {
    this.leave();
    const error = yield* this.deps.sleepq.msleep(k, ident, this.asSleepLock, wmesg, timo);
    this.enter();
    return error;
  }

  /** `wakeup(ident)`: never blocks, so it may be issued with the spinlock held. */
  *wakeup(k: KernelContext, ident: Ident): Gen<void> {
    yield* this.deps.sleepq.wakeup(k, ident);
  }
}

export const spinInterlock: InterlockKind = Object.freeze({
  name: "spin",
  description: "a spinlock; sleeps with tsleep_interlock inside a critical section (the November 2005 patch)",
  broken: false,
  create(machine: Machine, name: string, deps: InterlockDeps, opts: InterlockOptions = {}): Interlock {
    return new SpinInterlock(
      "spin",
      name,
      deps.spinlock.create(machine, name, { lockClass: opts.lockClass ?? name }),
      deps,
    );
  },
});
