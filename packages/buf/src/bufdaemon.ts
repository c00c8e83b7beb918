/**
 * The buffer daemon, reduced to what getnewbuf relies on: when kicked (a
 * wakeup of bd_request), write out delayed-write buffers — lock one found on
 * DIRTY, take it off, clear B_DELWRI (the write completed), release it to
 * CLEAN — and sleep again when none is left. A busy dirty buffer is retried
 * after a short sleep.
 *
 * Run it as a daemon thread: `m.spawn({ ..., daemon: true, body: (k) => bufdaemon(k, cache) })`.
 *
 * Calling context: the body of its own kernel thread; never returns; blocks
 * (under the MP lock with `outer: "mplock"`, which lapses while it sleeps).
 */
import type { Gen, KernelContext } from "@kprim/machine";
import { bufLock } from "./locking.js";
import { bremfree, brelse } from "./queues.js";
import { B_DELWRI, type BufCache, type BufCalls, QUEUE_DIRTY } from "./types.js";

/** What the daemon calls when the cache names no layer. */
const BUILTIN: Pick<BufCalls, "lock" | "bremfree" | "brelse"> = { lock: bufLock, bremfree, brelse };

export function* bufdaemon(k: KernelContext, cache: BufCache, opts: { outer?: "mplock" | "none" } = {}): Gen<void> {
  const sleepq = cache.deps.sleepq;
  const via = cache.layer ?? BUILTIN;
  if (opts.outer === "mplock") yield* k.mpLock();
  for (;;) {
    k.critEnter();
    yield* sleepq.tsleepInterlock(k, cache.bdRequestIdent);
    const victim = yield* k.atomic(
      "bufdaemon: scan DIRTY",
      { reads: [cache.queues[QUEUE_DIRTY]!] },
      (tx) => tx.read(cache.queues[QUEUE_DIRTY]!)[0],
    );
    if (victim === undefined) {
      yield* sleepq.tsleep(k, cache.bdRequestIdent, { interlocked: true }, "psleep", 0);
      k.critExit();
      continue;
    }
    k.critExit();
    const bp = cache.bufs[victim]!;
    if ((yield* via.lock(k, cache, bp, { nowait: true })) !== 0) {
      yield* sleepq.tsleep(k, cache.bdRequestIdent, {}, "bdretry", 1);
      continue;
    }
    yield* via.bremfree(k, cache, bp);
    yield* k.atomic(`bufdaemon: write ${bp.id}`, { writes: [bp.cell] }, (tx) => {
      tx.mutate(bp.cell).flags &= ~B_DELWRI;
    });
    yield* via.brelse(k, cache, bp);
  }
}
