/**
 * splbio, as an option (spec §8.4: whether splbio and friends were critical
 * sections in late 2005 is not known).
 *
 * `splbio: "none"` (default): the buffer-cache paths raise no priority level
 * of their own; only the caller's outer serialization (the MP lock) and the
 * critical sections of the primitives they call apply. `splbio: "crit"`:
 * getblk, getnewbuf, brelse, bqrelse, bremfree and BUF_LOCK run inside a
 * critical section, as DragonFly's spl*() calls became — no preemption and
 * no IPI on this cpu while one runs, except across its own blocking points,
 * where the count travels with the thread.
 */
import type { Gen, KernelContext } from "@kprim/machine";
import type { BufCache } from "./types.js";

/** Run `body` at splbio: inside a critical section with `splbio: "crit"`, as is otherwise. */
export function atSplbio<T>(k: KernelContext, cache: BufCache, body: Gen<T>): Gen<T> {
  return cache.splbio === "crit" ? inCrit(k, body) : body;
}

function* inCrit<T>(k: KernelContext, body: Gen<T>): Gen<T> {
  k.critEnter(); // s = splbio()
  const r = yield* body;
  k.critExit(); // splx(s)
  return r;
}
