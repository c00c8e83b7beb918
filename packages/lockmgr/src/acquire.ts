/**
 * `acquire()` and `acquiredrain()` of kern_lock.c rev 1.13 (spec §4.3).
 *
 * Entered with the interlock held. If NOWAIT and a wanted bit is set: EBUSY.
 * While any wanted bit is set: count ourselves as a waiter (WAIT_NONZERO,
 * waitcount), sleep on the lock through the interlock, uncount; an error of
 * the sleep is returned, SLEEPFAIL turns any sleep into ENOLCK; otherwise
 * re-test. No hand-off: a woken waiter merely re-tests, and a newcomer may
 * get the lock first (barging). `onSuccess` runs in the same atomic step as
 * the test that found the wanted bits clear.
 *
 * The drain variant waits for every LK_ALL bit, sleeps on `&lk_flags` with
 * WAITDRAIN set, and does not count itself in waitcount.
 */
import type { Gen, KernelContext, Tx } from "@kprim/machine";
import { EBUSY, ENOLCK } from "@kprim/sleepq";
import {
  LK_ALL,
  LK_EXTFLG_MASK,
  LK_NOWAIT,
  LK_SLEEPFAIL,
  LK_TIMELOCK,
  LK_WAIT_NONZERO,
  LK_WAITDRAIN,
} from "./flags.js";
import { type Lock, lockWait, type LockWord } from "./lock.js";

const SLEEP = -1;

interface Round {
  readonly result: number;
  readonly timo: number;
  readonly wmesg: string;
}

/**
 * `acquire(lkp, extflags, wanted)`: wait until none of `wanted` is set in the
 * lock's flags; then run `onSuccess` in that same step. 0, EBUSY (NOWAIT),
 * ENOLCK (SLEEPFAIL after a sleep) or the sleep's error.
 *
 * Calling context: inside lockmgr, holding the lock's interlock; returns
 * holding it. Blocks unless NOWAIT.
 */
export function* acquire(
  k: KernelContext,
  lock: Lock,
  ext: number,
  wanted: number,
  onSuccess?: (s: LockWord, tx: Tx) => void,
): Gen<number> {
  return yield* waitLoop(k, lock, ext, wanted, false, onSuccess);
}

/**
 * `acquiredrain(lkp, extflags)`: wait until nothing of LK_ALL is set,
 * sleeping on `&lk_flags` with WAITDRAIN; then run `onSuccess` in that step.
 *
 * Calling context: as acquire.
 */
export function* acquiredrain(
  k: KernelContext,
  lock: Lock,
  ext: number,
  onSuccess: (s: LockWord, tx: Tx) => void,
): Gen<number> {
  return yield* waitLoop(k, lock, ext, LK_ALL, true, onSuccess);
}

function* waitLoop(
  k: KernelContext,
  lock: Lock,
  ext: number,
  wanted: number,
  drain: boolean,
  onSuccess?: (s: LockWord, tx: Tx) => void,
): Gen<number> {
  const fp = { writes: [lock.cell] };
  const wait = lockWait(k.thread);
  // One test of the wanted bits, under the interlock: succeed, fail (NOWAIT), or count
  // ourselves as a sleeper and say how to sleep (the lock's wmesg, and its timeout with
  // TIMELOCK).
  const test = (s: LockWord, tx: Tx, first: boolean): Round => {
    const e = ext | (s.flags & LK_EXTFLG_MASK);
    const timo = (e & LK_TIMELOCK) !== 0 ? s.timo : 0;
    // Nothing we wait for is set (rev 1.13's fast path and the re-test after a wakeup alike;
    // LK_NOPAUSE makes no difference to the result).
    if ((s.flags & wanted) === 0) {
      onSuccess?.(s, tx);
      return { result: 0, timo, wmesg: s.wmesg };
    }
    // Polling: never sleep.
    if (first && (e & LK_NOWAIT) !== 0) return { result: EBUSY, timo, wmesg: s.wmesg };
    // A drainer flags itself with WAITDRAIN and is not counted among the waiters.
    if (drain) {
      s.flags |= LK_WAITDRAIN;
    } else {
      s.flags |= LK_WAIT_NONZERO;
      s.waitcount++;
    }
    wait.lock = lock;
    wait.wanted = wanted;
    return { result: SLEEP, timo, wmesg: s.wmesg };
  };
  let round = yield* k.atomic(`acquire ${lock.name}`, fp, (tx) => test(tx.mutate(lock.cell), tx, true));
  while (round.result === SLEEP) {
    lock.stats.sleeps++;
    // Sleep through the interlock: a token is "held" through a plain tsleep (released at the
    // switch, back before we run); a spinlock is released and taken again inside msleep's
    // critical section, after tsleep_interlock.
    const error = yield* lock.interlock.sleep(k, drain ? lock.drainIdent : lock.ident, round.wmesg, round.timo);
    wait.lock = null;
    // Woken (or timed out): uncount ourselves, then give up on an error or with SLEEPFAIL,
    // else re-test — someone may have barged in since the wakeup.
    round = yield* k.atomic(`acquire ${lock.name} (woken)`, fp, (tx): Round => {
      const s = tx.mutate(lock.cell);
      if (!drain) {
        s.waitcount--;
        if (s.waitcount === 0) s.flags &= ~LK_WAIT_NONZERO;
      }
      const e = ext | (s.flags & LK_EXTFLG_MASK);
      if (error !== 0) return { result: error, timo: 0, wmesg: s.wmesg };
      if ((e & LK_SLEEPFAIL) !== 0) return { result: ENOLCK, timo: 0, wmesg: s.wmesg };
      return test(s, tx, false);
    });
  }
  return round.result;
}
