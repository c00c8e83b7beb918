/**
 * `lockmgr()` — kern_lock.c rev 1.13's state machine (spec §4.4), with the
 * interlock a parameter of the lock (spec §4.5) and the 2008 differences as
 * an option (spec §4.6).
 *
 * Protects: a `struct lock` — shared holds, one exclusive (possibly
 * recursive) hold, the claims of waiting exclusive and upgrade requests,
 * and the drain. Its own fields are protected by its interlock (a token
 * before the November 2005 patch, a spinlock after).
 *
 * Common prologue: a blocking request at interrupt level prints a warning;
 * take the lock's interlock (may block or spin, depending on the kind);
 * with LK_INTERLOCK, release the caller's interlock. Epilogue: if a drainer
 * waits and nothing of LK_ALL remains, wake it; release the interlock.
 *
 * Every state change happens in one atomic step under the interlock, and
 * every panic message of rev 1.13 is kept. Wakeups are broadcasts, issued
 * while the interlock is held (rev 1.13's order) or, with the lock's
 * `wakeups: "after-release"`, right after the epilogue's release (as later
 * DragonFly does; spec §8.2 leaves the patch's order open). There is no
 * hand-off: a woken waiter merely re-tests, and a newcomer may barge in.
 *
 * 2008 semantics (`lockinit(..., { semantics: "2008" })`): both waits of an
 * exclusive request and the wait of an upgrade also wait for HAVE_EXCL (the
 * upgrade-vs-exclusive fix, R7), and releasing an unheld lock panics (G11).
 *
 * Calling context: thread context (a blocking request at interrupt level is
 * reported on the console, as rev 1.13's default `debug.lockmgr_from_int=1`
 * does). Blocks unless LK_NOWAIT; returns 0, EBUSY, ENOLCK or the sleep's
 * error (EWOULDBLOCK with LK_TIMELOCK).
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

/** sharelock(n): count n more shared holds. */
function sharelock(s: LockWord, n: number): void {
  s.flags |= LK_SHARE_NONZERO;
  s.sharecount += n;
}

/**
 * shareunlock(n): drop n shared holds; true if that was the last and an
 * upgrade or exclusive request waits for it (the caller must wake them).
 */
function shareunlock(s: LockWord, n: number, tx: Tx): boolean {
  // rev 1.13: KASSERT(lkp->lk_sharecount >= decr, ("shareunlock: count < decr")).
  if (s.sharecount < n) tx.panic("shareunlock: count < decr");
  if (s.sharecount === n) {
    s.flags &= ~LK_SHARE_NONZERO;
    s.sharecount = 0;
    return (s.flags & (LK_WANT_UPGRADE | LK_WANT_EXCL)) !== 0;
  }
  s.sharecount -= n;
  return false;
}

/** Take the exclusive hold at the end of a successful wait (EXCLUSIVE, UPGRADE). */
function becomeExclusive(s: LockWord, td: number, tx: Tx): void {
  s.flags |= LK_HAVE_EXCL;
  s.holder = td;
  // The upgrade-vs-exclusive race (R7) ends here when the other request won.
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

/**
 * `lockmgr(lock, request, flags)`: take, convert or drop a hold on `lock`.
 * Requests: shared, exclusive, upgrade, exclupgrade, downgrade, release,
 * drain (see each case below). `opts.interlock`: the caller's interlock,
 * released once lockmgr holds the lock's own (LK_INTERLOCK).
 *
 * Calling context: as the module says; blocks unless `nowait`.
 */
export function* lockmgr(k: KernelContext, lock: Lock, request: LockRequest, opts: LockmgrOptions = {}): Gen<number> {
  const td = k.thread.id;
  const ext = extFlags(opts);
  lock.stats.requests++;
  // rev 1.13's default: print, do not panic (debug.lockmgr_from_int = 1).
  if (k.intrNestingLevel > 0 && !opts.nowait && request !== "release") {
    k.printf(`lockmgr ${lock.name} from ${k.thread.name}: called from interrupt`);
  }
  // Prologue: the interlock (a token may block here: the lock is not yet examined).
  yield* lock.interlock.acquire(k);
  if (opts.interlock) yield* opts.interlock.release(k);
  const fp = { writes: [lock.cell] };
  const v2008 = lock.semantics === "2008";
  // Wakeups owed on the way out: issued at once (rev 1.13) or after the epilogue's release.
  const deferred = lock.wakeups === "after-release";
  let later = 0;
  let error = 0;

  switch (request) {
    case "shared": {
      /*
       * If we are not the exclusive holder, wait while there is an exclusive
       * holder, or an exclusive or upgrade request is in progress — but not
       * for a drainer (WAITDRAIN is not among the bits): shared requests
       * overtake a sleeping drainer. (TDF_DEADLKTREAT, which would wait for
       * HAVE_EXCL alone, is not modelled.)
       *
       * The exclusive holder asking for a shared hold gets one and falls
       * into DOWNGRADE: all its exclusive levels become shared holds.
       */
      const plan = yield* k.atomic(`lockmgr SHARED ${lock.name}`, fp, (tx): Plan => {
        const s = tx.mutate(lock.cell);
        if (s.holder !== td) return { next: "wait", wakeups: 0 };
        sharelock(s, 1);
        // (fall into downgrade)
        sharelock(s, s.exclusivecount);
        s.flags &= ~LK_HAVE_EXCL;
        s.holder = LK_NOTHREAD;
        s.exclusivecount = 0;
        dropped(tx, lock);
        took(tx, lock, ext, "shared");
        return { next: "done", error: 0, wakeups: (s.flags & LK_WAIT_NONZERO) !== 0 ? 1 : 0 };
      });
      if (plan.next === "done") {
        if (deferred) later += plan.wakeups;
        else yield* wake(k, lock, plan.wakeups);
      } else {
        error = yield* acquire(k, lock, ext, LK_HAVE_EXCL | LK_WANT_EXCL | LK_WANT_UPGRADE, (s, tx) => {
          sharelock(s, 1);
          took(tx, lock, ext, "shared");
        });
      }
      break;
    }
    case "downgrade": {
      /*
       * Only the exclusive holder may downgrade: every exclusive level
       * (recursion included) becomes a shared hold, the lock is no longer
       * exclusively held, and sleepers are woken (shared requests among
       * them may now get in).
       */
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
      if (deferred) later += n;
      else yield* wake(k, lock, n);
      break;
    }
    case "exclupgrade":
    case "upgrade": {
      /*
       * Shared → exclusive. EXCLUPGRADE first: if another upgrade is
       * already pending, fail rather than let an exclusive request in
       * between — dropping our shared hold all the same.
       *
       * UPGRADE: drop our shared hold first, so that any failure leaves the
       * caller with no hold at all. Polling (NOWAIT) fails if another
       * upgrade is pending or other shared holds remain. The first upgrade
       * claims WANT_UPGRADE and waits for the shared holds to drain, then
       * takes the exclusive hold (the wait does not look at HAVE_EXCL in
       * 2005: R7). A second upgrader wakes sleepers if it left no shared
       * hold behind, then queues as an ordinary exclusive request.
       */
      const plan = yield* k.atomic(`lockmgr ${request.toUpperCase()} ${lock.name}`, fp, (tx): Plan => {
        const s = tx.mutate(lock.cell);
        if (request === "exclupgrade" && (s.flags & LK_WANT_UPGRADE) !== 0) {
          dropped(tx, lock);
          return { next: "done", error: EBUSY, wakeups: shareunlock(s, 1, tx) ? 1 : 0 };
        }
        // (fall into upgrade)
        if (s.holder === td || s.sharecount <= 0) tx.panic("lockmgr: upgrade exclusive lock");
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
        // (fall into exclusive)
        return { next: "exclusive", wakeups: w1 + w2 };
      });
      if (plan.next === "done") {
        if (deferred) later += plan.wakeups;
        else yield* wake(k, lock, plan.wakeups);
        error = plan.error;
      } else {
        // Wakeups before a wait stay before it: deferring them past our sleep could strand
        // the request we are about to wait for (a pending upgrader waiting for our shares).
        yield* wake(k, lock, plan.wakeups);
        if (plan.next === "exclusive") {
          error = yield* exclusive(k, lock, ext, fp);
        } else {
          error = yield* acquire(k, lock, ext, LK_SHARE_NONZERO | (v2008 ? LK_HAVE_EXCL : 0), (s, tx) => {
            s.flags &= ~LK_WANT_UPGRADE;
            becomeExclusive(s, td, tx);
            took(tx, lock, ext, "exclusive");
          });
          if (error !== 0) {
            // The wait failed (SLEEPFAIL, a timeout): give up the upgrade claim.
            yield* k.atomic(`lockmgr UPGRADE ${lock.name} failed`, fp, (tx) => {
              tx.mutate(lock.cell).flags &= ~LK_WANT_UPGRADE;
            });
          }
        }
      }
      break;
    }
    case "exclusive":
      error = yield* exclusive(k, lock, ext, fp);
      break;
    case "release": {
      /*
       * Drop one hold: an exclusive level (only the holder may, or anyone
       * when the hold was handed to LK_KERNTHREAD for an I/O), else a shared
       * hold. In 2005 releasing a lock nobody holds is silently ignored;
       * 2008 panics. Then, if anyone sleeps in acquire, wake them all —
       * they re-test; there is no hand-off.
       */
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
        // 2005: the release of an unheld lock falls through to here silently.
        if ((s.flags & LK_WAIT_NONZERO) !== 0) wakeups++;
        return wakeups;
      });
      if (deferred) later += n;
      else yield* wake(k, lock, n);
      break;
    }
    case "drain": {
      /*
       * Wait until nothing of LK_ALL is left (no holds, no claims, no
       * sleepers), then hold the lock exclusively, for good: DRAINING. We
       * cannot tell whether we hold it shared; holding it exclusively would
       * never drain.
       */
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

  // Epilogue: a drainer sleeps on &lk_flags with WAITDRAIN; wake it once the lock is idle.
  const drainer = yield* k.atomic(`lockmgr epilogue ${lock.name}`, fp, (tx) => {
    const s = tx.mutate(lock.cell);
    if ((s.flags & LK_WAITDRAIN) !== 0 && (s.flags & LK_ALL) === 0) {
      s.flags &= ~LK_WAITDRAIN;
      return true;
    }
    return false;
  });
  if (deferred) {
    yield* lock.interlock.release(k);
    yield* wake(k, lock, later);
    if (drainer) yield* lock.interlock.wakeup(k, lock.drainIdent);
  } else {
    if (drainer) yield* lock.interlock.wakeup(k, lock.drainIdent);
    yield* lock.interlock.release(k);
  }
  return error;
}

/**
 * `lockreinit`: reset external flags (clearing DRAINING), prio, wmesg and
 * timo of a lock reused for another purpose; counts and sleepers stay.
 *
 * Calling context: thread context. Rev 1.13 expects the caller to hold the
 * interlock; here it takes and releases it itself (may block on a token).
 */
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
 *
 * Recursion: the holder may take it again with CANRECURSE; without it a
 * blocking request panics and a NOWAIT one fails below. Polling (NOWAIT)
 * fails if anything is held or claimed. Otherwise: first wait for the
 * exclusive slot (HAVE_EXCL, WANT_EXCL clear) and claim it with WANT_EXCL —
 * from then on no new shared hold gets in; then wait for the shared holds
 * and a pending upgrade to finish (2005: not for HAVE_EXCL, which an
 * upgrade may have taken meanwhile — R7), and take the hold.
 */
function* exclusive(k: KernelContext, lock: Lock, ext: number, fp: Footprint): Gen<number> {
  const td = k.thread.id;
  const v2008 = lock.semantics === "2008";
  const plan = yield* k.atomic(`lockmgr EXCLUSIVE ${lock.name}`, fp, (tx): Plan => {
    const s = tx.mutate(lock.cell);
    if (s.holder === td && td !== LK_KERNTHREAD) {
      // Recursive lock.
      if ((effective(ext, s) & LK_CANRECURSE) !== 0) {
        s.exclusivecount++;
        took(tx, lock, ext, "exclusive");
        return { next: "done", error: 0, wakeups: 0 };
      }
      if ((effective(ext, s) & LK_NOWAIT) === 0) tx.panic("lockmgr: locking against myself");
    }
    // If we are just polling, check whether we would sleep.
    if (
      (effective(ext, s) & LK_NOWAIT) !== 0 &&
      (s.flags & (LK_HAVE_EXCL | LK_WANT_EXCL | LK_WANT_UPGRADE | LK_SHARE_NONZERO)) !== 0
    ) {
      return { next: "done", error: EBUSY, wakeups: 0 };
    }
    return { next: "wait", wakeups: 0 };
  });
  if (plan.next === "done") return plan.error;
  // Try to acquire the want_exclusive flag.
  let err = yield* acquire(k, lock, ext, LK_HAVE_EXCL | LK_WANT_EXCL, (s) => {
    s.flags |= LK_WANT_EXCL;
  });
  if (err !== 0) return err;
  // Wait for shared locks and upgrades to finish.
  const second = LK_WANT_UPGRADE | LK_SHARE_NONZERO | (v2008 ? LK_HAVE_EXCL : 0);
  err = yield* acquire(k, lock, ext, second, (s, tx) => {
    s.flags &= ~LK_WANT_EXCL;
    becomeExclusive(s, td, tx);
    took(tx, lock, ext, "exclusive");
  });
  if (err !== 0) {
    // Clear our claim (no wakeup, as in 2005: shared requests it kept out re-test at the next release).
    yield* k.atomic(`lockmgr EXCLUSIVE ${lock.name} failed`, fp, (tx) => {
      tx.mutate(lock.cell).flags &= ~LK_WANT_EXCL;
    });
  }
  return err;
}
