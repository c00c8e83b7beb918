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

export function* acquire(
  k: KernelContext,
  lock: Lock,
  ext: number,
  wanted: number,
  onSuccess?: (s: LockWord, tx: Tx) => void,
): Gen<number> {
  return yield* waitLoop(k, lock, ext, wanted, false, onSuccess);
}

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
  const test = (s: LockWord, tx: Tx, first: boolean): Round => {
    const e = ext | (s.flags & LK_EXTFLG_MASK);
    const timo = (e & LK_TIMELOCK) !== 0 ? s.timo : 0;
    if ((s.flags & wanted) === 0) {
      onSuccess?.(s, tx);
      return { result: 0, timo, wmesg: s.wmesg };
    }
    if (first && (e & LK_NOWAIT) !== 0) return { result: EBUSY, timo, wmesg: s.wmesg };
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
    const error = yield* lock.interlock.sleep(k, drain ? lock.drainIdent : lock.ident, round.wmesg, round.timo);
    wait.lock = null;
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
