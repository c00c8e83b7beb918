/**
 * A matrix row checked the oracle's way (`checkRow` of @kprim/scenarios:
 * random → PCT → bounded DPOR → DPOR for "found" rows, exhaustive DPOR for
 * "not-found" ones) on machines built by the job context, so plugins'
 * detectors and the watchdog are in place.
 */
import type { ExploreResult } from "@kprim/explore";
import { checkRow, type MatrixRow, type Prepared, type RowBudget, type RowVerdict } from "@kprim/scenarios";
import type { JobContext } from "./context.js";

export interface Checked {
  readonly verdict: RowVerdict;
  /** What the exploration showed: the row's signal (found rows) or a forbidden one (not-found rows). */
  readonly shown: "found" | "not-found" | "inconclusive";
  /** The exploration that found it, and the executions up to it over every stage. */
  readonly found: (ExploreResult & { kind: "found" }) | null;
  readonly executionsToFound: number | null;
  readonly executions: number;
  /** One line: how it was found, or what the exploration proved. */
  readonly summary: string;
}

/** What "not found" rules out, in words. */
export function absent(signal: string): string {
  return signal === "any" ? "no console line and no failure" : signal === "failure" ? "no failure" : `no ${signal}`;
}

export function check(ctx: JobContext, prepared: Prepared, row: MatrixRow, budget: RowBudget = {}): Checked {
  const verdict = checkRow(prepared, row, budget, ctx.factory(prepared));
  const last = verdict.results[verdict.results.length - 1]!;
  const before = verdict.results.slice(0, -1).reduce((n, r) => n + r.executions, 0);
  const found = last.kind === "found" ? last : null;
  const executionsToFound = found ? before + found.executionsToFound : null;
  const executions = before + last.executions;
  const exhausted = last.kind === "not-found" && last.exhausted;
  return {
    verdict,
    shown: found ? "found" : last.inconclusive !== null ? "inconclusive" : "not-found",
    found,
    executionsToFound,
    executions,
    summary: found
      ? `found by ${found.mode} after ${executionsToFound} executions in all`
      : exhausted && verdict.holds
        ? `explored exhaustively: ${last.executions} executions, ${absent(row.signal)}`
        : verdict.detail,
  };
}

/** The matrix rows for a spec id, variant and options. */
export function rowFor(
  rows: readonly MatrixRow[],
  specId: string | null,
  variant: string,
  options: Readonly<Record<string, string>>,
): MatrixRow | undefined {
  const same = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
  };
  return rows.find((r) => specId !== null && r.id === specId && r.variant === variant && same(r.options, options));
}
