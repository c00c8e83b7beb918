/**
 * Simulated cost of a workload: run it under the timed strategy with seeded
 * jitter and report, as medians over the seeds, cycles per operation
 * (makespan × cpus ÷ operations, architecture "Time and cost") with IPIs,
 * thread switches and spin cycles per operation beside it.
 */
import { type Machine, type RunResult, timed } from "@kprim/machine";
import { median } from "./measure.js";

export interface Cost {
  readonly cyclesPerOp: number;
  readonly ipisPerOp: number;
  readonly switchesPerOp: number;
  readonly spinPerOp: number;
}

export interface Workload {
  /** A fresh machine for one seeded run (set up, not yet run). */
  build(opts: { strategy: ReturnType<typeof timed>; jitter: { seed: number; amount: number } }): Machine;
  readonly ops: number;
}

export function simulate(w: Workload, seeds = 5, jitter = 0.1): Cost {
  const rows: { c: number; i: number; s: number; p: number }[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const m = w.build({ strategy: timed(), jitter: { seed, amount: jitter } });
    const r: RunResult = m.run();
    if (r.outcome.kind !== "ok") throw new Error(`benchmark workload failed: ${r.outcome.kind}`);
    const t = r.counters.total;
    rows.push({
      c: (r.makespan * r.ncpus) / w.ops,
      i: t.ipisSent / w.ops,
      s: t.switches / w.ops,
      p: t.spinCycles / w.ops,
    });
  }
  return {
    cyclesPerOp: median(rows.map((x) => x.c)),
    ipisPerOp: median(rows.map((x) => x.i)),
    switchesPerOp: median(rows.map((x) => x.s)),
    spinPerOp: median(rows.map((x) => x.p)),
  };
}
