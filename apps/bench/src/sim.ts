/**
 * Simulated cost of a workload: `measureCost` of @kprim/scenarios (timed
 * strategy, seeded jitter, medians of cycles, IPIs, switches and spin cycles
 * per operation), with a workload that fails made a benchmark error.
 */
import type { Machine } from "@kprim/machine";
import { type Cost as MeasuredCost, type CostBuild, measureCost } from "@kprim/scenarios";

export type Cost = Omit<MeasuredCost, "failures">;

export interface Workload {
  /** A fresh machine for one seeded run (set up, not yet run). */
  build(opts: Parameters<CostBuild>[0]): Machine;
  readonly ops: number;
}

export function simulate(w: Workload, seeds = 5, jitter = 0.1): Cost {
  const { failures, ...cost } = measureCost((o) => w.build(o), { seeds, jitter, ops: w.ops });
  if (failures.length > 0) throw new Error(`benchmark workload failed: ${failures[0]}`);
  return cost;
}
