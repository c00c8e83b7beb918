/**
 * The report of an exploration's result — a local one, a queue's, static
 * shards merged — in one form: what ran, the verdict and counts, and for a
 * finding its schedule, shrunk schedule, replay handle, trail and trace
 * (the shrunk counterexample replayed once more).
 */
import { type ExploreResult, matchSignal, type Mode, parseSignal, type Phase, replaySchedule } from "@kprim/explore";
import { describeOutcome } from "@kprim/machine";
import type { Prepared } from "@kprim/scenarios";
import type { JobContext } from "./context.js";
import { header } from "./header.js";
import type { ExploreReport } from "./reports.js";
import type { ExploreJob, RunSpec } from "./requests.js";
import { exportTrace, traceSettings } from "./run.js";

export function exploreReport(
  ctx: JobContext,
  p: Prepared,
  job: Pick<ExploreJob, "signal" | "trace"> & { readonly spec?: RunSpec },
  r: ExploreResult,
  phases: readonly Phase[] | null,
  m: Mode | null,
): ExploreReport {
  const signal = parseSignal(job.signal);
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
    inconclusive:
      r.inconclusive === null
        ? null
        : {
            count: r.inconclusive.count,
            message: r.inconclusive.message,
            loop: r.inconclusive.loop,
            starved: r.inconclusive.starved,
            replay: ctx.replayCommand(p.scenario.name, r.inconclusive.schedule),
          },
    stopped: r.stopped ? ctx.stopRequested() : null,
    failure: f ? f.failure : null,
    failureKind: f ? f.failureKind : null,
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
