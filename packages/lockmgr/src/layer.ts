/**
 * The lockmgr layer as the Kernel composition sees it: `lockinit` and the
 * calls made on a lock (`lockmgr`, `lockstatus`, `lockcount`,
 * `lockcountnb`, `lockmgr_kernproc`, `lockreinit`). Everything built on
 * lockmgr — the buffer cache's BUF_LOCK, every lockmgr scenario of the
 * catalogue — calls it through the layer, so a plugin can put another
 * lockmgr in its place (a 2008-style one, a FreeBSD `lockmgr`/`sx` lock, a
 * deliberately broken one) and the catalogue and the acceptance matrix run
 * unchanged against it.
 *
 * Contract: a replacement keeps a lock's observable meaning — `lockmgr`
 * returns 0, EBUSY, ENOLCK or the sleep's error as rev 1.13 does; holds are
 * announced with the lock-event contract (`lock.acquire` / `lock.release`,
 * detail `lockmgr:<class>:<mode>`); sleepers sleep through the lock's
 * interlock (`lock.interlock.sleep`), so lost wakeups stay visible. The
 * easiest replacement spreads `lockmgrLayer` and overrides what changes;
 * one that keeps the built-in `lockinit` keeps its `Lock` word and the
 * `lockmgr-state` detector (I5) with it.
 *
 * Calling context: as each function's own (set-up for `lockinit`, thread
 * context for the rest).
 */
import type { Gen, KernelContext, Machine, Raises, Thread } from "@kprim/machine";
import type { LockFlags, LockRequest, LockStatus } from "./flags.js";
import { type Lock, lockcount, lockcountnb, type LockInit, lockinit, lockmgrKernproc, lockstatus } from "./lock.js";
import { lockmgr, type LockmgrOptions, lockreinit } from "./lockmgr.js";
import { LOCKMGR_RAISES } from "./system.js";

export interface LockmgrLayer {
  readonly name: string;
  /** What it can raise: its panics, detectors and console lines (a replacement declares its own). */
  readonly raises?: Raises;
  lockinit(machine: Machine, name: string, init: LockInit): Lock;
  lockmgr(k: KernelContext, lock: Lock, request: LockRequest, opts?: LockmgrOptions): Gen<number>;
  lockstatus(k: KernelContext, lock: Lock, td?: Thread | null): Gen<LockStatus>;
  lockcount(k: KernelContext, lock: Lock): Gen<number>;
  lockcountnb(k: KernelContext, lock: Lock): Gen<number>;
  lockmgrKernproc(k: KernelContext, lock: Lock): Gen<void>;
  lockreinit(
    k: KernelContext,
    lock: Lock,
    opts?: { prio?: number; wmesg?: string; timo?: number; flags?: LockFlags },
  ): Gen<void>;
}

/** DragonFly's lockmgr (kern_lock.c rev 1.13, with the 2008 differences as `lockinit`'s `semantics`). */
export const lockmgrLayer: LockmgrLayer = Object.freeze({
  name: "dragonfly-2005",
  raises: LOCKMGR_RAISES,
  lockinit,
  lockmgr,
  lockstatus,
  lockcount,
  lockcountnb,
  lockmgrKernproc,
  lockreinit,
});

/**
 * The lockmgr a lock was made for: the one in its deps (a plugin's), else
 * the built-in one. Code that holds only a lock (BUF_UNLOCK) calls through it.
 */
export function lockmgrOf(lock: Lock): LockmgrLayer {
  return lock.deps.lockmgr ?? lockmgrLayer;
}
