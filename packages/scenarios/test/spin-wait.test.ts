/**
 * Spec §8.7: whether November 2005's spinlocks already had rev 1.3's
 * "indefinite wait" path, which runs the cpu's IPIs (splz) while spinning.
 * It matters to tsleep_interlock: a contended spin_lock taken between
 * tsleep_interlock and tsleep is harmless with rev 1.1's wait, but with rev
 * 1.3's it is an explicit IPI-processing point, where the wakeup the
 * interlock attracted can run early (I8).
 */
import { type BuildRequest, explore } from "@kprim/explore";
import { createMachine, type Gen, type KernelContext, type Machine } from "@kprim/machine";
import { declareCondition, type Ident, newIdent, tsleep, tsleepInterlock, wakeup } from "@kprim/sleepq";
import { type Spinlock, spinlockLayerWith, type SpinWait } from "@kprim/spinlock";
import { describe, expect, it } from "vitest";

function factory(wait: SpinWait) {
  return (req: BuildRequest): Machine => {
    const m = createMachine({
      cpus: 3,
      strategy: req.strategy,
      ...(req.recordFootprints !== undefined ? { recordFootprints: req.recordFootprints } : {}),
      ...(req.maxSteps !== undefined ? { maxSteps: req.maxSteps } : {}),
      ...(req.detectors ? { detectors: req.detectors } : {}),
    });
    const layer = spinlockLayerWith(wait);
    const S = layer.create(m, "S");
    const X = newIdent(m, "X");
    const flag = m.cell("flag", 0);
    declareCondition(m, X, { cells: [flag], holds: (v) => v.peek(flag) !== 0, describe: "the flag is set" });
    m.spawn({ cpu: 0, name: "T", body: (k) => sleeper(k, wait, S, X, flag) });
    m.spawn({ cpu: 1, name: "H", body: (k) => holder(k, wait, S) });
    m.spawn({ cpu: 2, name: "W", body: (k) => waker(k, X, flag) });
    return m;
  };
}

/** Interlock on X, take S (perhaps contended), release it, then sleep on X if the flag is still clear. */
function* sleeper(
  k: KernelContext,
  wait: SpinWait,
  S: Spinlock,
  X: Ident,
  flag: ReturnType<Machine["cell"]>,
): Gen<void> {
  const layer = spinlockLayerWith(wait);
  k.critEnter();
  yield* tsleepInterlock(k, X);
  const v = yield* k.load(flag);
  yield* layer.lock(k, S);
  yield* layer.unlock(k, S);
  if (v === 0) yield* tsleep(k, X, { interlocked: true }, "flag", 0);
  k.critExit();
}

function* holder(k: KernelContext, wait: SpinWait, S: Spinlock): Gen<void> {
  const layer = spinlockLayerWith(wait);
  yield* layer.lock(k, S);
  yield* k.nop("hold S");
  yield* layer.unlock(k, S);
}

function* waker(k: KernelContext, X: Ident, flag: ReturnType<Machine["cell"]>): Gen<void> {
  yield* k.store(flag, 1);
  yield* wakeup(k, X);
}

describe("a contended spin_lock between tsleep_interlock and tsleep", () => {
  it("is harmless with rev 1.1's wait (2005): no schedule breaks the interlock", () => {
    const r = explore(factory("rev1.1"), { mode: { kind: "dpor" }, target: "failure", shrink: false });
    expect(r.kind === "found" ? r.failure : "none").toBe("none");
    expect(r.kind === "not-found" && r.exhausted).toBe(true);
  });
  it("breaks it with rev 1.3's (2006): the spin is an explicit IPI-processing point (I8)", () => {
    const r = explore(factory("rev1.3"), { mode: { kind: "dpor" }, target: "failure", shrink: false });
    expect(r.kind === "found" ? r.failure : "none").toMatch(
      /\[interlock-discipline\] T passed an explicit IPI-processing point \(spin_lock S: splz\)/,
    );
  });
});
