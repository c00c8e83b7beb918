/**
 * Checking the acceptance oracle: a matrix row against one catalogue
 * scenario that declares its spec id, explored under the row's variant and
 * options.
 *
 * - "found": some explored execution shows the row's signal. The search
 *   escalates: seeded random, PCT (d = 2, 3), iterative preemption bounding
 *   with DPOR (bounds 0..3), then unbounded DPOR; the first that finds it
 *   answers.
 * - "not-found": an exhaustive DPOR exploration with no preemption bound
 *   reports exhausted (unfair cycles through declared loops are cut, their
 *   ways out explored), and no execution shows a forbidden signal: `any`
 *   forbids console lines and every failure, `failure` forbids panics,
 *   violations (livelocks included) and deadlocks, any other signal forbids
 *   just itself. An execution that reached the step limit is inconclusive
 *   (a possible livelock or an undeclared busy-wait): the space is then not
 *   exhausted and the row does not hold.
 *
 * A row whose spec id no scenario declares is pending: it is never a pass.
 */
import { explore, type ExploreOptions, type ExploreResult, type MachineFactory, type Mode } from "@kprim/explore";
import type { KernelScenario } from "./define.js";
import type { Matrix, MatrixRow } from "./matrix.js";
import { type Prepared, prepare } from "./runner.js";

export interface RowBudget {
  /** Steps per execution (default 20,000). */
  readonly maxSteps?: number;
  /** Executions an exhaustive exploration may take before it counts as not exhausted (default 500,000). */
  readonly maxExecutions?: number;
  /** Runs per sampling stage of a "found" search (default 300). */
  readonly runs?: number;
  /**
   * Asked after each execution of every stage: true ends the check there
   * (a Ctrl-C or a time limit). The verdict then does not hold unless the
   * part explored already showed a "found" row's signal, and its last
   * result has `stopped: true`.
   */
  readonly shouldStop?: () => boolean;
}

export interface RowVerdict {
  readonly row: MatrixRow;
  readonly scenario: string;
  /** Does the scenario behave as the row says? */
  readonly holds: boolean;
  /** One line: what was found or proven, or why the row does not hold. */
  readonly detail: string;
  /** The explorations run, in order (the last decided). */
  readonly results: readonly ExploreResult[];
}

/** The matrix row's variant and options applied to a scenario. */
export function prepareRow(scenario: KernelScenario, row: MatrixRow): Prepared {
  return prepare({ scenario, variant: row.variant, options: row.options });
}

/** Rows no scenario of `list` declares yet (pending), in matrix order. */
export function pendingRows(matrix: Matrix, list: readonly KernelScenario[]): MatrixRow[] {
  return matrix.rows.filter((r) => !list.some((s) => s.specId === r.id));
}

/** Every (row, scenario) pair the oracle asks about, in matrix order. */
export function rowChecks(
  matrix: Matrix,
  list: readonly KernelScenario[],
): { row: MatrixRow; scenario: KernelScenario }[] {
  return matrix.rows.flatMap((row) => list.filter((s) => s.specId === row.id).map((scenario) => ({ row, scenario })));
}

/** Check a row on machines from `factory` (default: the prepared run's own `build`; a caller may decorate it). */
export function checkRow(
  prepared: Prepared,
  row: MatrixRow,
  budget: RowBudget = {},
  factory: MachineFactory = prepared.build,
): RowVerdict {
  const maxSteps = budget.maxSteps ?? 20_000;
  const maxExecutions = budget.maxExecutions ?? 500_000;
  // The row's signal must be something the run can raise: an oracle row naming a detector nobody installs is an error, not a pass.
  const base: Omit<ExploreOptions, "mode"> = {
    target: row.signal,
    maxSteps,
    shrink: false,
    raises: prepared.raises,
    ...(budget.shouldStop ? { shouldStop: budget.shouldStop } : {}),
  };
  const name = prepared.scenario.name;
  const results: ExploreResult[] = [];
  const run = (mode: Mode, extra: Partial<ExploreOptions> = {}): ExploreResult => {
    const r = explore(factory, { ...base, ...extra, mode });
    results.push(r);
    return r;
  };
  if (row.expect === "found") {
    const runs = budget.runs ?? 300;
    const stages: [Mode, Partial<ExploreOptions>][] = [
      [{ kind: "random", seed: 1, runs }, {}],
      [{ kind: "pct", seed: 1, runs, depth: 2 }, {}],
      [{ kind: "pct", seed: 1, runs, depth: 3 }, {}],
      [{ kind: "iterative", reduction: "dpor", maxBound: 3 }, { maxExecutions }],
      [{ kind: "dpor" }, { maxExecutions }],
    ];
    for (const [mode, extra] of stages) {
      const r = run(mode, { ...extra, shrink: true });
      if (r.kind === "found") {
        return {
          row,
          scenario: name,
          holds: true,
          detail: `found by ${r.mode} after ${r.executionsToFound} executions: ${r.replay ?? r.shrunk}`,
          results,
        };
      }
      if (r.exhausted || r.stopped) break;
    }
    const last = results[results.length - 1]!;
    const why = last.stopped
      ? "not found before the stop"
      : last.kind === "not-found" && last.exhausted
        ? "exhaustively absent"
        : "not found";
    return { row, scenario: name, holds: false, detail: `${row.signal} ${why} (${summary(results)})`, results };
  }
  const r = run({ kind: "dpor" }, { maxExecutions, shrink: true });
  if (r.kind === "found") {
    return {
      row,
      scenario: name,
      holds: false,
      detail: `forbidden ${r.signal} found: ${r.failure}; ${r.replay ?? r.shrunk}`,
      results,
    };
  }
  if (!r.exhausted) {
    const why = r.stopped
      ? `stopped after ${r.executions} executions`
      : r.inconclusive !== null
        ? `inconclusive — ${r.inconclusive.message}`
        : `stopped at ${r.executions} executions`;
    return { row, scenario: name, holds: false, detail: `not exhausted: ${why}`, results };
  }
  return {
    row,
    scenario: name,
    holds: true,
    detail: `exhausted in ${r.executions} executions${r.cycles > 0 ? ` (${r.cycles} unfair cycles cut)` : ""}, no ${r.signal}`,
    results,
  };
}

function summary(results: readonly ExploreResult[]): string {
  return results.map((r) => `${r.mode}: ${r.executions}`).join("; ");
}
