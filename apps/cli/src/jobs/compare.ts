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
 *
 * Budgets: `--schedules` caps each search stage of a variant, and every
 * search asks after each execution whether to stop — on Ctrl-C or the
 * command's time limit (the row is marked partial and no later variant
 * starts), or on the variant's own time limit (the row is marked partial and
 * the next variant starts). A partial row's verdict is judged only if what
 * ran already decided it (a "found" row whose signal was shown).
 */
import { explore, replaySchedule } from "@kprim/explore";
import { matrix, measureCost, type Prepared, runKey, VARIANT_NAMES } from "@kprim/scenarios";
import { UsageError } from "../errors.js";
import type { CompareJob, RunSpec } from "./requests.js";
import { check, rowFor } from "./check.js";
import type { JobContext } from "./context.js";
import type { CompareReport, CompareRow, CompareStop } from "./reports.js";

const TIMED_SEEDS = 5;
const NO_ROW_BUDGET = 100_000;

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** measureCost of @kprim/scenarios, on machines with the plugins' detectors. */
function costs(ctx: JobContext, p: Prepared): { cyclesPerOp: number; ipisPerOp: number } {
  const c = measureCost((o) => ctx.machine(p, { ...o, maxSteps: 20_000 }), { seeds: TIMED_SEEDS, jitter: 0.1 });
  return { cyclesPerOp: round(c.cyclesPerOp, 1), ipisPerOp: round(c.ipisPerOp, 2) };
}

/** Console lines per 10,000 of the random runs done (all `runs` of them unless stopped). */
function warnings(ctx: JobContext, p: Prepared, runs: number, stop: Stopper): { per10k: number; runs: number } {
  const r = explore(ctx.factory(p), {
    mode: { kind: "random", seed: 1, runs },
    target: "any",
    raises: p.raises,
    stopOnFound: false,
    shrink: false,
    maxSteps: 20_000,
    shouldStop: stop.asked,
  });
  const lines = r.console.reduce((n, c) => n + c.count, 0);
  return { per10k: r.executions === 0 ? 0 : round((lines * 10_000) / r.executions, 1), runs: r.executions };
}

/** One variant's stop check: the command's stop request, or the variant's own deadline. */
interface Stopper {
  readonly asked: () => boolean;
  /** Why it stopped (null: it has not). */
  readonly why: () => CompareStop | null;
}

function stopper(ctx: JobContext, job: CompareJob): Stopper {
  // Wall-clock time only decides when to stop; the row says it is partial.
  const deadline = job.variantTimeLimitMs !== undefined ? Date.now() + job.variantTimeLimitMs : null;
  let why: CompareStop | null = null;
  return {
    asked: () => {
      if (why !== null) return true;
      why = ctx.stopRequested() ?? (deadline !== null && Date.now() >= deadline ? "variant-time-limit" : null);
      return why !== null;
    },
    why: () => why,
  };
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
  // Prepare every variant first: a bad name, or two items for one run, fails before any exploring.
  const prepared = variants.map((item) => ctx.prepare(variantItem(item, job.spec)));
  sameRuns(variants, prepared);
  ctx.started(`${base.scenario.name} under ${variants.length} variants`, prepared.length);
  // Ctrl-C or the time limit stop inside a variant: its row is partial, and no later variant starts.
  const rows: CompareRow[] = [];
  for (const p of prepared) {
    if (ctx.stopRequested() !== null) break;
    rows.push(compareRow(ctx, job, p, specId, stopper(ctx, job)));
    ctx.progress(rows.length);
  }
  // A stop request that cut a row short or kept a variant from starting makes the comparison partial.
  const asked = ctx.stopRequested();
  const stopped = rows.length < prepared.length || rows.some((r) => r.partial === asked) ? asked : null;
  const checked = rows.filter((r) => r.matches !== null).length;
  return {
    scenario: base.scenario.name,
    specId,
    rows,
    variants: prepared.length,
    stopped,
    checked,
    // Exit 0 only when at least one verdict was checked, every one matched, and every variant ran to its end.
    ok: stopped === null && checked > 0 && rows.every((r) => r.partial === null && r.matches !== false),
    notes: alike(variants, prepared),
  };
}

/** Variants that run the scenario alike (they differ only in options it does not depend on), in words. */
function alike(items: readonly string[], prepared: readonly Prepared[]): string[] {
  const groups = new Map<string, string[]>();
  prepared.forEach((p, i) => {
    const key = runKey(p);
    groups.set(key, [...(groups.get(key) ?? []), items[i]!]);
  });
  const notes: string[] = [];
  for (const names of groups.values()) {
    if (names.length < 2) continue;
    const p = prepared[items.indexOf(names[0]!)]!;
    const list = `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
    const deps = p.scenario.dependsOn ?? [];
    notes.push(
      `${list} run ${p.scenario.name} alike (${deps.length === 0 ? "it depends on no variant option" : `it depends only on ${deps.join(", ")}`})`,
    );
  }
  return notes;
}

/** Two items that prepare the same run (one variant, the same options) are one item given twice. */
function sameRuns(items: readonly string[], prepared: readonly Prepared[]): void {
  const seen = new Map<string, number>();
  prepared.forEach((p, i) => {
    const opts = Object.keys(p.options)
      .sort()
      .map((k) => `${k}=${p.options[k]}`)
      .join(" ");
    const key = `${p.variant} ${opts}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, i);
      return;
    }
    // Name the options either item sets beyond the variant (they agree).
    const overrides = Object.entries({ ...prepared[first]!.header.options, ...p.header.options })
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    throw new UsageError(
      `--variants: ${items[first]} and ${items[i]} are the same run (variant ${p.variant}${overrides ? ` with ${overrides}` : ""})`,
    );
  });
}

function compareRow(ctx: JobContext, job: CompareJob, p: Prepared, specId: string | null, stop: Stopper): CompareRow {
  // The variant's rows, with the options given on the command line (an item's interlock stands in for the variant's).
  const row = rowFor(matrix.rows, specId, p.variant, job.spec.options);
  const verdict = (): Omit<CompareRow, "runs" | "warningsPer10k" | "cyclesPerOp" | "ipisPerOp" | "partial"> => {
    if (row !== undefined) {
      const c = check(ctx, p, row, {
        shouldStop: stop.asked,
        ...(job.schedules !== undefined ? { maxExecutions: job.schedules, runs: Math.min(300, job.schedules) } : {}),
      });
      // Cut short, a row is judged only when what ran decided it: a found row whose signal was shown.
      const decided = stop.why() === null || c.found !== null;
      return {
        variant: p.variant,
        options: p.header.options,
        verdict: c.shown,
        signal: row.signal,
        expected: row.expect,
        matches: decided ? c.verdict.holds : null,
        detail: c.summary,
        schedulesToFailure: c.executionsToFound,
        replay: c.found ? ctx.replayCommand(p.scenario.name, c.found.shrunk) : null,
      };
    }
    const r = explore(ctx.factory(p), {
      mode: { kind: "dpor" },
      maxExecutions: job.schedules ?? NO_ROW_BUDGET,
      maxSteps: 20_000,
      raises: p.raises,
      shouldStop: stop.asked,
    });
    const found = r.kind === "found";
    if (found) replaySchedule(ctx.factory(p), r.shrunk); // the replay handle reproduces (throws if not)
    return {
      variant: p.variant,
      options: p.header.options,
      verdict: r.kind === "not-found" && r.inconclusive !== null ? "inconclusive" : r.kind,
      signal: r.signal,
      expected: null,
      matches: null,
      detail: found
        ? `${r.failure} (${r.mode})`
        : r.exhausted
          ? `exhausted in ${r.executions} executions, no failure`
          : r.inconclusive !== null
            ? `no failure in ${r.executions} executions, inconclusive — ${r.inconclusive.message}`
            : `no failure in ${r.executions} executions (not exhausted)`,
      schedulesToFailure: found ? r.executionsToFound : null,
      replay: found ? ctx.replayCommand(p.scenario.name, r.shrunk) : null,
    };
  };
  const v = verdict();
  // The warning rate and the cost come after the verdict; a stop skips what has not started.
  const w = stop.asked() ? { per10k: 0, runs: 0 } : warnings(ctx, p, job.runs, stop);
  const cost = stop.asked() ? { cyclesPerOp: 0, ipisPerOp: 0 } : costs(ctx, p);
  const partial = stop.why();
  return {
    ...v,
    detail: partial === null ? v.detail : `partial: ${STOPPED[partial]}; ${v.detail}`,
    partial,
    runs: w.runs,
    warningsPer10k: w.per10k,
    ...cost,
  };
}

const STOPPED: Readonly<Record<CompareStop, string>> = {
  interrupted: "stopped by Ctrl-C",
  "time-limit": "stopped at the time limit",
  "variant-time-limit": "stopped at the variant's time limit",
};
