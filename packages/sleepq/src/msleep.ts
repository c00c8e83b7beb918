/**
 * The lock-releasing sleep (FreeBSD's msleep contract, spec §5.7), as
 * DragonFly builds it on the cpumask trick (spec §5.5): one algorithm, with
 * the lock as a parameter.
 *
 *   crit_enter(); tsleep_interlock(ident); release(lock);
 *   tsleep(ident, PINTERLOCKED, ...); acquire(lock); crit_exit();
 *
 * A wakeup from another cpu after the release finds this cpu's bit set and
 * sends its IPI here; the critical section holds that IPI off until tsleep
 * has queued the thread. The release must not reach a blocking point or
 * process IPIs (a spinlock's release does neither; its own crit_exit only
 * lowers the count this function raised).
 *
 * The lock is taken again before the critical section ends, as the
 * November 2005 patch's acquire() did (spec §4.5: `spin_lock_quick` after
 * tsleep, still inside the spinlock's section) and as DragonFly's msleep of
 * May 2006 does (`spin_lock_wr_quick` before `crit_exit_gd`). So between
 * tsleep's return and the re-acquire nothing else runs on this cpu: no
 * deferred IPI, no preempting interrupt thread. (Leaving the section first
 * would add such a window; it cannot lose a wakeup — the thread is already
 * awake — so it is not offered as an option.)
 *
 * Calling context: thread context, holding `lock`, not at interrupt level;
 * blocks; returns holding it, with the caller's critical-section count as it
 * was on entry.
 */
import type { Gen, KernelContext } from "@kprim/machine";
import type { Ident } from "./hash.js";
import { tsleep, type TsleepFlags, tsleepInterlock } from "./tsleep.js";

/** A lock the sleep releases and re-takes. */
export interface SleepLock {
  readonly name: string;
  release(k: KernelContext): Gen<void>;
  acquire(k: KernelContext): Gen<void>;
}

/**
 * The members msleep sleeps with: its layer's (`this`, when called as a
 * layer's method), else the built-in ones.
 */
export interface MsleepCalls {
  tsleep(k: KernelContext, ident: Ident, flags: TsleepFlags, wmesg: string, timo: number): Gen<number>;
  tsleepInterlock(k: KernelContext, ident: Ident): Gen<void>;
}

const BUILTIN: MsleepCalls = { tsleep, tsleepInterlock };

/** msleep's tsleep flags (one object for every call). */
const INTERLOCKED: TsleepFlags = Object.freeze({ interlocked: true });

/**
 * `msleep(ident, lock, wmesg, timo)`: release `lock` and sleep on `ident`
 * without losing a wakeup that follows the release; take `lock` again.
 * Returns tsleep's result: 0 when woken, EWOULDBLOCK when `timo` (> 0) ran
 * out first. Called as a layer's member it sleeps with that layer's
 * tsleep_interlock and tsleep.
 *
 * Calling context: thread context, holding `lock`; blocks.
 */
export function* msleep(
  this: MsleepCalls | void,
  k: KernelContext,
  ident: Ident,
  lock: SleepLock,
  wmesg: string,
  timo: number,
): Gen<number> {
  const via = (this as MsleepCalls | undefined) ?? BUILTIN;
  k.critEnter();
  yield* via.tsleepInterlock(k, ident);
  yield* lock.release(k);
  const error = yield* via.tsleep(k, ident, INTERLOCKED, wmesg, timo);
  yield* lock.acquire(k);
  k.critExit();
  return error;
}
