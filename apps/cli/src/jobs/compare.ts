/**
 * `compare`: one scenario under several variants, side by side — the verdict
 * (checked the oracle's way where matrix.json has a row, else a DPOR search
 * for any failure), whether it matches the row, the executions to the first
 * failure, console warnings per 10,000 random runs, and simulated cycles and
 * IPIs per operation (medians of timed runs with seeded jitter; an operation
 * is one thread of the scenario).
 *
 * A variant may be given as `VARIANT:INTERLOCK` (`SPIN+TI:mtx`): the variant
 * with its interlock replaced — a plugin's, say — judged by the variant's
 * own matrix rows, so a new interlock shows beside the built-in ones.
 */
import { explore, replaySchedule } from "@kprim/explore";
import { matrix, measureCost, type Prepared, VARIANT_NAMES } from "@kprim/scenarios";
import { UsageError } from "../errors.js";
import type { CompareJob, RunSpec } from "../worker/protocol.js";
import { check, rowFor } from "./check.js";
import type { JobContext } from "./context.js";
import type { CompareReport, CompareRow } from "./reports.js";

const TIMED_SEEDS = 5;
const NO_ROW_BUDGET = 100_000;

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** measureCost of @kprim/scenarios, on machines with the plugins' detectors. */
function costs(ctx: JobContext, p: Prepared): { cyclesPerOp: number; ipisPerOp: number } {
  const c = measureCost((o) => ctx.machine(p, { ...o, maxSteps: 20_000 }), { seeds: TIMED_SEEDS, jitter: 0.1 });
  return { cyclesPerOp: round(c.cyclesPerOp, 1), ipisPerOp: round(c.ipisPerOp, 2) };
}

function warnings(ctx: JobContext, p: Prepared, runs: number): number {
  const r = explore(ctx.factory(p), {
    mode: { kind: "random", seed: 1, runs },
    target: "any",
    stopOnFound: false,
    shrink: false,
    maxSteps: 20_000,
  });
  const lines = r.console.reduce((n, c) => n + c.count, 0);
  return round((lines * 10_000) / runs, 1);
}

/** One `--variants` item: `VARIANT`, or `VARIANT:INTERLOCK` (the variant with its interlock replaced). */
export function variantItem(item: string, spec: RunSpec): RunSpec {
  const colon = item.indexOf(":");
  if (colon < 0) return { ...spec, variant: item };
  const variant = item.slice(0, colon);
  const interlock = item.slice(colon + 1);
  if (variant === "" || interlock === "") {
    throw new UsageError(`--variants: "${item}" is not VARIANT or VARIANT:INTERLOCK`);
  }
  if (spec.options["interlock"] !== undefined) {
    throw new UsageError(`--variants ${item} and --interlock ${spec.options["interlock"]} both choose the interlock`);
  }
  return { ...spec, variant, options: { ...spec.options, interlock } };
}

export function compareJob(ctx: JobContext, job: CompareJob): CompareReport {
  const base = ctx.prepare(job.spec);
  const specId = base.scenario.specId;
  const rowVariants = [...new Set(matrix.rows.filter((r) => r.id === specId).map((r) => r.variant))];
  const variants = job.variants ?? (rowVariants.length > 0 ? rowVariants : VARIANT_NAMES);
  // Prepare every variant first: a bad name fails before any exploring.
  const prepared = variants.map((item) => ctx.prepare(variantItem(item, job.spec)));
  ctx.started(`${base.scenario.name} under ${variants.length} variants`, prepared.length);
  // Ctrl-C stops between variants: the rows done so far are the (partial) result.
  const rows: CompareRow[] = [];
  for (const p of prepared) {
    if (ctx.stopRequested() !== null) break;
    rows.push(compareRow(ctx, job, p, specId));
    ctx.progress(rows.length);
  }
  return {
    scenario: base.scenario.name,
    specId,
    rows,
    variants: prepared.length,
    stopped: rows.length < prepared.length ? ctx.stopRequested() : null,
  };
}

function compareRow(ctx: JobContext, job: CompareJob, p: Prepared, specId: string | null): CompareRow {
  // The variant's rows, with the options given on the command line (an item's interlock stands in for the variant's).
  const row = rowFor(matrix.rows, specId, p.variant, job.spec.options);
  const measured = { runs: job.runs, warningsPer10k: warnings(ctx, p, job.runs), ...costs(ctx, p) };
  if (row !== undefined) {
    const c = check(ctx, p, row);
    return {
      variant: p.variant,
      options: p.header.options,
      verdict: c.shown,
      signal: row.signal,
      expected: row.expect,
      matches: c.verdict.holds,
      detail: c.summary,
      schedulesToFailure: c.executionsToFound,
      replay: c.found ? ctx.replayCommand(p.scenario.name, c.found.shrunk) : null,
      ...measured,
    };
  }
  const r = explore(ctx.factory(p), { mode: { kind: "dpor" }, maxExecutions: NO_ROW_BUDGET, maxSteps: 20_000 });
  const found = r.kind === "found";
  if (found) replaySchedule(ctx.factory(p), r.shrunk); // the replay handle reproduces (throws if not)
  return {
    variant: p.variant,
    options: p.header.options,
    verdict: r.kind,
    signal: r.signal,
    expected: null,
    matches: null,
    detail: found
      ? `${r.failure} (${r.mode})`
      : r.exhausted
        ? `exhausted in ${r.executions} executions, no failure`
        : `no failure in ${r.executions} executions (not exhausted)`,
    schedulesToFailure: found ? r.executionsToFound : null,
    replay: found ? ctx.replayCommand(p.scenario.name, r.shrunk) : null,
    ...measured,
  };
}
