/**
 * The free-queue operations (spec §6.4): bremfree, brelse, bqrelse, bdwrite.
 *
 * Protects: the queues and each buffer's queue index, identity and flags —
 * in 2005, by the MP lock and splbio, i.e. only between blocking points.
 * Each insertion or removal here is one atomic step (as if guarded by a
 * queue lock): what the MP lock adds is the serialization of a whole
 * sequence, which lapses at every blocking point (spec §1.6).
 *
 * Invariants (I2): a buffer is linked on queue q iff its b_qindex is q, and
 * never on two. A buffer on a queue other than NONE is not locked, except
 * transiently between "lock" and "bremfree" or between "enqueue" and
 * "unlock" inside one thread's non-blocking sequence — the windows the
 * getnewbuf race is made of.
 *
 * Calling context: the caller holds the buffer's lock (brelse/bqrelse/
 * bdwrite give it up). BUF_REFCNT takes the lock's interlock.
 */
import type { Gen, KernelContext, Tx } from "@kprim/machine";
import { bufRefcnt, bufUnlock } from "./locking.js";
import {
  B_AGE,
  B_CACHE,
  B_DELWRI,
  B_DONE,
  B_INVAL,
  B_LOCKED,
  B_NOCACHE,
  B_RELBUF,
  type Buf,
  type BufCache,
  QUEUE_CLEAN,
  QUEUE_DIRTY,
  QUEUE_EMPTY,
  QUEUE_LOCKED,
  QUEUE_NONE,
  type QueueIndex,
} from "./types.js";

function allQueues(cache: BufCache) {
  return { writes: [...cache.queues, cache.needsbuffer] };
}

export function* bremfree(k: KernelContext, cache: BufCache, bp: Buf): Gen<void> {
  const refs = yield* bufRefcnt(k, bp);
  yield* k.atomic(`bremfree ${bp.id}`, { writes: [bp.cell, ...cache.queues] }, (tx) => {
    const b = tx.mutate(bp.cell);
    if (b.qindex !== QUEUE_NONE) {
      if (refs !== 1) tx.panic(`bremfree: bp ${bp.id} not locked`);
      const q = tx.mutate(cache.queues[b.qindex]!);
      const i = q.indexOf(bp.index);
      if (i < 0) tx.panic(`bremfree: ${bp.id} not on queue ${b.qindex}`);
      q.splice(i, 1);
      b.qindex = QUEUE_NONE;
    } else if (refs <= 1) {
      tx.panic("bremfree: removing a buffer not on a queue");
    }
  });
}

/** Put `bp` on queue `q` (head or tail), clear the transient flags, and say whether buffer waiters must be woken. */
function enqueue(tx: Tx, cache: BufCache, bp: Buf, q: QueueIndex, head: boolean): boolean {
  const b = tx.mutate(bp.cell);
  const list = tx.mutate(cache.queues[q]!);
  if (head) list.unshift(bp.index);
  else list.push(bp.index);
  b.qindex = q;
  b.flags &= ~(B_AGE | B_RELBUF | B_NOCACHE);
  if (tx.read(cache.needsbuffer) !== 0) {
    tx.write(cache.needsbuffer, 0);
    return true;
  }
  return false;
}

function* release(
  k: KernelContext,
  cache: BufCache,
  bp: Buf,
  what: string,
  choose: (flags: number, identified: boolean) => [QueueIndex, boolean],
): Gen<void> {
  const refs = yield* bufRefcnt(k, bp);
  const wake = yield* k.atomic(`${what} ${bp.id}`, { writes: [bp.cell, ...allQueues(cache).writes] }, (tx) => {
    const b = tx.read(bp.cell);
    if (b.qindex !== QUEUE_NONE) tx.panic(`${what}: free buffer onto another queue???`);
    if (refs > 1) tx.panic(`${what}: multiple refs`);
    const [q, head] = choose(b.flags, b.vp !== null);
    tx.event("buf.release", bp.id, what);
    return enqueue(tx, cache, bp, q, head);
  });
  if (wake) yield* cache.deps.sleepq.wakeup(k, cache.needsbufferIdent);
  // Insert, then unlock: the window getnewbuf's first warning is about.
  yield* bufUnlock(k, bp);
}

/** brelse: the buffer goes back to a free queue by its state, then is unlocked. */
export function* brelse(k: KernelContext, cache: BufCache, bp: Buf): Gen<void> {
  yield* release(k, cache, bp, "brelse", (flags, identified) => {
    if (!identified) return [QUEUE_EMPTY, false];
    if ((flags & B_INVAL) !== 0) return [QUEUE_CLEAN, true];
    if ((flags & B_LOCKED) !== 0) return [QUEUE_LOCKED, false];
    if ((flags & B_DELWRI) !== 0) return [QUEUE_DIRTY, false];
    return [QUEUE_CLEAN, (flags & B_AGE) !== 0];
  });
}

/** bqrelse: like brelse, for a buffer expected to be reused soon. */
export function* bqrelse(k: KernelContext, cache: BufCache, bp: Buf): Gen<void> {
  yield* release(k, cache, bp, "bqrelse", (flags, identified) => {
    if (!identified) return [QUEUE_EMPTY, false];
    if ((flags & B_LOCKED) !== 0) return [QUEUE_LOCKED, false];
    if ((flags & B_DELWRI) !== 0) return [QUEUE_DIRTY, false];
    return [QUEUE_CLEAN, false];
  });
}

/** bdwrite: mark the contents dirty (a delayed write) and release for reuse. */
export function* bdwrite(k: KernelContext, cache: BufCache, bp: Buf, data: number): Gen<void> {
  yield* k.atomic(`bdwrite ${bp.id}`, { writes: [bp.cell] }, (tx) => {
    const b = tx.mutate(bp.cell);
    b.flags |= B_DELWRI | B_DONE | B_CACHE;
    b.data = data;
    tx.event("buf.write", bp.id, `data ${data}`);
  });
  yield* bqrelse(k, cache, bp);
}
