/**
 * The mtx interlock: lockmgr's interlock as a FreeBSD sleep mutex, sleeping
 * with msleep on the plugin's own sleep queue (spec §5.7) — a fourth
 * interlock beside token, spin and spin-naive.
 *
 * Protects: a lockmgr lock's fields (or any caller's condition), like every
 * interlock. acquire/release are mtxLock/mtxUnlock (mutex.ts); sleep is
 * msleep (sleepQueue.ts); wakeup goes through the same sleep queue, so every
 * wakeup lockmgr issues through its interlock reaches the sleepers — a
 * wakeup of the same ident through @kprim/sleepq does not (they sleep here).
 *
 * Invariants: those of mutex.ts and sleepQueue.ts; `inside` counts the
 * threads between acquire and release (a sleeper is not inside while it
 * sleeps), so lockmgr's structural check runs when it is zero.
 *
 * Calling context: thread context. acquire may block (on the mutex's
 * turnstile); sleep blocks; release and wakeup never block.
 */
import type { Interlock, InterlockDeps, InterlockKind } from "@kprim/lockmgr";
import type { Gen, KernelContext, Machine } from "@kprim/machine";
import type { Ident } from "@kprim/sleepq";
import { createSleepMutex, mtxLock, mtxUnlock, type SleepMutex } from "./mutex.js";
import { msleep, wakeup } from "./sleepQueue.js";

/** `create`'s options (the lock class is used; a token's starting cpu is not). */
type InterlockOptions = NonNullable<Parameters<InterlockKind["create"]>[3]>;

class MtxInterlock implements Interlock {
  readonly kind = "mtx";
  inside = 0;

  constructor(
    readonly name: string,
    readonly mtx: SleepMutex,
  ) {}

  *acquire(k: KernelContext): Gen<void> {
    yield* mtxLock(k, this.mtx);
    this.inside++;
  }

  *release(k: KernelContext): Gen<void> {
    this.inside--;
    yield* mtxUnlock(k, this.mtx);
  }

  *sleep(k: KernelContext, ident: Ident, wmesg: string, timo: number): Gen<number> {
    this.inside--;
    const error = yield* msleep(k, ident, this.mtx, wmesg, timo);
    this.inside++;
    return error;
  }

  *wakeup(k: KernelContext, ident: Ident): Gen<void> {
    yield* wakeup(k, ident);
  }
}

export const mtxInterlock: InterlockKind = Object.freeze({
  name: "mtx",
  description: "a FreeBSD-style sleep mutex; sleeps with msleep on its own sleep queue, under its own spin lock",
  broken: false,
  // Its own mutexes' and sleep queue's panics (target signals are checked against them).
  raises: {
    panics: [
      "mtx_lock(%s): called from an interrupt handler",
      "mtx_lock: %s recursed on %s",
      "mtx_unlock: %s releases %s, owned by %s",
      "mtx_lock_spin: %s already holds %s",
      "mtx_unlock_spin: %s releases %s, which it does not hold",
      "sleepq_wait: %s does not hold %s",
      "msleep(%s): called from an interrupt handler",
      "msleep(%s): %s resumed while still on the mtx sleep queue",
    ],
  },
  create(machine: Machine, name: string, _deps: InterlockDeps, opts: InterlockOptions = {}): Interlock {
    return new MtxInterlock(name, createSleepMutex(machine, name, opts.lockClass ?? name));
  },
});
