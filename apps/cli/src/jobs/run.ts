/**
 * `run` and `replay`: one machine, one schedule. `run` picks its schedule
 * with a strategy (random, PCT, timed, round-robin, or a plugin's); `replay`
 * follows a schedule string choice for choice, with the scenario, variant,
 * options and parameters of its header.
 */
import {
  checkSignal,
  describeInconclusive,
  estimateSteps,
  judgedHeader,
  matchSignal,
  parseSignal,
  pct,
  replaySchedule,
} from "@kprim/explore";
import {
  assertDeclared,
  describeOutcome,
  formatSchedule,
  nearest,
  parseSchedule,
  random,
  roundRobin,
  type RunResult,
  ScheduleError,
  type Strategy,
  timed,
} from "@kprim/machine";
import { describeRun, type Prepared } from "@kprim/scenarios";
import { documentFromRun, type RunSetting, toChromeTraceJson, toHtml, toText } from "@kprim/trace";
import { UsageError } from "../errors.js";
import type { ReplayJob, RunJob, RunSpec, TraceFormat } from "./requests.js";
import type { JobContext } from "./context.js";
import { header } from "./header.js";
import type { RunInconclusive, RunReport } from "./reports.js";
import { RUN_STRATEGIES } from "./strategies.js";

/** Prepare a run, taking `--cpus` as the scenario's `cpus` parameter when it has one. */
export function prepareRun(ctx: JobContext, spec: RunSpec, cpus: number | undefined): Prepared {
  if (cpus === undefined) return ctx.prepare(spec);
  const first = ctx.prepare(spec);
  if ("cpus" in first.scenario.params) {
    if (spec.params["cpus"] !== undefined && spec.params["cpus"] !== String(cpus)) {
      throw new UsageError(`--cpus ${cpus} and --param cpus=${spec.params["cpus"]} disagree`);
    }
    return ctx.prepare({ ...spec, params: { ...spec.params, cpus: String(cpus) } });
  }
  if (first.cpus !== cpus) {
    const names = Object.keys(first.scenario.params);
    throw new UsageError(
      `scenario ${first.scenario.name} runs on ${first.cpus} cpus${names.length ? ` for these parameters (${names.join(", ")})` : ""}; it has no cpus parameter`,
    );
  }
  return first;
}

function makeStrategy(
  ctx: JobContext,
  p: Prepared,
  job: RunJob,
): { strategy: Strategy; label: string; jitter: boolean } {
  switch (job.strategy) {
    case "random":
      return { strategy: random({ seed: job.seed }), label: `random(seed=${job.seed})`, jitter: false };
    case "pct": {
      const steps = estimateSteps(ctx.factory(p), job.maxSteps);
      return {
        strategy: pct({ seed: job.seed, depth: job.depth, steps }),
        label: `pct(seed=${job.seed}, d=${job.depth}, steps=${steps})`,
        jitter: false,
      };
    }
    case "timed":
      return { strategy: timed(), label: `timed(jitter seed=${job.seed})`, jitter: true };
    case "rr":
      return { strategy: roundRobin(), label: "round-robin", jitter: false };
    default: {
      const plugin = ctx.registry.strategy(job.strategy);
      if (plugin === undefined) {
        const names = [...RUN_STRATEGIES, ...ctx.registry.strategies.map((s) => s.name)];
        const near = nearest(job.strategy, names);
        throw new UsageError(
          `unknown strategy "${job.strategy}"${near ? ` (did you mean "${near}"?)` : ""}; strategies: ${names.join(", ")}`,
        );
      }
      return { strategy: plugin({ seed: job.seed }), label: `${job.strategy}(seed=${job.seed})`, jitter: false };
    }
  }
}

/** What a trace header says about a run: the run itself (describeRun), then the signal and the strategy. */
export function traceSettings(p: Prepared, signalText: string, strategy: string): RunSetting[] {
  return [...describeRun(p), { name: "signal", value: signalText }, { name: "strategy", value: strategy }];
}

export function exportTrace(
  r: RunResult,
  format: TraceFormat,
  meta: {
    scenario: string;
    /** The variant as run (the header's label), for titles. */
    variant: string;
    replay: string;
    settings?: readonly RunSetting[];
    /** The console text the signal looks for: its line is the failure point of a run that ended ok. */
    console?: string | undefined;
  },
): string {
  const doc = documentFromRun(r, {
    scenario: meta.scenario,
    variant: meta.variant,
    replayCommand: meta.replay,
    ...(meta.settings !== undefined ? { settings: meta.settings } : {}),
    console: meta.console,
  });
  switch (format) {
    case "text":
      return toText(doc);
    case "json":
      return `${JSON.stringify(doc, null, 1)}\n`;
    case "perfetto":
      return toChromeTraceJson(doc);
    case "html":
      return toHtml(doc);
    default: {
      const never: never = format;
      throw new UsageError(`unknown trace format ${String(never)}`);
    }
  }
}

/**
 * A run that reached the step limit without showing the signal proves nothing
 * either way (exit 3, as `explore` and `compare` say "inconclusive"): described
 * from its choices — the loop, the threads that never ran, the hint. Null for
 * a run that ended, or whose step limit is its target (`--signal step-limit`).
 */
export function inconclusiveRun(
  ctx: JobContext,
  p: Prepared,
  r: RunResult,
  found: boolean,
  maxSteps: number,
): RunInconclusive | null {
  if (found || r.outcome.kind !== "step-limit") return null;
  const d = describeInconclusive(ctx.factory(p), r.schedule.choices, r.schedule.header, maxSteps, 1);
  return { message: d.message, loop: d.loop, starved: d.starved };
}

function report(
  ctx: JobContext,
  p: Prepared,
  r: RunResult,
  run: { strategy: string; signal: string; maxSteps: number; trace: TraceFormat | undefined; spec?: RunSpec },
): RunReport {
  const { strategy, trace, spec } = run;
  const signalText = run.signal;
  const signal = parseSignal(signalText);
  assertDeclared(p.raises, r.outcome, r.console, p.scenario.name);
  // The schedule carries what the verdict depends on beyond the run (the signal, a step limit it ended at).
  const judged = judgedHeader(r.schedule.header, signal, r.outcome.kind === "step-limit" ? run.maxSteps : null);
  const schedule = formatSchedule({ header: judged, choices: r.schedule.choices });
  const replay = ctx.replayCommand(p.scenario.name, schedule);
  const h = header(p, spec);
  const found = matchSignal(signal, r.outcome, r.console);
  const outcomeText = describeOutcome(r.outcome);
  return {
    ...h,
    strategy,
    signal: signalText,
    outcome: r.outcome,
    outcomeText,
    found,
    console: r.console,
    counters: r.counters.total,
    steps: r.steps,
    makespan: r.makespan,
    schedule,
    replay,
    inconclusive: inconclusiveRun(ctx, p, r, found, run.maxSteps),
    trace: trace
      ? {
          format: trace,
          content: exportTrace(r, trace, {
            ...h,
            // The variant as run (SPIN+TI:spin-naive for SPIN+TI with --interlock spin-naive).
            variant: h.label,
            replay,
            settings: traceSettings(p, signalText, strategy),
            console: signal.kind === "console" ? signal.text : undefined,
          }),
        }
      : null,
    trail: ctx.trail(p.scenario.name, schedule, { signal: signalText, found, outcome: outcomeText }),
  };
}

export function runJob(ctx: JobContext, job: RunJob): RunReport {
  const signal = parseSignal(job.signal);
  const p = prepareRun(ctx, job.spec, job.cpus);
  checkSignal(signal, p.raises);
  const { strategy, label, jitter } = makeStrategy(ctx, p, job);
  const m = ctx.machine(p, {
    strategy,
    maxSteps: job.maxSteps,
    trace: job.trace !== undefined,
    ...(jitter ? { jitter: { seed: job.seed, amount: 0.1 } } : {}),
  });
  return report(ctx, p, m.run(), {
    strategy: label,
    signal: job.signal,
    maxSteps: job.maxSteps,
    trace: job.trace,
    spec: job.spec,
  });
}

export function replayJob(ctx: JobContext, job: ReplayJob): RunReport {
  if (job.signal !== null) parseSignal(job.signal);
  const s = parseSchedule(job.schedule);
  if (s.header.scenario === "") {
    throw new ScheduleError(
      "the schedule has no scenario name: it comes from a machine built by hand; replay it with replaySchedule(factory, schedule) of @kprim/explore",
    );
  }
  if (job.scenario !== null && s.header.scenario !== job.scenario) {
    throw new ScheduleError(`the schedule is for scenario "${s.header.scenario}", not "${job.scenario}"`);
  }
  // The schedule's own signal judges the replay, unless --signal says otherwise.
  const signal = job.signal ?? s.header.signal ?? "failure";
  const p = ctx.prepareFromHeader(s.header);
  checkSignal(parseSignal(signal), p.raises);
  const r = replaySchedule(ctx.factory(p), s, { expect: p.header, trace: job.trace !== undefined });
  return report(ctx, p, r, {
    strategy: "replay",
    signal,
    maxSteps: s.header.maxSteps ?? s.choices.length + 1,
    trace: job.trace,
  });
}
