/**
 * Buffer caches for catalogue scenarios, built from the Kernel composition:
 * the variant's interlock for buffer locks and BUF_LOCK, its getnewbuf and
 * getblk checks, and its outer serialization (the MP lock, as in 2005, or none).
 */
import type { Gen, KernelContext, Machine } from "@kprim/machine";
import type { BufCache, BufCacheOptions, BufChecks, GetblkCheck } from "@kprim/buf";
import type { LockWakeups } from "@kprim/lockmgr";
import { interlockDeps, type Kernel } from "../kernel.js";

export function newBufCache(
  m: Machine,
  kernel: Kernel,
  opts: Omit<BufCacheOptions, "checks" | "getblkCheck" | "semantics" | "wakeups">,
): BufCache {
  return kernel.buf.create(m, interlockDeps(kernel), kernel.interlock, {
    ...opts,
    checks: (kernel.options["bufChecks"] as BufChecks | undefined) ?? "rev1.52",
    getblkCheck: (kernel.options["getblkCheck"] as GetblkCheck | undefined) ?? "none",
    semantics: kernel.options.lockmgr,
    wakeups: (kernel.options["lockmgrWakeups"] as LockWakeups | undefined) ?? "held",
  });
}

/** Run a buffer-cache path under the variant's outer serialization. */
export function* underOuter(k: KernelContext, kernel: Kernel, body: () => Gen<void>): Gen<void> {
  const mp = kernel.options.outer === "mplock";
  if (mp) yield* k.mpLock();
  yield* body();
  if (mp) yield* k.mpUnlock();
}
