/**
 * The simulated cost of a workload (cost.ts): medians over seeded timed
 * runs, deterministic, one operation per thread unless told, and the runs
 * that did not end ok named rather than hidden.
 */
import { createMachine } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { measureCost, median, prepare, scenarioCost } from "../src/index.js";

describe("simulated cost", () => {
  it("is the same for the same scenario and seeds", () => {
    const p = prepare({ scenario: "lockmgr-lost-wakeup", variant: "TOK" });
    expect(scenarioCost(p)).toEqual(scenarioCost(p));
    expect(scenarioCost(p, { seeds: 1 })).not.toEqual(scenarioCost(p, { seeds: 3, jitter: 0.3 }));
  });

  it("shows the token interlock's price against spinlock + tsleep_interlock", () => {
    const token = scenarioCost(prepare({ scenario: "lockmgr-lost-wakeup", variant: "TOK" }));
    const spin = scenarioCost(prepare({ scenario: "lockmgr-lost-wakeup", variant: "SPIN+TI" }));
    expect(token.cyclesPerOp).toBeGreaterThan(2 * spin.cyclesPerOp);
    expect(token.ipisPerOp).toBeGreaterThan(0);
    expect(spin.ipisPerOp).toBe(0);
    expect([token.failures, spin.failures]).toEqual([[], []]);
  });

  it("divides by the operations given, else by the run's threads", () => {
    const p = prepare({ scenario: "lockmgr-lost-wakeup", variant: "SPIN+TI" });
    const perThread = scenarioCost(p, { seeds: 1 });
    const whole = scenarioCost(p, { seeds: 1, ops: 1 });
    expect(whole.cyclesPerOp).toBe(perThread.cyclesPerOp * 2);
  });

  it("names the runs that did not end ok", () => {
    const c = measureCost(
      (o) => {
        const m = createMachine({ cpus: 1, strategy: o.strategy, jitter: o.jitter });
        m.spawn({
          cpu: 0,
          name: "T",
          *body(k) {
            k.panic("boom");
          },
        });
        return m;
      },
      { seeds: 2 },
    );
    expect(c.failures).toEqual(["panic at step 0 in T: boom", "panic at step 0 in T: boom"]);
  });

  it("takes the median: the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
