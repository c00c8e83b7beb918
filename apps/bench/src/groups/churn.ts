/**
 * Buffer-cache churn (the `buf-churn` scenario): simulated cycles per
 * getblk + release pair with the token vs the spin interlock at 1, 2, 4, 8
 * and 16 cpus (timed strategy), and getnewbuf's warnings per 10,000 random
 * runs per variant.
 */
import { random } from "@kprim/machine";
import { prepare } from "@kprim/scenarios";
import { fmt, simulate, table } from "../sim.js";

const OPS = 4;

export function churnCost(quick: boolean): string {
  const rows: string[][] = [];
  for (const cpus of quick ? [1, 2] : [1, 2, 4, 8, 16]) {
    const params = { cpus, threads: 1, blocks: cpus * 2 + 2, bufs: cpus + 2, ops: OPS };
    const cells = [String(cpus)];
    const costs = (["TOK", "SPIN+TI"] as const).map((variant) => {
      const p = prepare({ scenario: "buf-churn", variant, params });
      return simulate(
        { ops: cpus * OPS, build: (o) => p.build({ ...o, check: false, maxSteps: 5_000_000 }) },
        quick ? 1 : 5,
      );
    });
    cells.push(
      fmt(costs[0]!.cyclesPerOp),
      fmt(costs[1]!.cyclesPerOp),
      (costs[0]!.cyclesPerOp / costs[1]!.cyclesPerOp).toFixed(2),
    );
    cells.push(fmt(costs[0]!.ipisPerOp, 2), fmt(costs[1]!.ipisPerOp, 2));
    rows.push(cells);
  }
  const runs = quick ? 500 : 10_000;
  const warn: string[][] = [];
  for (const variant of ["TOK", "TOK-spin2005", "SPIN-naive", "SPIN+TI", "SPIN+TI-nomp"]) {
    const p = prepare({ scenario: "buf-churn", variant });
    let warnings = 0;
    let runsWith = 0;
    let failures = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const r = p.build({ strategy: random({ seed }), check: false }).run();
      warnings += r.console.length;
      if (r.console.length > 0) runsWith++;
      if (r.outcome.kind !== "ok") failures++;
    }
    warn.push([variant, String(warnings), String(runsWith), String(failures)]);
  }
  return [
    `Buffer-cache churn: simulated cycles per getblk + release pair (timed strategy; ${OPS} pairs per cpu)`,
    table(["cpus", "TOK", "SPIN+TI", "TOK÷SPIN", "IPIs TOK", "IPIs SPIN"], rows),
    "",
    `getnewbuf warnings over ${runs} random runs of buf-churn (2 cpus, default parameters)`,
    table(["variant", "warnings", "runs with warnings", "failures"], warn),
  ].join("\n");
}
