/**
 * The racy window rule without evidence (src/window.ts), one test per
 * clause: none for ok and step-limit runs, the stale-write triple, the
 * last-runs fallback for panics, and the failure step alone without a
 * trace. The window from evidence (deadlocks included) is evidence.test.ts's.
 */
import { createMachine, expectOutcome, roundRobin, type TraceEvent } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { failureStep, racyWindow } from "../src/index.js";
import { busyRun, failingCounterRun, panicRun } from "./fixtures.js";

function lastSwitchTo(trace: readonly TraceEvent[], thread: number, upTo: number): number {
  const e = trace.filter((x) => x.kind === "switch" && x.target === thread && x.step <= upTo).at(-1);
  if (e === undefined) throw new Error(`thread ${thread} never ran`);
  return e.step;
}

describe("the default racy window", () => {
  it("does not exist for a run that ended well", () => {
    const r = busyRun(roundRobin());
    expectOutcome(r, "ok");
    expect(racyWindow(r)).toBeUndefined();
    expect(failureStep(r.outcome)).toBeUndefined();
  });

  it("does not exist for a step-limit run", () => {
    const m = createMachine({ cpus: 1, trace: true, maxSteps: 5 });
    const c = m.cell("c", 0);
    m.spawn({
      cpu: 0,
      name: "L",
      *body(k) {
        for (;;) yield* k.load(c);
      },
    });
    const r = m.run();
    expectOutcome(r, "step-limit");
    expect(racyWindow(r)).toBeUndefined();
    expect(failureStep(r.outcome)).toBe(5);
  });

  it("spans a lost update from the stale load to the failing store", () => {
    const { result } = failingCounterRun();
    const o = result.outcome;
    if (o.kind !== "violation") throw new Error("expected a violation");
    const trace = result.trace!;
    const [writer, other] = o.threads as [number, number];
    const loads = trace.filter((e) => e.kind === "op" && e.detail === "load" && e.thread === writer && e.step < o.step);
    const load = loads.at(-1)!.step;
    const between = trace.filter(
      (e) => e.kind === "op" && e.detail === "store" && e.thread === other && e.step > load && e.step < o.step,
    );
    expect(between.length).toBeGreaterThan(0);
    const w = racyWindow(result)!;
    expect(w).toMatchObject({ fromStep: load, toStep: o.step });
    const name = (id: number): string => result.threads[id]!.name;
    expect(w.reason).toBe(
      `${name(writer)} loaded counter at step ${load}, ${name(other)} wrote it at step ${between[0]!.step}, ` +
        `and ${name(writer)} wrote its stale value at step ${o.step}`,
    );
  });

  it("starts where a panicking thread last got its cpu when there is no stale write", () => {
    const m = createMachine({ cpus: 1, trace: true, strategy: roundRobin() });
    const a = m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* k.nop("before");
        yield* k.yieldCpu();
        yield* k.nop("after");
        k.panic("boom");
      },
    });
    m.spawn({
      cpu: 0,
      name: "B",
      *body(k) {
        yield* k.nop("b");
      },
    });
    const r = m.run();
    if (r.outcome.kind !== "panic") throw new Error("expected a panic");
    const back = lastSwitchTo(r.trace!, a.id, r.outcome.step);
    expect(back).toBeGreaterThan(0);
    expect(racyWindow(r)).toEqual({
      fromStep: back,
      toStep: r.outcome.step,
      reason: "from where the last runs of A began to the failure",
    });
  });

  it("does not count a compare-and-swap as a stale write", () => {
    const m = createMachine({ cpus: 2, trace: true, strategy: roundRobin() });
    const c = m.cell("c", 0);
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        const v = yield* k.load(c);
        yield* k.nop("wait", 1);
        yield* k.nop("wait", 1);
        yield* k.cas(c, v, v + 1);
        k.panic("after cas");
      },
    });
    m.spawn({
      cpu: 1,
      name: "B",
      *body(k) {
        yield* k.store(c, 5);
      },
    });
    const r = m.run();
    if (r.outcome.kind !== "panic") throw new Error("expected a panic");
    expect(racyWindow(r)?.reason).toBe("from where the last runs of A began to the failure");
  });

  it("falls back to the failure step alone for a run without a trace", () => {
    const r = panicRun({ trace: false });
    expect(racyWindow(r)).toEqual({ fromStep: 1, toStep: 1, reason: "the failure step (the run kept no trace)" });
  });
});
