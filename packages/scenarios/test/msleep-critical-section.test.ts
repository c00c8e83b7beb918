/**
 * msleep keeps its critical section until the lock is held again (issue 19,
 * "Interleavings"; spec §4.5).
 *
 * The November 2005 acquire() slept with `tsleep_interlock; spin_unlock_quick;
 * tsleep; spin_lock_quick` inside the spinlock's own critical section, and
 * DragonFly's msleep of 2006 does the same (`spin_lock_wr_quick` before
 * `crit_exit_gd`). Leaving the section before re-taking the lock would let a
 * deferred IPI or a preempting interrupt thread run on the sleeper's cpu
 * after tsleep returned and before the lock is held again — a window the
 * patch did not have. Here a third cpu sends an IPI to the sleeper's cpu at
 * every possible moment; its handler panics if it finds the sleeper inside
 * msleep between the release and the re-acquire. Exhaustive DPOR: no
 * schedule reaches it.
 */
import { type BuildRequest, explore } from "@kprim/explore";
import { createMachine, type Gen, type KernelContext, type Machine, type Thread } from "@kprim/machine";
import { declareCondition, type Ident, newIdent, type SleepLock, msleep, wakeup } from "@kprim/sleepq";
import { createSpinlock, type Spinlock, spinLock, spinUnlock } from "@kprim/spinlock";
import { describe, expect, it } from "vitest";

interface World {
  readonly L: Spinlock;
  readonly X: Ident;
  readonly flag: ReturnType<Machine["cell"]>;
  readonly lock: SleepLock;
  /** The sleeper is inside msleep, between its release of L and its re-acquire. */
  between: boolean;
  sleeper: Thread | null;
}

function* sleeper(k: KernelContext, w: World): Gen<void> {
  yield* spinLock(k, w.L);
  while ((yield* k.load(w.flag)) === 0) yield* msleep(k, w.X, w.lock, "flag", 0);
  yield* spinUnlock(k, w.L);
}

function* waker(k: KernelContext, w: World): Gen<void> {
  yield* spinLock(k, w.L);
  yield* k.store(w.flag, 1);
  yield* spinUnlock(k, w.L);
  yield* wakeup(k, w.X);
}

/** Sends one IPI to cpu0 whose handler looks at what cpu0 is doing. */
function* prober(k: KernelContext, w: World): Gen<void> {
  yield* k.atomic("probe cpu0", {}, (tx) =>
    tx.sendIpi(0, "probe", (itx) => {
      if (itx.thread === w.sleeper && w.between) {
        itx.panic("an IPI ran on the sleeper's cpu inside msleep, after the release and before the re-acquire");
      }
    }),
  );
}

function factory(req: BuildRequest): Machine {
  const m = createMachine({
    cpus: 3,
    strategy: req.strategy,
    ...(req.recordFootprints !== undefined ? { recordFootprints: req.recordFootprints } : {}),
    ...(req.maxSteps !== undefined ? { maxSteps: req.maxSteps } : {}),
    ...(req.detectors ? { detectors: req.detectors } : {}),
  });
  const L = createSpinlock(m, "L");
  const X = newIdent(m, "X");
  const flag = m.cell("flag", 0);
  declareCondition(m, X, { cells: [flag], holds: (v) => v.peek(flag) !== 0, describe: "the flag is set" });
  const w: World = {
    L,
    X,
    flag,
    between: false,
    sleeper: null,
    lock: {
      name: "L",
      *release(k) {
        yield* spinUnlock(k, L);
        w.between = true;
      },
      *acquire(k) {
        yield* spinLock(k, L);
        w.between = false;
      },
    },
  };
  w.sleeper = m.spawn({ cpu: 0, name: "T_S", body: (k) => sleeper(k, w) });
  m.spawn({ cpu: 1, name: "T_W", body: (k) => waker(k, w) });
  m.spawn({ cpu: 2, name: "P", body: (k) => prober(k, w) });
  return m;
}

describe("msleep re-takes the lock inside its critical section", () => {
  it("no IPI runs on the sleeper's cpu between tsleep's return and the re-acquire (exhaustive DPOR)", () => {
    const r = explore(factory, { mode: { kind: "dpor" }, target: "failure", shrink: false });
    expect(r.kind === "found" ? r.failure : "none").toBe("none");
    expect(r.kind === "not-found" && r.exhausted).toBe(true);
  });
});
