/**
 * `struct lock` and its set-up (spec §4.1, §4.4 "Other entry points").
 *
 * Protects: its own fields, through its interlock (a token before the
 * November 2005 patch, a spinlock after). A lock is held shared by any number
 * of threads, or exclusively by one (recursively, with LK_CANRECURSE) — or
 * by LK_KERNTHREAD, "the kernel", after a buffer's I/O was handed off
 * (BUF_KERNPROC), so that another thread may release it.
 *
 * Invariants (I5): HAVE_EXCL ⇔ exclusivecount > 0 ⇔ holder ≠ NOTHREAD;
 * SHARE_NONZERO ⇔ sharecount > 0; WAIT_NONZERO ⇔ waitcount > 0; never held
 * exclusive and shared at once outside a single lockmgr call. The
 * `lockmgr-state` detector checks them whenever no thread is inside the
 * lock's interlock; and at quiescence, that no thread sleeps in acquire while
 * every bit it waits for is clear.
 */
import { type Cell, type Gen, type KernelContext, type Machine, type MachineView, type Thread } from "@kprim/machine";
import type { Ident } from "@kprim/sleepq";
import {
  extFlags,
  LK_ALL,
  LK_EXTFLG_MASK,
  LK_HAVE_EXCL,
  LK_KERNTHREAD,
  LK_NOTHREAD,
  type LockFlags,
  type LockStatus,
} from "./flags.js";
import type { Interlock, InterlockDeps, InterlockKind } from "./interlock.js";
import { lockWait } from "./lockWait.js";
import { lockmgrSystem } from "./system.js";

export { LOCK_WAIT, lockWait, type LockWait } from "./lockWait.js";

export type LockSemantics = "2005" | "2008";

/**
 * Where lockmgr issues the wakeups a request owes on its way out: with the
 * interlock held (`held`, rev 1.13's order) or right after the epilogue
 * releases it (`after-release`, as later DragonFly). Spec §4.5: both are
 * safe because wakeup never blocks; spec §8.2: the patch's order is unknown.
 */
export type LockWakeups = "held" | "after-release";

export interface LockWord {
  flags: number;
  sharecount: number;
  waitcount: number;
  exclusivecount: number;
  /** Thread id, LK_NOTHREAD or LK_KERNTHREAD. */
  holder: number;
  prio: number;
  wmesg: string;
  timo: number;
}

export interface Lock {
  readonly name: string;
  /** The lock class (e.g. every buffer lock is "b_lock"), for the lock-order graph. */
  readonly lockClass: string;
  readonly cell: Cell<LockWord>;
  readonly interlock: Interlock;
  /** What waiters sleep on (the lock's address). */
  readonly ident: Ident;
  /** What a drainer sleeps on (`&lk_flags`: another address, same bucket). */
  readonly drainIdent: Ident;
  readonly semantics: LockSemantics;
  /** Where the wakeups a request owes on its way out are issued. */
  readonly wakeups: LockWakeups;
  readonly deps: InterlockDeps;
  readonly stats: { requests: number; sleeps: number };
}

export interface LockInit {
  readonly deps: InterlockDeps;
  readonly interlock: InterlockKind;
  readonly semantics?: LockSemantics;
  /** Where a request's closing wakeups are issued (default `held`, rev 1.13's order). */
  readonly wakeups?: LockWakeups;
  readonly wmesg?: string;
  readonly timo?: number;
  readonly prio?: number;
  /** Persistent external flags (e.g. canrecurse). */
  readonly flags?: LockFlags;
  /** The cpu that initially owns a token interlock. */
  readonly cpu?: number;
  /** The lock class (default: the name). */
  readonly lockClass?: string;
}

/**
 * `lockinit(lkp, prio, wmesg, timo, flags)`: a free lock with its interlock
 * (of `init.interlock`'s kind), persistent external flags, and the sleep
 * conditions its waiters and drainer declare to the sleep queue.
 *
 * Calling context: set-up, before the machine runs.
 */
export function lockinit(machine: Machine, name: string, init: LockInit): Lock {
  const cell = machine.cell<LockWord>(`lock ${name}`, {
    flags: extFlags(init.flags ?? {}) & LK_EXTFLG_MASK,
    sharecount: 0,
    waitcount: 0,
    exclusivecount: 0,
    holder: LK_NOTHREAD,
    prio: init.prio ?? 0,
    wmesg: init.wmesg ?? name,
    timo: init.timo ?? 0,
  });
  const key = {};
  const ident = init.deps.sleepq.identOf(machine, key, name);
  const drainIdent = init.deps.sleepq.collidingIdent(machine, `${name}.lk_flags`, ident);
  const lockClass = init.lockClass ?? name;
  const interlock = init.interlock.create(machine, `${name}.interlock`, init.deps, {
    lockClass: `${lockClass}.interlock`,
    ...(init.cpu !== undefined ? { cpu: init.cpu } : {}),
  });
  // Frozen: saved states and thread-local logs (a sleeper's LOCK_WAIT) keep the lock by identity
  // instead of walking it; what changes in it — its interlock's bookkeeping, its stats — is saved
  // through the lockmgr system, which lists them (system.ts).
  const lock: Lock = Object.freeze({
    name,
    lockClass,
    cell,
    interlock,
    ident,
    drainIdent,
    semantics: init.semantics ?? "2005",
    wakeups: init.wakeups ?? "held",
    deps: init.deps,
    stats: { requests: 0, sleeps: 0 },
  });
  const waitsFor = (view: MachineView, t: Thread, drain: boolean): boolean => {
    const w = lockWait(t);
    return w.lock === lock && (w.wanted === LK_ALL) === drain && (view.peek(cell).flags & w.wanted) === 0;
  };
  init.deps.sleepq.declareCondition(machine, ident, {
    cells: [cell],
    holds: (view, t) => waitsFor(view, t, false),
    describe: `${name} no longer has the flags it waits for`,
  });
  init.deps.sleepq.declareCondition(machine, drainIdent, {
    cells: [cell],
    holds: (view, t) => waitsFor(view, t, true),
    describe: `${name} is idle (its drain can proceed)`,
  });
  const sys = lockmgrSystem(machine);
  sys.locks.push(lock);
  sys.interlocks.push(interlock);
  sys.stats.push(lock.stats);
  return lock;
}

/**
 * `lockstatus(lkp, td)`: "exclusive" if held exclusively by `td` (or by
 * anyone, with `td` null), "exclother" if by another thread, "shared" if
 * held shared, else 0 — read under the interlock.
 *
 * Calling context: thread context; takes the interlock (with a token, a
 * potential blocking point).
 */
export function* lockstatus(k: KernelContext, lock: Lock, td: Thread | null = k.thread): Gen<LockStatus> {
  yield* lock.interlock.acquire(k);
  const st = yield* k.atomic(`lockstatus ${lock.name}`, { reads: [lock.cell] }, (tx): LockStatus => {
    const s = tx.read(lock.cell);
    if ((s.flags & LK_HAVE_EXCL) !== 0) return td === null || s.holder === td.id ? "exclusive" : "exclother";
    return s.sharecount > 0 ? "shared" : 0;
  });
  yield* lock.interlock.release(k);
  return st;
}

/**
 * `lockcount(lkp)` (BUF_REFCNT): exclusive + shared holds, read under the
 * interlock.
 *
 * Calling context: thread context; takes the interlock — before the patch
 * a token, so a potential blocking point (the getnewbuf race uses it).
 */
export function* lockcount(k: KernelContext, lock: Lock): Gen<number> {
  yield* lock.interlock.acquire(k);
  const n = yield* lockcountnb(k, lock);
  yield* lock.interlock.release(k);
  return n;
}

/**
 * `lockcountnb(lkp)`: the same without the interlock (for assertions).
 *
 * Calling context: any thread; one step, never blocks.
 */
export function* lockcountnb(k: KernelContext, lock: Lock): Gen<number> {
  return yield* k.atomic(`lockcount ${lock.name}`, { reads: [lock.cell] }, (tx) => {
    const s = tx.read(lock.cell);
    return s.exclusivecount + s.sharecount;
  });
}

/**
 * `lockmgr_kernproc` (BUF_KERNPROC): hand an exclusive hold to "the kernel"
 * (LK_KERNTHREAD), so that another thread — the I/O completion — may
 * release it.
 *
 * Calling context: thread context, holding the lock exclusively (panics
 * otherwise); one step, never blocks. Like rev 1.13's, it does not take the
 * interlock.
 */
export function* lockmgrKernproc(k: KernelContext, lock: Lock): Gen<void> {
  yield* k.atomic(`lockmgr_kernproc ${lock.name}`, { writes: [lock.cell] }, (tx) => {
    const s = tx.mutate(lock.cell);
    if (s.holder !== k.thread.id) tx.panic(`lockmgr_kernproc: ${k.thread.name} does not hold ${lock.name} exclusively`);
    s.holder = LK_KERNTHREAD;
  });
}

/** A lock's state for observers (detectors, tests): not a kernel call, never a step. */
export function peekLock(view: MachineView, lock: Lock): Readonly<LockWord> {
  return view.peek(lock.cell);
}
