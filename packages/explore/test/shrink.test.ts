import { type Choice, random, type Strategy } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { failureKind, isPreemption, runOnce, shrink } from "../src/index.js";
import { factoryOf, lostUpdate } from "../src/examples.js";

/** Preemptions of a schedule as it runs (recomputed with the enabled lists). */
function countPreemptions(f: ReturnType<typeof factoryOf>, choices: readonly Choice[]): number {
  let prev = -1;
  let n = 0;
  const s: Strategy = {
    name: "count",
    choose(enabled, view) {
      const c = choices[view.step]!;
      if (isPreemption(prev, c, enabled)) n++;
      prev = c;
      return enabled.indexOf(c);
    },
  };
  runOnce(f, { strategy: s, maxSteps: 1000 });
  return n;
}

describe("shrinking", () => {
  it("a noisy failing schedule shrinks to fewer preemptions and steps, failing the same way", () => {
    const f = factoryOf(lostUpdate(4));
    // Find a failing schedule with random (they preempt a lot).
    let failing: readonly Choice[] = [];
    let kind = "";
    for (let seed = 0; failing.length === 0; seed++) {
      const r = runOnce(f, { strategy: random({ seed }), maxSteps: 1000 }).result;
      if (r.outcome.kind === "violation" && countPreemptions(f, r.schedule.choices) >= 3) {
        failing = r.schedule.choices;
        kind = failureKind(r.outcome);
      }
    }
    const s = shrink(f, failing, { maxSteps: 1000, keep: (o) => failureKind(o) === kind });
    expect(s.preemptions).toBeLessThan(countPreemptions(f, failing));
    expect(s.preemptions).toBe(countPreemptions(f, s.choices));
    expect(s.preemptions).toBe(1);
    expect(s.steps).toBeLessThanOrEqual(failing.length);
    const again = runOnce(f, { strategy: random({ seed: 0 }), prefix: s.choices, maxSteps: s.steps + 1 }).result;
    expect(failureKind(again.outcome)).toBe(kind);
    expect(s.runs).toBeLessThanOrEqual(400);
  });

  it("keeps a recorded prefix", () => {
    const f = factoryOf(lostUpdate(3));
    let failing: readonly Choice[] = [];
    for (let seed = 0; failing.length === 0; seed++) {
      const r = runOnce(f, { strategy: random({ seed }), maxSteps: 1000 }).result;
      if (r.outcome.kind === "violation") failing = r.schedule.choices;
    }
    const s = shrink(f, failing, { maxSteps: 1000, keep: (o) => o.kind === "violation", fixed: 3 });
    expect(s.choices.slice(0, 3)).toEqual(failing.slice(0, 3));
  });
});
