/**
 * getnewbuf (spec §6.6): find a free buffer to reuse, strip its identity and
 * return it locked, on no queue.
 *
 * Scan EMPTYKVA, then CLEAN, then EMPTY from the head. For a candidate found
 * on queue q, `BUF_LOCK(LK_EXCLUSIVE | LK_NOWAIT)`. Two windows make that
 * observation stale (spec §6.7): a releaser between "enqueued" and
 * "unlocked" (W1: the lock is busy), and another thread acting on the buffer
 * while our own BUF_LOCK blocked on an interlock token (W2: the lock is free
 * but the buffer moved). The checks:
 *
 * - `rev1.52` (DragonFly, late 2005; default): a busy lock prints
 *   "getnewbuf: warning, locked buf %p, race corrected", sleeps briefly and
 *   restarts; after a successful lock, a buffer no longer on q prints
 *   "getnewbuf: warning, BUF_LOCK blocked unexpectedly on buf %p...",
 *   unlocks and restarts.
 * - `freebsd4`: a busy lock panics "getnewbuf: locked buf"; no second check.
 * - `no-check`: neither — a busy candidate is skipped, and a buffer that
 *   moved to DIRTY while we blocked is reused: its delayed write is lost.
 *
 * Every restart records a typed reason (trace event `buf.restart`). After
 * `maxRestarts` restarts getnewbuf gives up: no buffer, reason
 * `restart-limit`, no console line. With no candidate at all it kicks the
 * buffer daemon and sleeps until a buffer is released (setting needsbuffer
 * and looking once more before sleeping, with tsleep_interlock), then
 * returns no buffer (reason `no-buffer`) so that getblk looks again.
 *
 * Lock state along the way (the notes in the code say where it changes):
 * the caller's outer serialization (the MP lock) is held throughout but
 * lapses at every blocking point; getnewbuf holds no buffer lock at the
 * restart label, may hold the candidate's lock after BUF_LOCK, and returns
 * holding exactly the buffer it hands back.
 *
 * Calling context: thread context, under the caller's outer serialization
 * (the MP lock in 2005, or nothing), at splbio (a critical section with
 * `splbio: "crit"`); blocks.
 */
import type { Gen, KernelContext } from "@kprim/machine";
import { atSplbio } from "./spl.js";
import { bufLock, bufUnlock } from "./locking.js";
import { bremfree } from "./queues.js";
import {
  B_DELWRI,
  type Buf,
  type BufCache,
  type BufCalls,
  identityKey,
  QUEUE_CLEAN,
  QUEUE_EMPTY,
  QUEUE_EMPTYKVA,
  type QueueIndex,
  type RestartReason,
} from "./types.js";

export interface GetnewbufResult {
  readonly buf: Buf | null;
  /** Why there is no buffer. */
  readonly reason?: RestartReason;
}

/** What getnewbuf calls when the cache names no layer. */
const BUILTIN: Pick<BufCalls, "bremfree" | "lock" | "unlock"> = { bremfree, lock: bufLock, unlock: bufUnlock };

const SCAN_ORDER: readonly QueueIndex[] = [QUEUE_EMPTYKVA, QUEUE_CLEAN, QUEUE_EMPTY];

/**
 * `getnewbuf()`: a buffer to reuse — exclusively locked by the caller, on no
 * queue, with no identity — or none, with the reason.
 *
 * Calling context: as the module says.
 */
export function getnewbuf(k: KernelContext, cache: BufCache): Gen<GetnewbufResult> {
  return atSplbio(k, cache, scan(k, cache));
}

function* scan(k: KernelContext, cache: BufCache): Gen<GetnewbufResult> {
  cache.stats.getnewbuf++;
  const sleepq = cache.deps.sleepq;
  const via = cache.layer ?? BUILTIN;
  let restarts = 0;
  restart: for (; ; restarts++) {
    // Holding: no buffer lock (a candidate found busy or moved was left, or unlocked, before
    // coming back here).
    if (restarts > cache.maxRestarts) {
      cache.stats.restarts["restart-limit"]++;
      k.event("buf.restart", undefined, "restart-limit");
      k.event("restart-limit", "getnewbuf", `after ${restarts - 1} restarts`);
      k.event("buf.getnewbuf", "none", "restart-limit");
      return { buf: null, reason: "restart-limit" };
    }
    const skipped = new Set<number>();
    for (;;) {
      // Pick the next candidate: the head of the first non-empty queue in scan order.
      const pick = yield* k.atomic(
        "getnewbuf: scan",
        { reads: [...cache.queues, ...cache.bufs.map((b) => b.cell)] },
        (tx) => {
          for (const q of SCAN_ORDER) {
            for (const i of tx.read(cache.queues[q]!)) {
              if (skipped.has(i)) continue;
              const b = tx.read(cache.bufs[i]!.cell);
              if (b.qindex !== q) tx.panic(`getnewbuf: inconsistant queue ${q} bp ${cache.bufs[i]!.id}`);
              if ((b.flags & B_DELWRI) !== 0)
                tx.panic(`getnewbuf: delwri buffer ${cache.bufs[i]!.id} found in queue ${q}`);
              return { index: i, qindex: q };
            }
          }
          return null;
        },
      );
      if (pick === null) break;
      const bp = cache.bufs[pick.index]!;
      // BUF_LOCK(EXCLUSIVE | NOWAIT). With a token interlock this is a blocking point (two
      // token acquisitions before the lock is examined): the MP lock lapses here, and what the
      // scan saw may be stale by the time the lock state is read.
      const busy = (yield* via.lock(k, cache, bp, { nowait: true })) !== 0;
      if (busy) {
        // Holding: nothing of bp — its lock is someone else's (W1: enqueued, not yet unlocked).
        k.event("buf.observe", bp.id, "busy");
        if (cache.checks === "freebsd4") k.panic("getnewbuf: locked buf");
        if (cache.checks === "no-check") {
          skipped.add(bp.index);
          continue;
        }
        cache.stats.warnings++;
        k.printf(`getnewbuf: warning, locked buf ${bp.id}, race corrected`);
        restartFor(k, cache, "buf-lock-busy");
        if (cache.lockedBufSleep === "tick") yield* sleepq.tsleep(k, cache.bdRequestIdent, {}, "gnbxxx", 1);
        continue restart;
      }
      // Holding: bp's lock, exclusively. Did bp stay where the scan found it (W2)?
      const moved = yield* k.atomic(
        "getnewbuf: requeued?",
        { reads: [bp.cell] },
        (tx) => tx.read(bp.cell).qindex !== pick.qindex,
      );
      k.event("buf.observe", bp.id, moved ? "free moved" : "free same");
      if (moved && cache.checks === "rev1.52") {
        cache.stats.warnings++;
        k.printf(`getnewbuf: warning, BUF_LOCK blocked unexpectedly on buf ${bp.id}...`);
        yield* via.unlock(k, bp);
        // Holding: nothing of bp again.
        restartFor(k, cache, "queue-changed");
        continue restart;
      }
      yield* via.bremfree(k, cache, bp);
      // Holding: bp, locked and on no queue — ours. Strip its identity (nbp and the old
      // identity are gone; from here on only a restart could undo anything).
      yield* k.atomic(`getnewbuf: reuse ${bp.id}`, { writes: [bp.cell, cache.hash] }, (tx) => {
        const b = tx.mutate(bp.cell);
        tx.event(
          "buf.reuse",
          bp.id,
          `flags 0x${b.flags.toString(16)}${b.vp !== null ? ` vp ${b.vp} lblkno ${b.lblkno}` : ""}`,
        );
        if (b.vp !== null && b.lblkno !== null) {
          const h = tx.mutate(cache.hash);
          if (h[identityKey(b.vp, b.lblkno)] === bp.index) delete h[identityKey(b.vp, b.lblkno)];
        }
        b.vp = null;
        b.lblkno = null;
        b.flags = 0;
        b.data = 0;
      });
      k.event("buf.getnewbuf", bp.id);
      return { buf: bp };
    }
    // No buffer (holding none): kick the buffer daemon and wait for a release. Set
    // needsbuffer, then look at the queues once more before sleeping: a release that came
    // after the scan (possible without the MP lock) found needsbuffer clear and woke nobody.
    yield* sleepq.wakeup(k, cache.bdRequestIdent);
    k.critEnter();
    yield* sleepq.tsleepInterlock(k, cache.needsbufferIdent);
    const wait = yield* k.atomic(
      "getnewbuf: needsbuffer",
      { reads: cache.queues, writes: [cache.needsbuffer] },
      (tx) => {
        tx.write(cache.needsbuffer, 1);
        return SCAN_ORDER.every((q) => tx.read(cache.queues[q]!).length === 0);
      },
    );
    if (wait) yield* sleepq.tsleep(k, cache.needsbufferIdent, { interlocked: true }, "newbuf", 0);
    k.critExit();
    cache.stats.restarts["no-buffer"]++;
    k.event("buf.getnewbuf", "none", "no-buffer");
    return { buf: null, reason: "no-buffer" };
  }
}

/** Count a restart and say why (trace event `buf.restart`). */
function restartFor(k: KernelContext, cache: BufCache, reason: RestartReason): void {
  cache.stats.restarts[reason]++;
  k.event("buf.restart", undefined, reason);
}
