/**
 * `lockmgr()` — kern_lock.c rev 1.13's state machine (spec §4.4), with the
 * interlock a parameter of the lock (spec §4.5) and the 2008 differences as
 * an option (spec §4.6).
 *
 * Common prologue: a blocking request at interrupt level prints a warning;
 * take the lock's interlock (may block or spin, depending on the kind);
 * with LK_INTERLOCK, release the caller's interlock. Epilogue: if a drainer
 * waits and nothing of LK_ALL remains, wake it; release the interlock.
 *
 * Every state change happens in one atomic step under the interlock, and
 * every panic message of spec §4.4 is kept. Wakeups are broadcasts, issued
 * while the interlock is held; there is no hand-off.
 *
 * 2008 semantics (`lockinit(..., { semantics: "2008" })`): both waits of an
 * exclusive request and the wait of an upgrade also wait for HAVE_EXCL (the
 * upgrade-vs-exclusive fix, R7), and releasing an unheld lock panics (G11).
 *
 * Calling context: thread context (a request at interrupt level is reported
 * on the console). Blocks unless LK_NOWAIT; returns 0, EBUSY, ENOLCK or the
 * sleep's error (EWOULDBLOCK with LK_TIMELOCK).
 */
import type { Footprint, Gen, KernelContext, Tx } from "@kprim/machine";
import { EBUSY } from "@kprim/sleepq";
import { acquire, acquiredrain } from "./acquire.js";
import {
  extFlags,
  LK_ALL,
  LK_CANRECURSE,
  LK_DRAINING,
  LK_EXTFLG_MASK,
  LK_HAVE_EXCL,
  LK_KERNTHREAD,
  LK_NOTHREAD,
  LK_NOWAIT,
  LK_SHARE_NONZERO,
  LK_WAIT_NONZERO,
  LK_WAITDRAIN,
  LK_WANT_EXCL,
  LK_WANT_UPGRADE,
  type LockFlags,
  type LockRequest,
} from "./flags.js";
import type { Lock, LockWord } from "./lock.js";

/** A caller's interlock that lockmgr releases after taking its own (LK_INTERLOCK). */
export interface CallerInterlock {
  release(k: KernelContext): Gen<void>;
}

export interface LockmgrOptions extends LockFlags {
  readonly interlock?: CallerInterlock;
}

/** sharelock(n). */
function sharelock(s: LockWord, n: number): void {
  s.flags |= LK_SHARE_NONZERO;
  s.sharecount += n;
}

/** shareunlock(n); true if it must wake sleepers (an upgrade or exclusive request waits). */
function shareunlock(s: LockWord, n: number, tx: Tx): boolean {
  if (s.sharecount < n) tx.panic("lockmgr: count too small");
  if (s.sharecount === n) {
    s.flags &= ~LK_SHARE_NONZERO;
    s.sharecount = 0;
    return (s.flags & (LK_WANT_UPGRADE | LK_WANT_EXCL)) !== 0;
  }
  s.sharecount -= n;
  return false;
}

/** Take the exclusive hold at the end of a successful wait. */
function becomeExclusive(s: LockWord, td: number, tx: Tx): void {
  s.flags |= LK_HAVE_EXCL;
  s.holder = td;
  if (s.exclusivecount !== 0) tx.panic("lockmgr: non-zero exclusive count");
  s.exclusivecount = 1;
}

/** The lock-event contract (see @kprim/machine's TraceEventKinds): a hold taken or dropped. */
function took(tx: Tx, lock: Lock, ext: number, mode: string): void {
  tx.event(
    (ext & LK_NOWAIT) !== 0 ? "lock.try-acquire" : "lock.acquire",
    lock.name,
    `lockmgr:${lock.lockClass}:${mode}`,
  );
}
function dropped(tx: Tx, lock: Lock): void {
  tx.event("lock.release", lock.name, `lockmgr:${lock.lockClass}`);
}

/** The request's extended flags together with the lock's own (`(extflags | lk_flags) & LK_EXTFLG_MASK`). */
function effective(ext: number, s: LockWord): number {
  return (ext | s.flags) & LK_EXTFLG_MASK;
}

/** Plans returned by the first step of a request. */
type Plan =
  | { readonly next: "done"; readonly error: number; readonly wakeups: number }
  | { readonly next: "wait"; readonly wakeups: number }
  | { readonly next: "exclusive"; readonly wakeups: number };

export function* lockmgr(k: KernelContext, lock: Lock, request: LockRequest, opts: LockmgrOptions = {}): Gen<number> {
  const td = k.thread.id;
  const ext = extFlags(opts);
  lock.stats.requests++;
  if (k.intrNestingLevel > 0 && !opts.nowait && request !== "release") {
    k.printf(`lockmgr(${lock.name}): blocking request called from interrupt`);
  }
  yield* lock.interlock.acquire(k);
  if (opts.interlock) yield* opts.interlock.release(k);
  const fp = { writes: [lock.cell] };
  const v2008 = lock.semantics === "2008";
  let error = 0;

  switch (request) {
    case "shared": {
      const plan = yield* k.atomic(`lockmgr SHARED ${lock.name}`, fp, (tx): Plan => {
        const s = tx.mutate(lock.cell);
        if (s.holder !== td) return { next: "wait", wakeups: 0 };
        // The exclusive holder asks for a shared hold: share it, then downgrade everything.
        sharelock(s, 1);
        sharelock(s, s.exclusivecount);
        s.flags &= ~LK_HAVE_EXCL;
        s.holder = LK_NOTHREAD;
        s.exclusivecount = 0;
        dropped(tx, lock);
        took(tx, lock, ext, "shared");
        return { next: "done", error: 0, wakeups: (s.flags & LK_WAIT_NONZERO) !== 0 ? 1 : 0 };
      });
      if (plan.next === "done") {
        yield* wake(k, lock, plan.wakeups);
      } else {
        error = yield* acquire(k, lock, ext, LK_HAVE_EXCL | LK_WANT_EXCL | LK_WANT_UPGRADE, (s, tx) => {
          sharelock(s, 1);
          took(tx, lock, ext, "shared");
        });
      }
      break;
    }
    case "downgrade": {
      const n = yield* k.atomic(`lockmgr DOWNGRADE ${lock.name}`, fp, (tx) => {
        const s = tx.mutate(lock.cell);
        if (s.holder !== td || s.exclusivecount === 0) tx.panic("lockmgr: not holding exclusive lock");
        sharelock(s, s.exclusivecount);
        s.flags &= ~LK_HAVE_EXCL;
        s.holder = LK_NOTHREAD;
        s.exclusivecount = 0;
        dropped(tx, lock);
        took(tx, lock, ext, "shared");
        return (s.flags & LK_WAIT_NONZERO) !== 0 ? 1 : 0;
      });
      yield* wake(k, lock, n);
      break;
    }
    case "exclupgrade":
    case "upgrade": {
      const plan = yield* k.atomic(`lockmgr ${request.toUpperCase()} ${lock.name}`, fp, (tx): Plan => {
        const s = tx.mutate(lock.cell);
        if (request === "exclupgrade" && (s.flags & LK_WANT_UPGRADE) !== 0) {
          // Another upgrade is pending: fail, dropping our shared hold.
          dropped(tx, lock);
          return { next: "done", error: EBUSY, wakeups: shareunlock(s, 1, tx) ? 1 : 0 };
        }
        if (s.holder === td || s.sharecount <= 0) tx.panic("lockmgr: upgrade exclusive lock");
        // Any failure from here on leaves the caller with no hold.
        const w1 = shareunlock(s, 1, tx) ? 1 : 0;
        dropped(tx, lock);
        if ((effective(ext, s) & LK_NOWAIT) !== 0 && ((s.flags & LK_WANT_UPGRADE) !== 0 || s.sharecount > 1)) {
          return { next: "done", error: EBUSY, wakeups: w1 };
        }
        if ((s.flags & LK_WANT_UPGRADE) === 0) {
          s.flags |= LK_WANT_UPGRADE;
          return { next: "wait", wakeups: w1 };
        }
        const w2 = (s.flags & (LK_SHARE_NONZERO | LK_WAIT_NONZERO)) === LK_WAIT_NONZERO ? 1 : 0;
        return { next: "exclusive", wakeups: w1 + w2 };
      });
      yield* wake(k, lock, plan.wakeups);
      if (plan.next === "done") {
        error = plan.error;
      } else if (plan.next === "exclusive") {
        error = yield* exclusive(k, lock, ext, fp);
      } else {
        error = yield* acquire(k, lock, ext, LK_SHARE_NONZERO | (v2008 ? LK_HAVE_EXCL : 0), (s, tx) => {
          s.flags &= ~LK_WANT_UPGRADE;
          becomeExclusive(s, td, tx);
          took(tx, lock, ext, "exclusive");
        });
        if (error !== 0) {
          yield* k.atomic(`lockmgr UPGRADE ${lock.name} failed`, fp, (tx) => {
            tx.mutate(lock.cell).flags &= ~LK_WANT_UPGRADE;
          });
        }
      }
      break;
    }
    case "exclusive":
      error = yield* exclusive(k, lock, ext, fp);
      break;
    case "release": {
      const n = yield* k.atomic(`lockmgr RELEASE ${lock.name}`, fp, (tx) => {
        const s = tx.mutate(lock.cell);
        let wakeups = 0;
        if (s.exclusivecount !== 0) {
          if (s.holder !== td && s.holder !== LK_KERNTHREAD) {
            tx.panic(`lockmgr: pid ${td}, not exclusive lock holder thr ${s.holder} unlocking`);
          }
          if (s.exclusivecount === 1) {
            s.flags &= ~LK_HAVE_EXCL;
            s.holder = LK_NOTHREAD;
            s.exclusivecount = 0;
          } else {
            s.exclusivecount--;
          }
          dropped(tx, lock);
        } else if ((s.flags & LK_SHARE_NONZERO) !== 0) {
          if (shareunlock(s, 1, tx)) wakeups++;
          dropped(tx, lock);
        } else if (v2008) {
          tx.panic(`lockmgr: LK_RELEASE of ${lock.name}, which is not held`);
        }
        // 2005: the release of an unheld lock is silently ignored.
        if ((s.flags & LK_WAIT_NONZERO) !== 0) wakeups++;
        return wakeups;
      });
      yield* wake(k, lock, n);
      break;
    }
    case "drain": {
      yield* k.atomic(`lockmgr DRAIN ${lock.name}`, fp, (tx) => {
        if (tx.read(lock.cell).holder === td) tx.panic("lockmgr: draining against myself");
      });
      error = yield* acquiredrain(k, lock, ext, (s, tx) => {
        s.flags |= LK_DRAINING | LK_HAVE_EXCL;
        s.holder = td;
        s.exclusivecount = 1;
        took(tx, lock, ext, "drain");
      });
      break;
    }
    default: {
      const never: never = request;
      yield* lock.interlock.release(k);
      k.panic(`lockmgr: unknown locktype request ${String(never)}`);
    }
  }

  const drainer = yield* k.atomic(`lockmgr epilogue ${lock.name}`, fp, (tx) => {
    const s = tx.mutate(lock.cell);
    if ((s.flags & LK_WAITDRAIN) !== 0 && (s.flags & LK_ALL) === 0) {
      s.flags &= ~LK_WAITDRAIN;
      return true;
    }
    return false;
  });
  if (drainer) yield* lock.interlock.wakeup(k, lock.drainIdent);
  yield* lock.interlock.release(k);
  return error;
}

/** `lockreinit`: reset external flags (clearing DRAINING), prio, wmesg and timo; counts and sleepers stay. */
export function* lockreinit(
  k: KernelContext,
  lock: Lock,
  opts: { prio?: number; wmesg?: string; timo?: number; flags?: LockFlags } = {},
): Gen<void> {
  yield* lock.interlock.acquire(k);
  yield* k.atomic(`lockreinit ${lock.name}`, { writes: [lock.cell] }, (tx) => {
    const s = tx.mutate(lock.cell);
    s.flags = (s.flags & ~(LK_EXTFLG_MASK | LK_DRAINING)) | (extFlags(opts.flags ?? {}) & LK_EXTFLG_MASK);
    if (opts.prio !== undefined) s.prio = opts.prio;
    if (opts.wmesg !== undefined) s.wmesg = opts.wmesg;
    if (opts.timo !== undefined) s.timo = opts.timo;
  });
  yield* lock.interlock.release(k);
}

/** Wake `n` times on the lock's ident (module level, like every generator here: see `exclusive`). */
function* wake(k: KernelContext, lock: Lock, n: number): Gen<void> {
  for (let i = 0; i < n; i++) yield* lock.interlock.wakeup(k, lock.ident);
}

/**
 * An EXCLUSIVE request (also the second half of a failed UPGRADE). Module
 * level: a generator function made per call would give each call's
 * generators a hidden class of their own.
 */
function* exclusive(k: KernelContext, lock: Lock, ext: number, fp: Footprint): Gen<number> {
  const td = k.thread.id;
  const v2008 = lock.semantics === "2008";
  const plan = yield* k.atomic(`lockmgr EXCLUSIVE ${lock.name}`, fp, (tx): Plan => {
    const s = tx.mutate(lock.cell);
    if (s.holder === td && td !== LK_KERNTHREAD) {
      if ((effective(ext, s) & LK_CANRECURSE) !== 0) {
        s.exclusivecount++;
        took(tx, lock, ext, "exclusive");
        return { next: "done", error: 0, wakeups: 0 };
      }
      if ((effective(ext, s) & LK_NOWAIT) === 0) tx.panic("lockmgr: locking against myself");
    }
    if (
      (effective(ext, s) & LK_NOWAIT) !== 0 &&
      (s.flags & (LK_HAVE_EXCL | LK_WANT_EXCL | LK_WANT_UPGRADE | LK_SHARE_NONZERO)) !== 0
    ) {
      return { next: "done", error: EBUSY, wakeups: 0 };
    }
    return { next: "wait", wakeups: 0 };
  });
  if (plan.next === "done") return plan.error;
  let err = yield* acquire(k, lock, ext, LK_HAVE_EXCL | LK_WANT_EXCL, (s) => {
    s.flags |= LK_WANT_EXCL;
  });
  if (err !== 0) return err;
  const second = LK_WANT_UPGRADE | LK_SHARE_NONZERO | (v2008 ? LK_HAVE_EXCL : 0);
  err = yield* acquire(k, lock, ext, second, (s, tx) => {
    s.flags &= ~LK_WANT_EXCL;
    becomeExclusive(s, td, tx);
    took(tx, lock, ext, "exclusive");
  });
  if (err !== 0) {
    // Clear our claim (no wakeup, as in 2005).
    yield* k.atomic(`lockmgr EXCLUSIVE ${lock.name} failed`, fp, (tx) => {
      tx.mutate(lock.cell).flags &= ~LK_WANT_EXCL;
    });
  }
  return err;
}
