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
  type Mode,
  parseSignal,
  type SamplingMode,
} from "@kprim/explore";
import { nearest } from "@kprim/machine";
import { UsageError } from "../errors.js";
import type { ExploreJob } from "../worker/protocol.js";
import type { JobContext } from "./context.js";
import type { ExploreReport } from "./reports.js";
import { header } from "./run.js";
import { EXPLORE_STRATEGIES } from "./strategies.js";

export const DEFAULT_SAMPLES = 1000;
export const DEFAULT_DPOR_BUDGET = 100_000;
export const DEFAULT_STATE_BUDGET = 1_000_000;

function mode(ctx: JobContext, job: ExploreJob): { mode: Mode; budget: number } {
  const plugin = (EXPLORE_STRATEGIES as readonly string[]).includes(job.strategy)
    ? undefined
    : ctx.registry.strategy(job.strategy);
  const sampling = job.strategy === "random" || job.strategy === "pct" || plugin !== undefined;
  if (job.bound !== undefined && sampling) {
    throw new UsageError(`--bound is a preemption bound for dpor; ${job.strategy} takes --schedules and --seed`);
  }
  if (job.bound !== undefined && job.strategy === "stateful") {
    throw new UsageError("--bound is a preemption bound for dpor; stateful search explores every schedule");
  }
  if (job.depth !== undefined && job.strategy !== "pct") throw new UsageError("--depth applies to --strategy pct");
  if (job.symmetry === true && job.strategy !== "stateful") {
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
    case "dpor":
      return {
        mode: job.bound === undefined ? { kind: "dpor" } : { kind: "dpor", preemptionBound: job.bound },
        budget: job.schedules ?? DEFAULT_DPOR_BUDGET,
      };
    case "stateful":
      return {
        mode: { kind: "dfs", stateful: true, ...(job.symmetry === true ? { symmetry: true } : {}) },
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
  const opts: Omit<ExploreOptions, "mode"> = {
    target: signal,
    maxSteps: job.maxSteps,
    ...(m.kind === "dpor" ? { maxExecutions: budget } : {}),
    ...(m.kind === "dfs" ? { maxStates: budget } : {}),
    shouldStop: () => ctx.stopRequested() !== null,
    // A stateful search's budget and progress are in states stored.
    ...(m.kind === "dfs"
      ? { onStates: (n: number) => ctx.progress(n) }
      : { onExecution: (n: number) => ctx.progress(n) }),
  };
  ctx.started(`${p.scenario.name} under ${p.variant}`, budget);
  let r: ExploreResult;
  if (job.workers > 1) {
    r = await exploreParallel(ctx.parallelSpec(job.spec), {
      mode: m as SamplingMode,
      workers: job.workers,
      target: signal,
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
  return {
    ...header(p),
    verdict: r.kind,
    signal: r.signal,
    mode: r.mode,
    executions: r.executions,
    states: r.states,
    merged: r.merged,
    exhausted: r.kind === "not-found" && r.exhausted,
    bound: r.kind === "not-found" ? r.bound : m.kind === "dpor" ? (m.preemptionBound ?? null) : null,
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
  };
}
