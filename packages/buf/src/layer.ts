/**
 * The buffer-cache layer as the Kernel composition sees it. A plugin can
 * supply another (say, one with the rev 1.52 checks removed).
 */
import type { Gen, KernelContext, Machine, Raises } from "@kprim/machine";
import type { InterlockDeps, InterlockKind } from "@kprim/lockmgr";
import { bufdaemon } from "./bufdaemon.js";
import { createBufCache, presetBuf } from "./cache.js";
import { getblk } from "./getblk.js";
import { getnewbuf, type GetnewbufResult } from "./getnewbuf.js";
import { bufKernproc, bufLock, type BufLockFlags, bufRefcnt, bufUnlock } from "./locking.js";
import { bdwrite, bqrelse, bremfree, brelse } from "./queues.js";
import type { Buf, BufCache, BufCacheOptions } from "./types.js";

export interface BufLayer {
  readonly name: string;
  /** What it can raise: its panics, its detectors, its console lines (a replacement declares its own). */
  readonly raises?: Raises;
  create(machine: Machine, deps: InterlockDeps, interlock: InterlockKind, opts: BufCacheOptions): BufCache;
  preset: typeof presetBuf;
  getblk(k: KernelContext, cache: BufCache, vp: number, blkno: number, slptimeo?: number): Gen<Buf | null>;
  getnewbuf(k: KernelContext, cache: BufCache): Gen<GetnewbufResult>;
  brelse(k: KernelContext, cache: BufCache, bp: Buf): Gen<void>;
  bqrelse(k: KernelContext, cache: BufCache, bp: Buf): Gen<void>;
  bdwrite(k: KernelContext, cache: BufCache, bp: Buf, data: number): Gen<void>;
  bremfree(k: KernelContext, cache: BufCache, bp: Buf): Gen<void>;
  lock(k: KernelContext, cache: BufCache, bp: Buf, flags?: BufLockFlags): Gen<number>;
  unlock(k: KernelContext, bp: Buf): Gen<void>;
  refcnt(k: KernelContext, bp: Buf): Gen<number>;
  kernproc(k: KernelContext, bp: Buf): Gen<void>;
  bufdaemon(k: KernelContext, cache: BufCache, opts?: { outer?: "mplock" | "none" }): Gen<void>;
}

/**
 * What the 2005 buffer cache raises: its detectors (misdirected-write is
 * getblk's side of the getnewbuf race), its queue panics
 * (and FreeBSD 4's "locked buf" under `bufChecks=freebsd4`), and
 * getnewbuf's two rev 1.52 console warnings.
 */
export const BUF_RAISES: Raises = Object.freeze({
  violations: ["getnewbuf-result", "queue-consistency", "dirty-reuse", "misdirected-write"],
  panics: [
    "getnewbuf: inconsistant queue %d bp %p",
    "getnewbuf: delwri buffer %p found in queue %d",
    "getnewbuf: locked buf",
    "bremfree: bp %p not locked",
    "bremfree: %p not on queue %d",
    "bremfree: removing a buffer not on a queue",
    "%s: free buffer onto another queue???",
    "%s: multiple refs",
  ],
  console: [
    "getnewbuf: warning, locked buf %p, race corrected",
    "getnewbuf: warning, BUF_LOCK blocked unexpectedly on buf %p...",
  ],
});

/**
 * DragonFly's 2005 buffer cache. A cache made by its `create` calls getblk's
 * getnewbuf, the releases' BUF_UNLOCK and the rest through the layer that
 * made it (`BufCalls`), so a layer made by spreading this one and replacing
 * a member is that member on every path.
 */
export const bufLayer: BufLayer = Object.freeze({
  name: "dragonfly-2005",
  raises: BUF_RAISES,
  /** The cache's paths call each other through this layer (`this`): a spread replacement's members are used everywhere. */
  create(
    this: BufLayer | void,
    machine: Machine,
    deps: InterlockDeps,
    interlock: InterlockKind,
    opts: BufCacheOptions,
  ): BufCache {
    const layer = opts.layer ?? (this as BufLayer | undefined);
    return createBufCache(machine, deps, interlock, layer === undefined ? opts : { ...opts, layer });
  },
  preset: presetBuf,
  getblk,
  getnewbuf,
  brelse,
  bqrelse,
  bdwrite,
  bremfree,
  lock: bufLock,
  unlock: bufUnlock,
  refcnt: bufRefcnt,
  kernproc: bufKernproc,
  bufdaemon,
});
