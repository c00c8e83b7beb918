/**
 * Schedules as verdicts: the header a found run's schedule carries (what its
 * verdict depends on beyond the run), the `kprim replay` command for it, and
 * `replaySchedule` — a schedule string run again, choice for choice, on a
 * fresh machine, under the model it was recorded with; a livelock's with the
 * cycle watch, so it ends where its cycle closes again.
 *
 * Deterministic: a schedule replays to the same run.
 */
import {
  checkHeader,
  type DispatchModel,
  parseSchedule,
  replay,
  ReplayDivergence,
  type RunResult,
  type Schedule,
  type ScheduleHeader,
} from "@kprim/machine";
import { CycleWatch, LIVELOCK } from "./cycles.js";
import { runOnce } from "./driver.js";
import type { MachineFactory } from "./factory.js";
import { formatSignal, type Signal } from "./signal.js";

/** The signal a livelock is judged by. */
export const LIVELOCK_SIGNAL: Signal = { kind: "violation", detector: LIVELOCK };

/** Does a schedule's header say it was judged by watching cycles (a livelock)? */
export function watchesCycles(header: ScheduleHeader): boolean {
  return header.signal === `violation:${LIVELOCK}` || header.signal === LIVELOCK;
}

/**
 * A run's schedule header with what its verdict depends on beyond the run:
 * the target (when it is not "failure"), and the step limit when the run
 * ended at it (`stepLimit`: that limit, or null) — so that the schedule
 * string alone replays to the same verdict.
 */
export function judgedHeader(header: ScheduleHeader, target: Signal, stepLimit: number | null): ScheduleHeader {
  const signal = formatSignal(target);
  return {
    ...header,
    ...(signal !== "failure" ? { signal } : {}),
    ...(stepLimit !== null ? { maxSteps: stepLimit } : {}),
  };
}

/**
 * `kprim replay <scenario> --schedule '<schedule>'`, or null for a machine
 * built by hand (no scenario name): replay that one with `replaySchedule`.
 */
export function replayCommand(header: ScheduleHeader, schedule: string): string | null {
  return header.scenario === "" ? null : `kprim replay ${header.scenario} --schedule '${schedule}'`;
}

/**
 * Replay a schedule (a string or parsed) on a fresh machine, choice for
 * choice: a header that differs from `expect` is a ScheduleError, a choice
 * that is not enabled (or a run that outlasts or falls short of the
 * schedule) a ReplayDivergence naming the step, the expected choice and
 * what was enabled. A schedule that ended at its step limit carries it
 * (`header.maxSteps`) and stops there again. The result's schedule is the
 * one given (its run fields too), so it formats to the same string.
 *
 * The machine runs the model the schedule was recorded with (`dispatch`,
 * from its format: kprim1 and kprim2 strings the same-step dispatch; the
 * factory must pass the request on). An old string that diverges under
 * the same-step model is replayed under the separate one: main printed
 * kprim2 strings with the separate dispatch for a while before kprim3
 * existed. Such a replay's schedule formats as the kprim3 string of the
 * same choices.
 */
export function replaySchedule(
  factory: MachineFactory,
  schedule: string | Schedule,
  opts: {
    readonly expect?: ScheduleHeader;
    readonly trace?: boolean;
    readonly maxSteps?: number;
    /** The machine model, overriding the schedule's. */
    readonly dispatch?: DispatchModel;
  } = {},
): RunResult {
  const s = typeof schedule === "string" ? parseSchedule(schedule) : schedule;
  if (opts.expect) checkHeader(opts.expect, s.header);
  const dispatch = opts.dispatch ?? s.header.dispatch ?? "separate";
  try {
    return replayUnder(factory, s, opts, dispatch);
  } catch (e) {
    if (opts.dispatch !== undefined || dispatch !== "same-step" || !(e instanceof ReplayDivergence)) throw e;
    try {
      return replayUnder(factory, s, opts, "separate");
    } catch {
      throw e; // the model the format names: its divergence is the one to report
    }
  }
}

function replayUnder(
  factory: MachineFactory,
  s: Schedule,
  opts: { readonly trace?: boolean; readonly maxSteps?: number },
  dispatch: DispatchModel,
): RunResult {
  const { result } = runOnce(factory, {
    strategy: replay(s.choices),
    // A livelock's schedule ends where its cycle closes: watched again, it ends there again.
    ...(watchesCycles(s.header) ? { cycles: new CycleWatch("report") } : {}),
    // One more than the schedule: a run that ends on its own ends there; one
    // that ended at its step limit stops at the same step.
    maxSteps: opts.maxSteps ?? s.header.maxSteps ?? s.choices.length + 1,
    dispatch,
    ...(opts.trace !== undefined ? { trace: opts.trace } : {}),
  });
  // The replayed run's schedule is the one given, run fields included (the machine knows none).
  const { signal, maxSteps } = s.header;
  if (signal === undefined && maxSteps === undefined) return result;
  const header = {
    ...result.schedule.header,
    ...(signal !== undefined ? { signal } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
  };
  return { ...result, schedule: { ...result.schedule, header } };
}
