/**
 * The buffer lock macros (buf2.h, spec §6.3), following the variant's
 * interlock.
 *
 * BUF_LOCK takes BUF_LOCK's own interlock first (`buftimetoken` before the
 * patch; a spinlock after it), then asks lockmgr for the buffer's lock with
 * LK_INTERLOCK, so lockmgr releases that interlock after taking the lock's.
 * With tokens, both acquisitions can be blocking points: BUF_LOCK is then not
 * atomic with what the caller observed before calling it (spec §4.7).
 *
 * Calling context: thread context. BUF_LOCK blocks unless NOWAIT (and with a
 * token interlock may block even then); BUF_UNLOCK never sleeps for the lock
 * but may block on the interlock token; BUF_REFCNT takes the interlock.
 */
import type { Gen, KernelContext } from "@kprim/machine";
import { lockcount, lockmgr, lockmgrKernproc } from "@kprim/lockmgr";
import { atSplbio } from "./spl.js";
import type { Buf, BufCache } from "./types.js";

export interface BufLockFlags {
  readonly nowait?: boolean;
  readonly sleepfail?: boolean;
}

/**
 * `BUF_LOCK(bp, LK_EXCLUSIVE [| LK_NOWAIT | LK_SLEEPFAIL])`: 0, EBUSY or
 * ENOLCK, as lockmgr.
 *
 * Calling context: thread context, at splbio; blocks unless NOWAIT — and
 * with a token interlock may block even then, on the tokens.
 */
export function bufLock(k: KernelContext, cache: BufCache, bp: Buf, flags: BufLockFlags = {}): Gen<number> {
  return atSplbio(k, cache, lockBuf(k, cache, bp, flags));
}

function* lockBuf(k: KernelContext, cache: BufCache, bp: Buf, flags: BufLockFlags): Gen<number> {
  yield* cache.bufInterlock.acquire(k);
  return yield* lockmgr(k, bp.lock, "exclusive", {
    ...flags,
    interlock: { release: (kk) => cache.bufInterlock.release(kk) },
  });
}

/**
 * `BUF_TIMELOCK(bp, flags, wmesg, timo)`: BUF_LOCK with the lock's sleep
 * message and timeout (LK_TIMELOCK when `timo` > 0).
 *
 * Calling context: as BUF_LOCK.
 */
export function bufTimelock(
  k: KernelContext,
  cache: BufCache,
  bp: Buf,
  flags: BufLockFlags,
  wmesg: string,
  timo: number,
): Gen<number> {
  return atSplbio(k, cache, timelockBuf(k, cache, bp, flags, wmesg, timo));
}

function* timelockBuf(
  k: KernelContext,
  cache: BufCache,
  bp: Buf,
  flags: BufLockFlags,
  wmesg: string,
  timo: number,
): Gen<number> {
  yield* cache.bufInterlock.acquire(k);
  yield* k.atomic(`BUF_TIMELOCK ${bp.id}`, { writes: [bp.lock.cell] }, (tx) => {
    const s = tx.mutate(bp.lock.cell);
    s.wmesg = wmesg;
    s.timo = timo;
  });
  return yield* lockmgr(k, bp.lock, "exclusive", {
    ...flags,
    timelock: timo > 0,
    interlock: { release: (kk) => cache.bufInterlock.release(kk) },
  });
}

/**
 * `BUF_UNLOCK(bp)`: lockmgr LK_RELEASE.
 *
 * Calling context: thread context holding bp's lock (or any thread, once the
 * hold went to LK_KERNTHREAD); never sleeps for the lock, but may block on
 * its interlock token.
 */
export function* bufUnlock(k: KernelContext, bp: Buf): Gen<void> {
  yield* lockmgr(k, bp.lock, "release");
}

/**
 * `BUF_REFCNT(bp)`: holds on the buffer, read under its lock's interlock.
 *
 * Calling context: thread context; takes the interlock (a potential blocking
 * point with a token).
 */
export function* bufRefcnt(k: KernelContext, bp: Buf): Gen<number> {
  return yield* lockcount(k, bp.lock);
}

/**
 * `BUF_KERNPROC(bp)`: hand the hold to "the kernel" (an I/O in flight) so
 * its completion may release it.
 *
 * Calling context: thread context, holding bp's lock exclusively; one step.
 */
export function* bufKernproc(k: KernelContext, bp: Buf): Gen<void> {
  yield* lockmgrKernproc(k, bp.lock);
}
