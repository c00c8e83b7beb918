/**
 * The lock-releasing sleep (FreeBSD's msleep contract, spec §5.7), as
 * DragonFly builds it on the cpumask trick (spec §5.5): one algorithm, with
 * the lock as a parameter.
 *
 *   crit_enter(); tsleep_interlock(ident); release(lock);
 *   tsleep(ident, PINTERLOCKED, ...); crit_exit(); acquire(lock);
 *
 * A wakeup from another cpu after the release finds this cpu's bit set and
 * sends its IPI here; the critical section holds that IPI off until tsleep
 * has queued the thread. The release must not reach a blocking point or
 * process IPIs (a spinlock's release does neither; its own crit_exit only
 * lowers the count this function raised).
 *
 * Calling context: thread context, holding `lock`; blocks; returns holding it.
 */
import type { Gen, KernelContext } from "@kprim/machine";
import type { Ident } from "./hash.js";
import { tsleep, tsleepInterlock } from "./tsleep.js";

/** A lock the sleep releases and re-takes. */
export interface SleepLock {
  readonly name: string;
  release(k: KernelContext): Gen<void>;
  acquire(k: KernelContext): Gen<void>;
}

export function* msleep(k: KernelContext, ident: Ident, lock: SleepLock, wmesg: string, timo: number): Gen<number> {
  k.critEnter();
  yield* tsleepInterlock(k, ident);
  yield* lock.release(k);
  const error = yield* tsleep(k, ident, { interlocked: true }, wmesg, timo);
  k.critExit();
  yield* lock.acquire(k);
  return error;
}
