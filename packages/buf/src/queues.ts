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
import { atSplbio } from "./spl.js";
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
  type BufCalls,
  QUEUE_CLEAN,
  QUEUE_DIRTY,
  QUEUE_EMPTY,
  QUEUE_LOCKED,
  QUEUE_NONE,
  type QueueIndex,
} from "./types.js";

/** What the releases call when the cache names no layer (bqrelse is this module's own). */
const BUILTIN: Pick<BufCalls, "refcnt" | "unlock"> = { refcnt: bufRefcnt, unlock: bufUnlock };

function allQueues(cache: BufCache) {
  return { writes: [...cache.queues, cache.needsbuffer] };
}

/**
 * `bremfree(bp)`: take a buffer the caller has just locked off its free
 * queue (panics if it is on none and the caller's is the only hold).
 *
 * Calling context: thread context, holding bp's lock, at splbio. BUF_REFCNT
 * takes the lock's interlock: with a token, a blocking point.
 */
export function bremfree(k: KernelContext, cache: BufCache, bp: Buf): Gen<void> {
  return atSplbio(k, cache, unqueue(k, cache, bp));
}

function* unqueue(k: KernelContext, cache: BufCache, bp: Buf): Gen<void> {
  const refs = yield* (cache.layer ?? BUILTIN).refcnt(k, bp);
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
  const via = cache.layer ?? BUILTIN;
  const refs = yield* via.refcnt(k, bp);
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
  yield* via.unlock(k, bp);
}

/**
 * `brelse(bp)`: the buffer goes back to a free queue by its state (EMPTY
 * without identity, CLEAN head if invalid, LOCKED, DIRTY if delayed-write,
 * else CLEAN), buffer waiters are woken, then it is unlocked — in that
 * order: between the insertion and the unlock is getnewbuf's first window.
 *
 * Calling context: thread context, holding bp's lock exclusively (or the
 * I/O completion, with the hold handed to LK_KERNTHREAD), at splbio; may
 * block on the lock's interlock token.
 */
export function brelse(k: KernelContext, cache: BufCache, bp: Buf): Gen<void> {
  return atSplbio(k, cache, release(k, cache, bp, "brelse", brelseQueue));
}

function brelseQueue(flags: number, identified: boolean): [QueueIndex, boolean] {
  if (!identified) return [QUEUE_EMPTY, false];
  if ((flags & B_INVAL) !== 0) return [QUEUE_CLEAN, true];
  if ((flags & B_LOCKED) !== 0) return [QUEUE_LOCKED, false];
  if ((flags & B_DELWRI) !== 0) return [QUEUE_DIRTY, false];
  return [QUEUE_CLEAN, (flags & B_AGE) !== 0];
}

/**
 * `bqrelse(bp)`: like brelse, for a buffer expected to be reused soon
 * (LOCKED, DIRTY, or the tail of CLEAN); the same insert-then-unlock order.
 *
 * Calling context: as brelse.
 */
export function bqrelse(k: KernelContext, cache: BufCache, bp: Buf): Gen<void> {
  return atSplbio(k, cache, release(k, cache, bp, "bqrelse", bqrelseQueue));
}

function bqrelseQueue(flags: number, identified: boolean): [QueueIndex, boolean] {
  if (!identified) return [QUEUE_EMPTY, false];
  if ((flags & B_LOCKED) !== 0) return [QUEUE_LOCKED, false];
  if ((flags & B_DELWRI) !== 0) return [QUEUE_DIRTY, false];
  return [QUEUE_CLEAN, false];
}

/**
 * `bdwrite(bp, data)`: write `data` into the buffer as a delayed write
 * (B_DELWRI) and release it for reuse (bqrelse).
 *
 * Calling context: thread context, holding bp's lock; as bqrelse.
 */
export function* bdwrite(k: KernelContext, cache: BufCache, bp: Buf, data: number): Gen<void> {
  yield* k.atomic(`bdwrite ${bp.id}`, { writes: [bp.cell] }, (tx) => {
    const b = tx.mutate(bp.cell);
    b.flags |= B_DELWRI | B_DONE | B_CACHE;
    b.data = data;
    tx.event("buf.write", bp.id, `data ${data}`);
  });
  yield* (cache.layer?.bqrelse ?? bqrelse)(k, cache, bp);
}
