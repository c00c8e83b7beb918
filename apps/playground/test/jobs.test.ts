/**
 * The Web Worker's jobs, run in Node: an exploration finds R3's lost wakeup
 * and hands back the shrunk schedule the step view opens; a comparison
 * measures token vs spinlock + tsleep_interlock with the shared cost
 * function, and draws cycles against cpus for a scenario that has them.
 */
import { replaySchedule } from "@kprim/explore";
import { prepare, scenarioCost, scenarioFactory } from "@kprim/scenarios";
import { describe, expect, it } from "vitest";
import { cpuSeries, runCompare, runExplore } from "../src/jobs.js";

const r3 = { scenario: "lockmgr-lost-wakeup", variant: "SPIN-naive", options: {}, params: {} };

describe("the worker's jobs", () => {
  it("explores with DPOR, finds the lost wakeup, and returns a shrunk schedule that replays it", () => {
    const progress: number[] = [];
    const r = runExplore(
      {
        kind: "explore",
        id: 1,
        spec: r3,
        strategy: "dpor",
        budget: 10_000,
        seed: 1,
        depth: 3,
        signal: "violation:lost-wakeup",
      },
      (n) => progress.push(n),
    );
    expect(r.found).toBe(true);
    expect(r.failure).toMatch(/^violation at step \d+: \[lost-wakeup\]/);
    expect(progress[0]).toBe(1);
    const again = replaySchedule(scenarioFactory(prepare(r3)), r.shrunk!);
    expect(again.outcome).toMatchObject({ kind: "violation", detector: expect.stringContaining("lost-wakeup") });
    expect(again.steps).toBe(r.shrunkSteps);
  });

  it("says when the space is exhausted without a finding (SPIN+TI)", () => {
    const r = runExplore(
      {
        kind: "explore",
        id: 2,
        spec: { ...r3, variant: "SPIN+TI" },
        strategy: "dpor",
        budget: 100_000,
        seed: 1,
        depth: 3,
        signal: "failure",
      },
      () => {},
    );
    expect(r).toMatchObject({ found: false, exhausted: true, shrunk: null });
    expect(r.executions).toBeGreaterThan(1);
  });

  it("samples with random and PCT under a budget of runs", () => {
    const spec = { scenario: "lost-wakeup", variant: "SPIN+TI", options: {}, params: { sleep: "unlock-then-tsleep" } };
    const random = runExplore(
      { kind: "explore", id: 3, spec, strategy: "random", budget: 500, seed: 1, depth: 3, signal: "failure" },
      () => {},
    );
    expect(random.found).toBe(true);
    expect(random.mode).toMatch(/^random/);
    const pct = runExplore(
      { kind: "explore", id: 4, spec, strategy: "pct", budget: 500, seed: 1, depth: 2, signal: "failure" },
      () => {},
    );
    expect(pct.mode).toMatch(/^pct/);
    expect(pct.executions).toBeLessThanOrEqual(500);
  });

  it("compares token and spinlock + tsleep_interlock with the shared cost function", () => {
    const ticks: string[] = [];
    const r = runCompare({ kind: "compare", id: 5, spec: r3, variants: ["TOK", "SPIN+TI"], seeds: 2 }, (done, total) =>
      ticks.push(`${done}/${total}`),
    );
    expect(r.rows.map((x) => [x.variant, x.interlock, x.expected])).toEqual([
      ["TOK", "token", "not-found: any"],
      ["SPIN+TI", "spin", "not-found: any"],
    ]);
    expect(r.rows[0]!.cost).toEqual(scenarioCost(prepare({ ...r3, variant: "TOK" }), { seeds: 2 }));
    expect(r.rows[0]!.cost.cyclesPerOp).toBeGreaterThan(r.rows[1]!.cost.cyclesPerOp);
    expect(r.series).toBeNull();
    expect(ticks).toEqual(["1/2", "2/2"]);
  });

  it("draws cycles against cpus for a scenario with a cpus parameter", () => {
    const r = runCompare(
      {
        kind: "compare",
        id: 6,
        spec: { scenario: "buf-churn", variant: "SPIN+TI", options: {}, params: { ops: "1" } },
        variants: ["TOK", "SPIN+TI"],
        seeds: 1,
      },
      () => {},
    );
    expect(r.series?.map((s) => [s.variant, s.points.map((p) => p.cpus)])).toEqual([
      ["TOK", [1, 2, 4, 8]],
      ["SPIN+TI", [1, 2, 4, 8]],
    ]);
    const at8 = r.series!.map((s) => s.points.at(-1)!.cyclesPerOp);
    expect(at8[0]).toBeGreaterThan(at8[1]!);
    expect(cpuSeries({ type: "int", default: 2, min: 2, max: 4, description: "" })).toEqual([2, 4]);
  });
});
