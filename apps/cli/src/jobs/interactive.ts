/**
 * `run --interactive`, the worker's side: a Stepper (@kprim/explore) over
 * the scenario, one `state` message per step, each answered by the main
 * thread with a command (take a choice, go back, end). The job ends when the
 * run ends or the person stops; its report is the outcome and replay handle
 * of a finished run, or the schedule so far of an unfinished one.
 */
import { checkSignal, judgedHeader, matchSignal, parseSignal, Stepper, type StepState } from "@kprim/explore";
import { assertDeclared, describeOutcome, formatSchedule, parseSchedule, ScheduleError } from "@kprim/machine";
import { type Prepared, runLabel, variantMatters } from "@kprim/scenarios";
import type { JobContext } from "./context.js";
import { header } from "./header.js";
import type { RunInconclusive } from "./reports.js";
import type { InteractiveJob, SessionCommand } from "./requests.js";
import type { Trail } from "./trail.js";
import { exportTrace, inconclusiveRun, prepareRun, traceSettings } from "./run.js";

/** What the main thread shows at each step. */
export interface SessionState {
  readonly scenario: string;
  /** The variant as run, as every header names it (SPIN+TI:spin-naive); null when the scenario depends on none of a variant's options. */
  readonly variant: string | null;
  readonly step: number;
  readonly schedule: string;
  readonly options: readonly { readonly token: string; readonly text: string }[];
  /** The last step's events, one line each: thread, kind, object, detail. */
  readonly did: readonly string[];
  /** Whether the last command went back. */
  readonly back: boolean;
  /** Choices on the command line that change nothing for this scenario, in words (as a run's header notes them). */
  readonly notes: readonly string[];
}

export interface InteractiveReport {
  readonly scenario: string;
  readonly step: number;
  readonly schedule: string;
  /** The run ended (else the person stopped: `stopped` says how). */
  readonly ended: boolean;
  readonly stopped: string | null;
  /** The last step's events (see SessionState.did). */
  readonly did: readonly string[];
  readonly outcomeText: string | null;
  /** The outcome (and console) show the signal: exit 1. */
  readonly found: boolean;
  /** The run reached the step limit without showing the signal: inconclusive (exit 3), as `run` says. */
  readonly inconclusive: RunInconclusive | null;
  /** A finished run's replay handle; an unfinished one's command to go on. */
  readonly replay: string | null;
  readonly resume: string | null;
  readonly trace: { readonly format: string; readonly content: string } | null;
  /** A finished run's trail (what --save-trail writes), else null. */
  readonly trail: Trail | null;
}

export function interactiveJob(ctx: JobContext, job: InteractiveJob): Promise<InteractiveReport> {
  const signal = parseSignal(job.signal);
  // --from: the schedule's header says what to run, its choices are taken first.
  const from = job.from === undefined ? undefined : parseSchedule(job.from);
  if (from !== undefined && from.header.scenario !== job.spec.scenario) {
    throw new ScheduleError(`the schedule is for scenario "${from.header.scenario}", not "${job.spec.scenario}"`);
  }
  const p: Prepared = from !== undefined ? ctx.prepareFromHeader(from.header) : prepareRun(ctx, job.spec, job.cpus);
  // A target nothing in the run can raise is refused before the first step.
  checkSignal(signal, p.raises);
  // The strategy is unwatched: it waits for a person (bodies stay watched).
  const stepper = new Stepper(ctx.factory(p, false), {
    maxSteps: job.maxSteps,
    ...(from !== undefined ? { prefix: from.choices } : {}),
  });
  const variant = runLabel(p);
  const shownVariant = variantMatters(p) ? variant : null;
  const notes = from === undefined ? header(p, job.spec).notes : [];
  const did = (st: StepState): string[] => {
    const name = (id: number): string =>
      id < 0 ? "(no thread)" : (st.threads.find((t) => t.id === id)?.name ?? `thread${id}`);
    // What the text trace says of each event, without its step, cycle and cpu columns.
    return st.last.map((e) => [name(e.thread), e.kind, e.obj, e.detail].filter((x) => x !== undefined).join(" "));
  };
  const post = (st: StepState, back: boolean): void => {
    const data: SessionState = {
      scenario: p.scenario.name,
      variant: shownVariant,
      step: st.step,
      schedule: st.schedule,
      options: st.options.map((o) => ({ token: o.token, text: o.text })),
      did: did(st),
      back,
      notes,
    };
    ctx.host.showState(data);
  };
  const report = (st: StepState, stopped: string | null): InteractiveReport => {
    const r = st.result;
    if (r !== null) assertDeclared(p.raises, r.outcome, r.console, p.scenario.name);
    // A finished run's schedule carries what its verdict depends on (the signal, a step limit it ended at).
    const schedule =
      r === null
        ? st.schedule
        : formatSchedule({
            header: judgedHeader(r.schedule.header, signal, r.outcome.kind === "step-limit" ? job.maxSteps : null),
            choices: r.schedule.choices,
          });
    const replay = r !== null ? ctx.replayCommand(p.scenario.name, schedule) : null;
    const outcomeText = r !== null ? describeOutcome(r.outcome) : null;
    const found = r !== null && matchSignal(signal, r.outcome, r.console);
    return {
      scenario: p.scenario.name,
      step: st.step,
      schedule,
      ended: r !== null,
      stopped,
      did: r !== null ? did(st) : [],
      outcomeText,
      found,
      inconclusive: r !== null ? inconclusiveRun(ctx, p, r, found, job.maxSteps) : null,
      replay,
      resume: r === null ? `kprim run ${p.scenario.name} --interactive --from '${st.schedule}'` : null,
      trace:
        r !== null && job.trace !== undefined
          ? {
              format: job.trace,
              content: exportTrace(r, job.trace, {
                scenario: p.scenario.name,
                variant,
                replay: replay!,
                settings: traceSettings(p, job.signal, "interactive"),
                console: signal.kind === "console" ? signal.text : undefined,
              }),
            }
          : null,
      trail:
        r !== null ? ctx.trail(p.scenario.name, schedule, { signal: job.signal, found, outcome: outcomeText! }) : null,
    };
  };
  const first = stepper.state;
  if (first.result !== null) return Promise.resolve(report(first, null));
  return new Promise((resolve, reject) => {
    const stop = ctx.host.onCommand((cmd: SessionCommand): void => {
      try {
        if (cmd.kind === "end") {
          stop();
          resolve(report(stepper.state, cmd.why));
          return;
        }
        const st = cmd.kind === "take" ? stepper.take(cmd.index) : stepper.back();
        if (st.result !== null) {
          stop();
          resolve(report(st, null));
          return;
        }
        post(st, cmd.kind === "back");
      } catch (e) {
        stop();
        reject(e);
      }
    });
    post(first, false);
  });
}
