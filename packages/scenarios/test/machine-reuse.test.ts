/**
 * Sampling on one machine reset between runs (@kprim/explore's
 * MachineReuse) over the whole catalogue: every scenario under every
 * variant can be reset (each of its detectors can be saved and restored),
 * and its runs on the reset machine are, run for run, the runs of a fresh
 * machine — schedule, outcome, console, counters, steps, makespan and the
 * whole trace — under random and PCT schedules.
 */
import { describe, expect, it } from "vitest";
import { MachineReuse, pct, runOnce, type MachineFactory } from "@kprim/explore";
import { formatSchedule, random, type RunResult, type Strategy } from "@kprim/machine";
import { catalogue, prepare, scenarioFactory, VARIANT_NAMES } from "../src/index.js";

const MAX_STEPS = 3_000;

function shown(r: RunResult): string {
  return JSON.stringify({
    schedule: formatSchedule(r.schedule),
    outcome: r.outcome,
    console: r.console,
    counters: r.counters,
    steps: r.steps,
    makespan: r.makespan,
    threads: r.threads,
    trace: r.trace,
    explanations: r.explanations,
  });
}

function schedules(): Strategy[] {
  return [
    ...Array.from({ length: 4 }, (_, i) => random({ seed: 40 + i })),
    ...Array.from({ length: 2 }, (_, i) => pct({ seed: 70 + i, depth: 2 + i, steps: 60 })),
  ];
}

describe("sampling on one reset machine over the catalogue", () => {
  it("every scenario under every variant: the runs of a fresh machine, trace included", () => {
    const failures: string[] = [];
    let compared = 0;
    for (const s of catalogue) {
      for (const variant of VARIANT_NAMES) {
        const f: MachineFactory = scenarioFactory(prepare({ scenario: s.name, variant }));
        for (const trace of [false, true]) {
          const fresh = schedules().map((strategy) =>
            shown(runOnce(f, { strategy, maxSteps: MAX_STEPS, trace }).result),
          );
          const reuse = new MachineReuse(f, { maxSteps: MAX_STEPS, trace });
          const reused = schedules().map((strategy) => shown(reuse.run(strategy).result));
          if (reuse.blocker !== null) failures.push(`${s.name} under ${variant}: not reset (${reuse.blocker})`);
          const at = reused.findIndex((r, i) => r !== fresh[i]);
          if (at >= 0) failures.push(`${s.name} under ${variant}${trace ? " traced" : ""}: run ${at} differs`);
          compared += reused.length;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(compared).toBe(catalogue.length * VARIANT_NAMES.length * 12);
  }, 300_000);
});
