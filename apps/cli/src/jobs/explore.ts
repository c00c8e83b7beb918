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
  DEFAULT_AUTO_BUDGET,
  exploreAuto,
  type Phase,
  type Mode,
  parseSignal,
  type SamplingMode,
  type AutoResult,
} from "@kprim/explore";
import { nearest } from "@kprim/machine";
import { runLabel, variantMatters } from "@kprim/scenarios";
import { UsageError } from "../errors.js";
import { performance } from "node:perf_hooks";
import { now, type Timeline, wantTimeline, writeTimeline } from "../queue/timeline.js";
import { parseQueueUrl } from "../queue/url.js";
import { exploreReport } from "./exploreReport.js";
import { type PartDocument, shardPart } from "./shard.js";
import type { ExploreJob } from "./requests.js";
import type { JobContext } from "./context.js";
import type { ExploreReport } from "./reports.js";
import { EXPLORE_STRATEGIES } from "./strategies.js";

export const DEFAULT_SAMPLES = 1000;
export const DEFAULT_DPOR_BUDGET = 100_000;
export const DEFAULT_STATE_BUDGET = 1_000_000;

/** What to run: an explore() mode, or null for the default burst-then-DPOR (exploreAuto). */
export function mode(ctx: JobContext, job: ExploreJob): { mode: Mode | null; budget: number } {
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

export async function exploreJob(ctx: JobContext, job: ExploreJob): Promise<ExploreReport | PartDocument> {
  const signal = parseSignal(job.signal);
  const { mode: m, budget } = mode(ctx, job);
  if (job.all === true && m === null) {
    throw new UsageError(
      "--all needs a strategy that can go on after a finding: dpor, stateful, random, pct or a plugin's",
    );
  }
  if (job.queue !== undefined && job.workers > 1) {
    throw new UsageError("--workers is for threads of one process; with --queue, start more `kprim worker`s");
  }
  if (job.shard !== undefined && job.queue !== undefined) {
    throw new UsageError("--shard cuts a search for batch engines with no queue; with --queue, drop --shard");
  }
  if (job.shard !== undefined && job.workers > 1) {
    throw new UsageError("--shard runs one part on one thread; drop --workers (run more parts instead)");
  }
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
    ...(job.all === true ? { stopOnFound: false } : {}),
  };
  if (job.shard !== undefined) return shardPart(ctx, p, job, m, opts);
  // The variant is named only when the scenario depends on it, as in the report's header.
  const what = variantMatters(p) ? `${p.scenario.name} under ${runLabel(p)}` : p.scenario.name;
  ctx.started(`${what}${job.queue !== undefined ? " (queue)" : ""}`, budget);
  let r: ExploreResult;
  let phases: readonly Phase[] | null = null;
  let lost: string | null = null;
  // Measuring (KPRIM_TIMELINE): when the search started and ended, on the queue its jobs' times.
  const timeline = wantTimeline();
  const asked = now();
  let times: Timeline = { start: asked, jobs: [] };
  if (job.queue !== undefined) {
    // BullMQ is loaded only here and by kprim worker.
    const { exploreQueued } = await import("../queue/submit.js");
    // Slices redone up to a budget count twice in the workers' totals: the bar stops at the budget.
    const onExecution = (n: number): void => ctx.progress(Math.min(n, budget));
    const q = await exploreQueued(ctx, p, job, m, stateful ? opts : { ...opts, onExecution });
    r = q.result;
    lost = q.lost;
    if (q.timeline !== null) times = q.timeline;
    phases = "phases" in r ? (r as AutoResult).phases : null;
  } else if (m === null) {
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
      ...(job.all === true ? { stopOnFound: false } : {}),
      // Every worker's runs, as they finish.
      onExecution: (n: number) => ctx.progress(n),
    });
    ctx.progress(r.executions);
  } else {
    r = explore(ctx.factory(p), { ...opts, mode: m });
  }
  if (timeline !== null) {
    writeTimeline(timeline, { born: performance.timeOrigin, asked, ...times, end: times.end ?? now() });
  }
  const report = exploreReport(ctx, p, job, r, phases, m);
  return {
    ...report,
    stopped: lost !== null ? "queue-lost" : report.stopped,
    lost,
    distributed: job.queue !== undefined ? { queue: parseQueueUrl(job.queue).shown } : null,
  };
}
