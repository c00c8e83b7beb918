/**
 * Buffer caches for catalogue scenarios, built from the Kernel composition:
 * the variant's interlock for buffer locks and BUF_LOCK (or a token for
 * BUF_LOCK's own with bufInterlock=token), its getnewbuf and getblk checks,
 * splbio, and its outer serialization (the MP lock, as in 2005, or none).
 */
import type { Gen, KernelContext, Machine } from "@kprim/machine";
import type { BufCache, BufCacheOptions, BufChecks, GetblkCheck, LockedBufSleep, Splbio } from "@kprim/buf";
import { type LockWakeups, tokenInterlock } from "@kprim/lockmgr";
import { interlockDeps, type Kernel } from "../kernel.js";

export function newBufCache(
  m: Machine,
  kernel: Kernel,
  opts: Omit<
    BufCacheOptions,
    "checks" | "getblkCheck" | "semantics" | "wakeups" | "lockedBufSleep" | "splbio" | "bufInterlock"
  >,
): BufCache {
  return kernel.buf.create(m, interlockDeps(kernel), kernel.interlock, {
    ...opts,
    checks: (kernel.options["bufChecks"] as BufChecks | undefined) ?? "rev1.52",
    getblkCheck: (kernel.options["getblkCheck"] as GetblkCheck | undefined) ?? "none",
    semantics: kernel.options.lockmgr,
    wakeups: (kernel.options["lockmgrWakeups"] as LockWakeups | undefined) ?? "held",
    lockedBufSleep: (kernel.options["getnewbufSleep"] as LockedBufSleep | undefined) ?? "tick",
    splbio: (kernel.options["splbio"] as Splbio | undefined) ?? "none",
    // BUF_LOCK's own interlock: the variant's (default), or buftimetoken kept as a token.
    ...(kernel.options["bufInterlock"] === "token" ? { bufInterlock: tokenInterlock } : {}),
  });
}

/** Run a buffer-cache path under the variant's outer serialization. */
export function* underOuter(k: KernelContext, kernel: Kernel, body: () => Gen<void>): Gen<void> {
  const mp = kernel.options.outer === "mplock";
  if (mp) yield* k.mpLock();
  yield* body();
  if (mp) yield* k.mpUnlock();
}
