/**
 * What a workload costs in simulated cycles (architecture "Time and cost"):
 * run it under the timed strategy with seeded jitter and report, as medians
 * over the seeds, cycles per operation (makespan × cpus ÷ operations) with
 * IPIs, thread switches and spin cycles per operation beside them.
 * Deterministic: the same builder and seeds give the same figures on any
 * machine. One function for every caller — `kprim compare`, the benchmarks'
 * interlock comparison, the browser playground's Compare.
 */
import { describeOutcome, type Machine, type RunResult, type Strategy, timed } from "@kprim/machine";
import type { Prepared } from "./runner.js";

export interface Cost {
  readonly cyclesPerOp: number;
  readonly ipisPerOp: number;
  readonly switchesPerOp: number;
  readonly spinPerOp: number;
  /** The runs that did not end ok (each as describeOutcome says it), in seed order. */
  readonly failures: readonly string[];
}

export interface CostOptions {
  /** Seeded runs (jitter seeds 1..seeds; default 5). */
  readonly seeds?: number;
  /** Jitter amount, ±fraction of each cost (default 0.1). */
  readonly jitter?: number;
  /** Operations per run (default: the run's threads, one operation each). */
  readonly ops?: number;
}

/** A fresh machine for one seeded run (set up, not yet run). */
export type CostBuild = (opts: {
  readonly strategy: Strategy;
  readonly jitter: { seed: number; amount: number };
}) => Machine;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function measureCost(build: CostBuild, opts: CostOptions = {}): Cost {
  const seeds = opts.seeds ?? 5;
  const amount = opts.jitter ?? 0.1;
  const c: number[] = [];
  const i: number[] = [];
  const s: number[] = [];
  const p: number[] = [];
  const failures: string[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const r: RunResult = build({ strategy: timed(), jitter: { seed, amount } }).run();
    if (r.outcome.kind !== "ok") failures.push(describeOutcome(r.outcome));
    const ops = Math.max(1, opts.ops ?? r.threads.length);
    const t = r.counters.total;
    c.push((r.makespan * r.ncpus) / ops);
    i.push(t.ipisSent / ops);
    s.push(t.switches / ops);
    p.push(t.spinCycles / ops);
  }
  return {
    cyclesPerOp: median(c),
    ipisPerOp: median(i),
    switchesPerOp: median(s),
    spinPerOp: median(p),
    failures,
  };
}

/** The cost of a prepared catalogue scenario, one operation per thread (what `kprim compare` shows). */
export function scenarioCost(p: Prepared, opts: CostOptions & { readonly maxSteps?: number } = {}): Cost {
  const maxSteps = opts.maxSteps ?? 20_000;
  return measureCost((o) => p.build({ ...o, maxSteps }), opts);
}
