/**
 * A step session: one prepared catalogue run, stepped by hand with the
 * explorer's `Stepper`, optionally following a plan — a whole schedule
 * (from a link, a seeded run or an exploration's finding) whose traced run
 * the timeline shows, with its racy window and labels, while the cursor
 * walks through it. Taking a choice the plan does not take leaves the plan;
 * the timeline then shows the run so far, and the whole run once it ends.
 *
 * A whole run's schedule is a kprim2 schedule judged by the session's
 * signal: its header carries the signal (unless "failure") and the step
 * limit when the run ended at it (explore's `judgedHeader`), so a link or
 * the replay command reproduces the same verdict on its own. A schedule
 * opened from a link is judged by the signal its header carries.
 *
 * No DOM here: the page (ui/) renders what a session says. Deterministic:
 * the same schedule gives the same states, documents and links.
 */
import {
  checkSignal,
  estimateSteps,
  judgedHeader,
  type MachineFactory,
  matchSignal,
  parseSignal,
  pct,
  replayCommand,
  replaySchedule,
  type Signal,
  Stepper,
  type StepState,
  withPrefix,
} from "@kprim/explore";
import {
  assertDeclared,
  type Choice,
  describeOutcome,
  formatSchedule,
  parseSchedule,
  random,
  ReplayDivergence,
  type RunResult,
  type Strategy,
  type TraceEvent,
} from "@kprim/machine";
import { describeRun, type Prepared, prepare, prepareFromHeader, runLabel, scenarioFactory } from "@kprim/scenarios";
import { documentFromRun, type RunSetting, type TraceDocument } from "@kprim/trace";
import type { UrlState } from "./url.js";

/** What to run: a catalogue scenario under a variant, with options and parameters. */
export interface RunSpec {
  readonly scenario: string;
  readonly variant: string;
  readonly options: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
}

/** A whole schedule the session follows, and its traced run. */
interface Plan {
  readonly choices: readonly Choice[];
  /** The traced run; its schedule's header is judged (signal, step limit). */
  readonly result: RunResult;
  /** Where it came from: "link", "random(seed=3)", "dpor (shrunk)", … */
  readonly how: string;
}

/** Steps a run may take before it ends with step-limit. */
export const MAX_STEPS = 10_000;

export class Session {
  readonly prepared: Prepared;
  readonly factory: MachineFactory;
  private readonly target: Signal;
  private stepper: Stepper;
  private plan: Plan | null = null;
  /** The run so far when no plan covers it (computed on demand, per step). */
  private partial: { step: number; result: RunResult } | null = null;
  /** The document of the whole run, once made. */
  private wholeDoc: { run: RunResult; doc: TraceDocument } | null = null;
  /** The stepped run once it ended, with its schedule judged. */
  private stepped: { run: RunResult; judged: RunResult } | null = null;

  constructor(
    prepared: Prepared,
    /** What counts as found (matrix.json grammar). */
    readonly signal: string,
  ) {
    this.target = parseSignal(signal);
    // A target nothing in the run can raise is refused (did you mean …), as the CLI does.
    checkSignal(this.target, prepared.raises);
    this.prepared = prepared;
    this.factory = scenarioFactory(prepared);
    this.stepper = new Stepper(this.factory, { maxSteps: MAX_STEPS });
  }

  static fromSpec(spec: RunSpec, signal: string): Session {
    return new Session(
      prepare({ scenario: spec.scenario, variant: spec.variant, options: spec.options, params: spec.params }),
      signal,
    );
  }

  /**
   * A session following a schedule string from its header's run, at step `at`
   * (clamped to the run). The header's signal, when it carries one, wins over
   * `signal`; a step limit it carries is where the replay stops.
   */
  static fromSchedule(text: string, signal: string, at = 0, how = "link"): Session {
    const s = parseSchedule(text);
    const session = new Session(prepareFromHeader(s.header), s.header.signal ?? signal);
    session.follow(s.choices, how, at, s.header.maxSteps);
    return session;
  }

  get state(): StepState {
    return this.stepper.state;
  }

  get step(): number {
    return this.state.step;
  }

  /** The steps of the plan's run (null without a plan). */
  get planLength(): number | null {
    return this.plan === null ? null : this.plan.result.steps;
  }

  get planHow(): string | null {
    return this.plan?.how ?? null;
  }

  /** The choice the plan takes next, if following one and not at its end. */
  plannedChoice(): Choice | undefined {
    return this.plan?.choices[this.step];
  }

  /**
   * Follow `choices`, standing at step `at`: a whole run's become the plan; the
   * first steps of a run that goes on (a link to an unfinished session) are
   * taken as steps, with no plan. `stepLimit`: the limit the run ended at, if
   * it did (a schedule header's `maxSteps`). Throws if they do not replay.
   */
  follow(choices: readonly Choice[], how: string, at = 0, stepLimit?: number): void {
    // A run that ends at its step limit replays to the same limit (a schedule without one: MAX_STEPS).
    const limit = stepLimit ?? (choices.length >= MAX_STEPS ? choices.length : undefined);
    let result: RunResult | null = null;
    try {
      result = replaySchedule(
        this.factory,
        { header: judgedHeader(this.prepared.header, this.target, limit ?? null), choices },
        { trace: true },
      );
    } catch (e) {
      // Only "the run goes on past the schedule" makes a prefix; any other divergence is an error.
      if (!(e instanceof ReplayDivergence) || e.step !== choices.length + 1) throw e;
    }
    this.partial = null;
    if (result !== null) {
      // What the run shows must be something its layers declare (as every CLI run is checked).
      assertDeclared(this.prepared.raises, result.outcome, result.console, this.prepared.scenario.name);
      if (result.outcome.kind !== "step-limit" && limit !== undefined) {
        // A schedule that says it ended at its step limit but ended on its own there.
        result = {
          ...result,
          schedule: { ...result.schedule, header: judgedHeader(this.prepared.header, this.target, null) },
        };
      }
      this.plan = { choices: [...choices], result, how };
      this.goTo(at);
    } else {
      this.plan = null;
      this.stepper = new Stepper(this.factory, { maxSteps: MAX_STEPS, prefix: choices });
      this.goTo(at);
    }
  }

  /** Run once with a strategy (random or PCT, seeded) and follow that run from its start. */
  runWith(kind: "random" | "pct", seed: number, depth = 3): void {
    let strategy: Strategy;
    let how: string;
    if (kind === "random") {
      strategy = random({ seed });
      how = `random(seed=${seed})`;
    } else {
      const steps = estimateSteps(this.factory, MAX_STEPS);
      strategy = pct({ seed, depth, steps });
      how = `pct(seed=${seed}, d=${depth}, steps=${steps})`;
    }
    const r = this.factory({ strategy, maxSteps: MAX_STEPS }).run();
    this.follow(r.schedule.choices, how, 0, r.outcome.kind === "step-limit" ? MAX_STEPS : undefined);
  }

  /** Take enabled choice `index`; a choice off the plan leaves it. */
  take(index: number): StepState {
    const option = this.state.options[index];
    if (this.plan !== null && option !== undefined && option.choice !== this.plannedChoice()) this.plan = null;
    this.partial = null;
    return this.stepper.take(index);
  }

  /** One step forward: the plan's next choice, else the first enabled one. Null at the end. */
  next(): StepState | null {
    const st = this.state;
    if (st.options.length === 0) return null;
    const planned = this.plannedChoice();
    const i = planned === undefined ? 0 : st.options.findIndex((o) => o.choice === planned);
    return this.take(Math.max(i, 0));
  }

  back(): StepState {
    this.partial = null;
    return this.stepper.back();
  }

  /** Stand at step `at`: along the plan, or back along the steps taken (never past them). */
  goTo(at: number): StepState {
    const taken = this.plan !== null ? this.plan.choices : this.state.taken;
    const n = Math.max(0, Math.min(Math.trunc(at), taken.length));
    this.partial = null;
    this.stepper = new Stepper(this.factory, { maxSteps: MAX_STEPS, prefix: taken.slice(0, n) });
    return this.stepper.state;
  }

  /**
   * Step until the run ends: the plan's way, else the first enabled choice at
   * each step from here (in one run, which then becomes the plan).
   */
  toEnd(): StepState {
    if (this.plan === null) {
      if (this.state.result !== null) return this.state;
      const first: Strategy = { name: "first", choose: () => 0 };
      const r = this.factory({ strategy: withPrefix(this.state.taken, first), maxSteps: MAX_STEPS }).run();
      this.follow(
        r.schedule.choices,
        this.step === 0 ? "first choices" : `by hand to step ${this.step}, then first choices`,
        0,
        r.outcome.kind === "step-limit" ? MAX_STEPS : undefined,
      );
    }
    return this.goTo(this.plan!.choices.length);
  }

  /**
   * The whole run when it is known: the plan's, or the stepped run's once it
   * ended — its schedule's header judged (the signal, the step limit it ended at).
   */
  wholeRun(): RunResult | null {
    if (this.plan !== null) return this.plan.result;
    const r = this.state.result;
    if (r === null) return null;
    if (this.stepped?.run !== r) {
      assertDeclared(this.prepared.raises, r.outcome, r.console, this.prepared.scenario.name);
      const header = judgedHeader(r.schedule.header, this.target, r.outcome.kind === "step-limit" ? MAX_STEPS : null);
      this.stepped = { run: r, judged: { ...r, schedule: { ...r.schedule, header } } };
    }
    return this.stepped.judged;
  }

  /** The run as far as it is known, traced: the whole run, else the run up to this step. */
  private runSoFar(): RunResult {
    const whole = this.wholeRun();
    if (whole !== null) return whole;
    const step = this.step;
    if (this.partial === null || this.partial.step !== step) {
      const result = replaySchedule(
        this.factory,
        { header: this.prepared.header, choices: this.state.taken },
        { trace: true, maxSteps: step },
      );
      this.partial = { step, result };
    }
    return this.partial.result;
  }

  /** The events that have happened at this step (with step ≤ the current one). */
  eventsSoFar(): readonly TraceEvent[] {
    const events = this.runSoFar().trace ?? [];
    const step = this.step;
    let n = events.length;
    while (n > 0 && events[n - 1]!.step > step) n--;
    return n === events.length ? events : events.slice(0, n);
  }

  /** The schedule string of the whole run when known, else of the steps taken. */
  schedule(): string {
    const whole = this.wholeRun();
    return whole !== null ? formatSchedule(whole.schedule) : this.state.schedule;
  }

  /** What ran, line by line, as a trace header says it. */
  settings(): RunSetting[] {
    return [
      ...describeRun(this.prepared),
      { name: "signal", value: this.signal },
      { name: "strategy", value: this.plan?.how ?? "by hand" },
    ];
  }

  /** The variant as run, as every header names it (`SPIN+TI:spin-naive` for SPIN+TI with interlock=spin-naive). */
  variantName(): string {
    return runLabel(this.prepared);
  }

  /** The CLI command that replays the whole run (null until it is known). */
  replayCommand(): string | null {
    const whole = this.wholeRun();
    return whole === null ? null : replayCommand(this.prepared.header, formatSchedule(whole.schedule));
  }

  /** Did the whole run show the signal? (null until it is known) */
  found(): boolean | null {
    const whole = this.wholeRun();
    return whole === null ? null : matchSignal(this.target, whole.outcome, whole.console);
  }

  /** The outcome in words, once the whole run is known. */
  outcomeText(): string | null {
    const whole = this.wholeRun();
    return whole === null ? null : describeOutcome(whole.outcome);
  }

  /**
   * The trace document the timeline draws: the whole run with its racy window
   * and labels when known, else the run so far (no window, no failure yet).
   */
  document(): TraceDocument {
    const whole = this.wholeRun();
    const signal = this.target;
    const meta = {
      scenario: this.prepared.scenario.name,
      variant: this.variantName(),
      settings: this.settings(),
      replayCommand: this.replayCommand() ?? undefined,
      console: signal.kind === "console" ? signal.text : undefined,
    };
    if (whole !== null) {
      // The whole run's document is the same at every step: made once.
      if (this.wholeDoc?.run !== whole) this.wholeDoc = { run: whole, doc: documentFromRun(whole, meta) };
      return this.wholeDoc.doc;
    }
    const doc = documentFromRun(this.runSoFar(), { ...meta, window: null, labels: null });
    // The run has not ended: it is no step-limit failure, and has no failure point yet.
    const { failurePoint: _ignored, ...rest } = doc;
    return { ...rest, outcome: { kind: "ok" } };
  }

  /** The index in `doc.events` of the last event that has happened at this step (-1: none yet). */
  cursorIndex(doc: TraceDocument): number {
    const step = this.step;
    let at = -1;
    for (let i = 0; i < doc.events.length && doc.events[i]!.step <= step; i++) at = i;
    return at;
  }

  /** The address of this session: its run, the schedule and the step. */
  link(tab: UrlState["tab"] = "step"): UrlState {
    const h = this.prepared.header;
    return {
      scenario: h.scenario,
      variant: h.variant,
      options: h.options,
      params: h.params,
      signal: this.signal,
      schedule: this.schedule(),
      at: this.step,
      tab,
    };
  }
}
