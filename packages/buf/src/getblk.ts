/**
 * getblk (spec §6.5): the buffer for (vp, blkno), locked and on no queue.
 *
 * On a hit: BUF_LOCK(EXCLUSIVE | NOWAIT); if busy, BUF_TIMELOCK(EXCLUSIVE |
 * SLEEPFAIL) and on ENOLCK look again (the buffer may have been reused while
 * we slept: G1). Having the lock: bremfree, and return it. On a miss:
 * getnewbuf; if another thread created the same block meanwhile, throw ours
 * away (B_INVAL, brelse) and look again; else give it the identity.
 *
 * The 2005 getblk trusts the lookup once the lock is held. With a token
 * interlock BUF_LOCK(NOWAIT) can block (its tokens are contended), and the
 * MP lock that serializes the buffer cache lapses there: getnewbuf may reuse
 * the buffer for another block meanwhile, and getblk then returns a buffer
 * that holds someone else's block — the getblk-side twin of getnewbuf's
 * "BUF_LOCK blocked unexpectedly" (the `getblk-result` detector reports
 * it). `getblkCheck`:
 * - `none` (default): as in 2005 — no re-validation;
 * - `identity`: as later DragonFly (spec §6.8) — after locking, a buffer
 *   whose identity changed is unlocked and the block looked up again.
 *
 * Gives up (returns null) after `maxRestarts` lookups, like getnewbuf.
 *
 * Calling context: thread context, under the caller's outer serialization
 * (the MP lock in 2005), at splbio; blocks. Returns the buffer exclusively locked by
 * the caller, on no queue, or null.
 */
import type { Gen, KernelContext } from "@kprim/machine";
import { ENOLCK } from "@kprim/sleepq";
import { getnewbuf } from "./getnewbuf.js";
import { atSplbio } from "./spl.js";
import { bufLock, bufTimelock, bufUnlock } from "./locking.js";
import { bremfree, brelse } from "./queues.js";
import { B_CACHE, B_INVAL, type Buf, type BufCache, type BufCalls, identityKey, QUEUE_NONE } from "./types.js";

/** What getblk calls when the cache names no layer. */
const BUILTIN: Pick<BufCalls, "getnewbuf" | "bremfree" | "brelse" | "lock" | "unlock"> = {
  getnewbuf,
  bremfree,
  brelse,
  lock: bufLock,
  unlock: bufUnlock,
};

/**
 * `getblk(vp, blkno)`: the buffer holding block (vp, blkno), exclusively
 * locked by the caller and on no queue — found, or made from a buffer
 * getnewbuf frees — or null after `maxRestarts` lookups.
 *
 * Calling context: as the module says.
 */
export function getblk(k: KernelContext, cache: BufCache, vp: number, blkno: number, slptimeo = 0): Gen<Buf | null> {
  return atSplbio(k, cache, lookup(k, cache, vp, blkno, slptimeo));
}

function* lookup(k: KernelContext, cache: BufCache, vp: number, blkno: number, slptimeo: number): Gen<Buf | null> {
  const key = identityKey(vp, blkno);
  const via = cache.layer ?? BUILTIN;
  for (let lookups = 0; lookups <= cache.maxRestarts; lookups++) {
    const hit = yield* k.atomic(`gbincore ${key}`, { reads: [cache.hash] }, (tx) => tx.read(cache.hash)[key]);
    if (hit !== undefined) {
      const bp = cache.bufs[hit]!;
      // Lock the buffer the lookup found. With a token interlock this may block.
      let error = yield* via.lock(k, cache, bp, { nowait: true });
      if (error !== 0) {
        error = yield* bufTimelock(k, cache, bp, { sleepfail: true }, "getblk", slptimeo);
        if (error === ENOLCK) {
          k.event("buf.lookup-again", bp.id, "ENOLCK");
          continue;
        }
        if (error !== 0) return null;
      }
      // Locked. The 2005 getblk takes it off its queue and returns it.
      if (cache.getblkCheck === "identity") {
        const same = yield* k.atomic(`getblk: ${bp.id} still ${key}?`, { reads: [bp.cell] }, (tx) => {
          const b = tx.read(bp.cell);
          return b.vp === vp && b.lblkno === blkno ? (b.qindex !== QUEUE_NONE ? "queued" : "held") : "reused";
        });
        if (same === "reused") {
          yield* via.unlock(k, bp);
          k.event("buf.lookup-again", bp.id, "reused");
          continue;
        }
        if (same === "queued") yield* via.bremfree(k, cache, bp);
      } else {
        yield* via.bremfree(k, cache, bp);
      }
      k.event("buf.getblk", bp.id, key);
      return bp;
    }
    const { buf: bp, reason } = yield* via.getnewbuf(k, cache);
    if (bp === null) {
      if (reason === "restart-limit") return null;
      continue;
    }
    const raced = yield* k.atomic(`getblk: attach ${key}`, { writes: [bp.cell, cache.hash] }, (tx) => {
      const h = tx.mutate(cache.hash);
      if (h[key] !== undefined) {
        tx.mutate(bp.cell).flags |= B_INVAL;
        return true;
      }
      h[key] = bp.index;
      const b = tx.mutate(bp.cell);
      b.vp = vp;
      b.lblkno = blkno;
      b.flags = B_CACHE;
      return false;
    });
    if (!raced) {
      k.event("buf.getblk", bp.id, key);
      return bp;
    }
    // Another thread created the block meanwhile: throw ours away and look again.
    yield* via.brelse(k, cache, bp);
    k.event("buf.lookup-again", bp.id, "raced");
  }
  k.event("restart-limit", "getblk", `after ${cache.maxRestarts + 1} lookups`);
  return null;
}
