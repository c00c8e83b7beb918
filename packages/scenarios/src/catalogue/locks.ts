/**
 * Locks for catalogue scenarios, built from the Kernel composition: a
 * lockmgr lock with the variant's interlock and semantics, or a bare
 * interlock used as the mutex around a condition. A lock is made and used
 * through the Kernel's lockmgr layer (a plugin's, when one replaces
 * lockmgr): `lockmgr` and `lockmgrKernproc` here call the lock's own.
 */
import type { Gen, KernelContext, Machine } from "@kprim/machine";
import {
  type Interlock,
  type Lock,
  type LockmgrOptions,
  lockmgrOf,
  type LockRequest,
  type LockWakeups,
} from "@kprim/lockmgr";
import { interlockDeps, type Kernel } from "../kernel.js";

/**
 * A lockmgr lock named `name` for a scenario: the variant's interlock (its
 * token starting on `opts.cpu`), lockmgr semantics and wakeup order, sleep
 * message `<name>wt`, and `opts.timo` as its timeout (for LK_TIMELOCK).
 */
export function newLock(m: Machine, kernel: Kernel, name: string, opts: { cpu?: number; timo?: number } = {}): Lock {
  return kernel.lockmgr.lockinit(m, name, {
    deps: interlockDeps(kernel),
    interlock: kernel.interlock,
    semantics: kernel.options.lockmgr,
    wakeups: (kernel.options["lockmgrWakeups"] as LockWakeups | undefined) ?? "held",
    wmesg: `${name.toLowerCase()}wt`,
    ...(opts.timo !== undefined ? { timo: opts.timo } : {}),
    ...(opts.cpu !== undefined ? { cpu: opts.cpu } : {}),
  });
}

/** A bare interlock of the variant's kind (a token starting on `opts.cpu`), e.g. the mutex around a condition. */
export function newInterlock(m: Machine, kernel: Kernel, name: string, opts: { cpu?: number } = {}): Interlock {
  return kernel.interlock.create(m, name, interlockDeps(kernel), opts);
}

/** `lockmgr(lock, request, flags)` through the lock's lockmgr layer. */
export function lockmgr(k: KernelContext, lock: Lock, request: LockRequest, opts?: LockmgrOptions): Gen<number> {
  return lockmgrOf(lock).lockmgr(k, lock, request, opts);
}

/** `lockmgr_kernproc(lock)` (BUF_KERNPROC) through the lock's lockmgr layer. */
export function lockmgrKernproc(k: KernelContext, lock: Lock): Gen<void> {
  return lockmgrOf(lock).lockmgrKernproc(k, lock);
}
