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
import type { Buf, BufCache } from "./types.js";

export interface BufLockFlags {
  readonly nowait?: boolean;
  readonly sleepfail?: boolean;
}

export function* bufLock(k: KernelContext, cache: BufCache, bp: Buf, flags: BufLockFlags = {}): Gen<number> {
  yield* cache.bufInterlock.acquire(k);
  return yield* lockmgr(k, bp.lock, "exclusive", {
    ...flags,
    interlock: { release: (kk) => cache.bufInterlock.release(kk) },
  });
}

/** BUF_TIMELOCK: the same with the lock's sleep message and timeout. */
export function* bufTimelock(
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

export function* bufUnlock(k: KernelContext, bp: Buf): Gen<void> {
  yield* lockmgr(k, bp.lock, "release");
}

/** BUF_REFCNT: holds on the buffer, read under its lock's interlock. */
export function* bufRefcnt(k: KernelContext, bp: Buf): Gen<number> {
  return yield* lockcount(k, bp.lock);
}

/** BUF_KERNPROC: hand the hold to "the kernel" (an I/O in flight) so its completion may release it. */
export function* bufKernproc(k: KernelContext, bp: Buf): Gen<void> {
  yield* lockmgrKernproc(k, bp.lock);
}
