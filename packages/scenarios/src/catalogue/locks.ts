/**
 * Locks for catalogue scenarios, built from the Kernel composition: a
 * lockmgr lock with the variant's interlock and semantics, or a bare
 * interlock used as the mutex around a condition.
 */
import type { Machine } from "@kprim/machine";
import { type Interlock, type Lock, lockinit, type LockWakeups } from "@kprim/lockmgr";
import { interlockDeps, type Kernel } from "../kernel.js";

export function newLock(m: Machine, kernel: Kernel, name: string, opts: { cpu?: number; timo?: number } = {}): Lock {
  return lockinit(m, name, {
    deps: interlockDeps(kernel),
    interlock: kernel.interlock,
    semantics: kernel.options.lockmgr,
    wakeups: (kernel.options["lockmgrWakeups"] as LockWakeups | undefined) ?? "held",
    wmesg: `${name.toLowerCase()}wt`,
    ...(opts.timo !== undefined ? { timo: opts.timo } : {}),
    ...(opts.cpu !== undefined ? { cpu: opts.cpu } : {}),
  });
}

export function newInterlock(m: Machine, kernel: Kernel, name: string, opts: { cpu?: number } = {}): Interlock {
  return kernel.interlock.create(m, name, interlockDeps(kernel), opts);
}
