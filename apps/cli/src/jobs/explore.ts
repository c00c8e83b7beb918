/**
 * `explore`: search a scenario's schedules for a signal — exhaustively with
 * DPOR (optionally under a preemption bound) or stateful DFS (states stored
 * and merged across executions), or by seeded random or PCT
 * sampling (optionally on several worker threads) or a plugin's strategy
 * (seeded like random, one thread). Stops between executions
 * when the main thread asks (Ctrl-C, time limit) and reports what ran.
 */
import {
  explore,
  type ExploreOptions,
  type ExploreResult,
  exploreParallel,
  checkSignal,
  matchSignal,
  replaySchedule,
  DEFAULT_AUTO_BUDGET,
  exploreAuto,
  type Phase,
  type Mode,
  parseSignal,
  type SamplingMode,
} from "@kprim/explore";
import { describeOutcome, nearest } from "@kprim/machine";
import { runLabel } from "@kprim/scenarios";
import { UsageError } from "../errors.js";
import type { ExploreJob } from "./requests.js";
import type { JobContext } from "./context.js";
import type { ExploreReport } from "./reports.js";
import { header } from "./header.js";
import { exportTrace, traceSettings } from "./run.js";
import { EXPLORE_STRATEGIES } from "./strategies.js";

export const DEFAULT_SAMPLES = 1000;
export const DEFAULT_DPOR_BUDGET = 100_000;
export const DEFAULT_STATE_BUDGET = 1_000_000;

/** What to run: an explore() mode, or null for the default burst-then-DPOR (exploreAuto). */
function mode(ctx: JobContext, job: ExploreJob): { mode: Mode | null; budget: number } {
  const plugin = (EXPLORE_STRATEGIES as readonly string[]).includes(job.strategy)
    ? undefined
    : ctx.registry.strategy(job.strategy);
  const sampling = job.strategy === "random" || job.strategy === "pct" || plugin !== undefined;
  if (job.bound !== undefined && sampling) {
    throw new UsageError(`--bound is a preemption bound for dpor; ${job.strategy} takes --schedules and --seed`);
  }
  if (job.bound !== undefined && job.strategy === "auto") {
    throw new UsageError(
      "--bound is a preemption bound for --strategy dpor; auto explores every schedule after its burst",
    );
  }
  if (job.bound !== undefined && job.strategy === "stateful") {
    throw new UsageError("--bound is a preemption bound for dpor; stateful search explores every schedule");
  }
  if (job.depth !== undefined && job.strategy !== "pct") throw new UsageError("--depth applies to --strategy pct");
  if (job.symmetry && job.strategy !== "stateful") {
    throw new UsageError("--symmetry applies to --strategy stateful");
  }
  if (job.workers > 1 && !sampling) {
    throw new UsageError("--workers applies to random and pct sampling; exhaustive searches run on one thread");
  }
  if (job.workers > 1 && plugin !== undefined) {
    throw new UsageError(
      `--workers applies to random and pct sampling; plugin strategy ${job.strategy} runs on one thread`,
    );
  }
  switch (job.strategy) {
    case "auto":
      return { mode: null, budget: job.schedules ?? DEFAULT_AUTO_BUDGET };
    case "dpor":
      return {
        mode: job.bound === undefined ? { kind: "dpor" } : { kind: "dpor", preemptionBound: job.bound },
        budget: job.schedules ?? DEFAULT_DPOR_BUDGET,
      };
    case "stateful":
      return {
        mode: { kind: "dfs", stateful: true, symmetry: job.symmetry },
        budget: job.schedules ?? DEFAULT_STATE_BUDGET,
      };
    case "random":
      return {
        mode: { kind: "random", seed: job.seed, runs: job.schedules ?? DEFAULT_SAMPLES },
        budget: job.schedules ?? DEFAULT_SAMPLES,
      };
    case "pct":
      return {
        mode: { kind: "pct", seed: job.seed, runs: job.schedules ?? DEFAULT_SAMPLES, depth: job.depth ?? 3 },
        budget: job.schedules ?? DEFAULT_SAMPLES,
      };
    default: {
      if (plugin !== undefined) {
        const runs = job.schedules ?? DEFAULT_SAMPLES;
        const make = (seed: number) => plugin({ seed });
        return { mode: { kind: "strategy", name: job.strategy, make, seed: job.seed, runs }, budget: runs };
      }
      const names = [...EXPLORE_STRATEGIES, ...ctx.registry.strategies.map((s) => s.name)];
      const near = nearest(job.strategy, names);
      throw new UsageError(
        `unknown explore strategy "${job.strategy}"${near ? ` (did you mean "${near}"?)` : ""}; strategies: ${names.join(", ")}`,
      );
    }
  }
}

export async function exploreJob(ctx: JobContext, job: ExploreJob): Promise<ExploreReport> {
  const signal = parseSignal(job.signal);
  const { mode: m, budget } = mode(ctx, job);
  const p = ctx.prepare(job.spec);
  // Refuse a target nothing in the run can raise before anything starts.
  checkSignal(signal, p.raises);
  const stateful = m?.kind === "dfs";
  const opts: Omit<ExploreOptions, "mode"> = {
    target: signal,
    raises: p.raises,
    maxSteps: job.maxSteps,
    maxExecutions: m === null || m.kind === "dpor" ? budget : undefined,
    maxStates: stateful ? budget : undefined,
    shouldStop: () => ctx.stopRequested() !== null,
    // A stateful search's budget and progress are in states stored.
    onStates: stateful ? (n: number) => ctx.progress(n) : undefined,
    onExecution: stateful ? undefined : (n: number) => ctx.progress(n),
  };
  ctx.started(`${p.scenario.name} under ${runLabel(p)}`, budget);
  let r: ExploreResult;
  let phases: readonly Phase[] | null = null;
  if (m === null) {
    const auto = exploreAuto(ctx.factory(p), { ...opts, seed: job.seed });
    phases = auto.phases;
    r = auto;
  } else if (job.workers > 1) {
    r = await exploreParallel(ctx.host.parallelSpec(job.spec), {
      mode: m as SamplingMode,
      workers: job.workers,
      target: signal,
      raises: p.raises,
      maxSteps: job.maxSteps,
      shouldStop: opts.shouldStop!,
      // Every worker's runs, as they finish.
      onExecution: (n: number) => ctx.progress(n),
    });
    ctx.progress(r.executions);
  } else {
    r = explore(ctx.factory(p), { ...opts, mode: m });
  }
  const f = r.kind === "found" ? r : null;
  const h = header(p, job.spec);
  // The counterexample replayed once more: its trail records how it ends, and --trace draws it.
  let trail: ExploreReport["trail"] = null;
  let replayed: string | null = null;
  let trace: ExploreReport["trace"] = null;
  if (f !== null) {
    const again = replaySchedule(ctx.factory(p), f.shrunk, { trace: job.trace !== undefined });
    const replay = ctx.replayCommand(p.scenario.name, f.shrunk);
    replayed = describeOutcome(again.outcome);
    trail = ctx.trail(p.scenario.name, f.shrunk, {
      signal: r.signal,
      found: matchSignal(signal, again.outcome, again.console),
      outcome: replayed,
    });
    if (job.trace !== undefined) {
      trace = {
        format: job.trace,
        content: exportTrace(again, job.trace, {
          ...h,
          variant: h.label,
          replay,
          settings: traceSettings(p, job.signal, `${r.mode}, the shrunk counterexample`),
          console: signal.kind === "console" ? signal.text : undefined,
        }),
      };
    }
  }
  return {
    ...h,
    verdict: r.kind,
    signal: r.signal,
    mode: r.mode,
    executions: r.executions,
    states: r.states,
    merged: r.merged,
    exhausted: r.kind === "not-found" && r.exhausted,
    bound: r.kind === "not-found" ? r.bound : m?.kind === "dpor" ? (m.preemptionBound ?? null) : null,
    phases,
    warnings: r.console,
    outcomes: r.outcomes,
    stepLimited: r.stepLimited,
    stopped: r.stopped ? ctx.stopRequested() : null,
    failure: f ? f.failure : null,
    executionsToFound: f ? f.executionsToFound : null,
    schedule: f ? f.schedule : null,
    shrunk: f ? f.shrunk : null,
    shrunkSteps: f ? f.shrunkSteps : null,
    replay: f ? ctx.replayCommand(p.scenario.name, f.shrunk) : null,
    replayed,
    trail,
    trace,
  };
}
