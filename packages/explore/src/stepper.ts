/**
 * Stepping a run by hand, as a teacher shows it: the enabled choices at
 * this step, each with the op it would do ("cpu0: step T_w (spin_unlock
 * L)"); take one; go back one; the schedule so far; and, once the run ends,
 * its result (traced) and the schedule that replays it. The stepping API
 * behind `kprim run --interactive`, and what a browser playground can drive:
 * synchronous, no I/O, nothing kept between calls but the choices taken.
 *
 * How: every state is a fresh machine from the factory that replays the
 * choices taken so far and stops when asked for the next one (a strategy
 * that throws a private signal there, after noting the enabled choices and
 * how the view describes each). So each call costs one run up to the step —
 * nothing for the few hundred steps a person takes — and going back is
 * dropping the last choice. The machine is built with the trace on and a
 * detector that keeps the last step's events, to show what it did; the
 * paused machine itself is the state's read-only `view`.
 */
import {
  type Choice,
  choiceCpu,
  type Detector,
  formatChoice,
  formatSchedule,
  type MachineView,
  ReplayDivergence,
  type RunResult,
  type ScheduleHeader,
  type Strategy,
  type ThreadInfo,
  type TraceEvent,
} from "@kprim/machine";
import { ExploreConfigError } from "./errors.js";
import type { MachineFactory } from "./factory.js";

/** One enabled choice. */
export interface StepOption {
  readonly choice: Choice;
  /** As in schedule strings: "0s", "1i0", ... */
  readonly token: string;
  readonly cpu: number;
  /** What it would do, as the machine describes it: "cpu0: step T_w (spin_unlock L)". */
  readonly text: string;
}

export interface StepState {
  /** Steps taken. */
  readonly step: number;
  readonly taken: readonly Choice[];
  /** The enabled choices, in the machine's order ([] once the run ended). */
  readonly options: readonly StepOption[];
  /** The schedule so far (the whole run's, once it ended). */
  readonly schedule: string;
  /** The events of the last step taken ([] before the first). */
  readonly last: readonly TraceEvent[];
  readonly threads: readonly ThreadInfo[];
  /** The run's result once it ended (with its trace), else null. */
  readonly result: RunResult | null;
  /**
   * The machine as it stands at this step (or at the end), read-only: its cpus,
   * threads, cells (`peek`) and layer state (`peekExt`), for a display of the
   * state. Each state has a paused machine of its own; never step it.
   */
  readonly view: MachineView;
}

export interface StepperOptions {
  /** Choices to take first (a schedule's). */
  readonly prefix?: readonly Choice[];
  /** A run that takes this many steps ends with step-limit (default 10,000). */
  readonly maxSteps?: number;
}

const PAUSED: unique symbol = Symbol("paused");

export class Stepper {
  private readonly taken: Choice[];
  private readonly maxSteps: number;
  private cached: StepState | null = null;
  private header: ScheduleHeader | null = null;

  constructor(
    private readonly factory: MachineFactory,
    opts: StepperOptions = {},
  ) {
    this.taken = [...(opts.prefix ?? [])];
    this.maxSteps = opts.maxSteps ?? 10_000;
  }

  /** The current state (computed once per change). */
  get state(): StepState {
    this.cached ??= this.compute();
    return this.cached;
  }

  /** Take the enabled choice at `index` (0-based, as in `state.options`). */
  take(index: number): StepState {
    const st = this.state;
    const option = st.options[index];
    if (!Number.isInteger(index) || option === undefined) {
      throw new ExploreConfigError(
        st.result !== null
          ? `the run has ended (${st.step} steps): there is no choice to take`
          : `choice ${index + 1} is not offered: ${st.options.length} choices at step ${st.step + 1}`,
      );
    }
    this.taken.push(option.choice);
    this.cached = null;
    return this.state;
  }

  /** Undo the last step (nothing to undo at step 0). */
  back(): StepState {
    if (this.taken.length !== 0) {
      this.taken.pop();
      this.cached = null;
    }
    return this.state;
  }

  private compute(): StepState {
    const taken = [...this.taken];
    let options: StepOption[] | null = null;
    let last: readonly TraceEvent[] = [];
    let paused: MachineView | null = null;
    const strategy: Strategy = {
      name: "stepper",
      choose(enabled, view) {
        if (view.step < taken.length) {
          const i = enabled.indexOf(taken[view.step]!);
          if (i < 0)
            throw new ReplayDivergence(view.step + 1, formatChoice(taken[view.step]!), enabled.map(formatChoice));
          return i;
        }
        options = enabled.map((choice) => ({
          choice,
          token: formatChoice(choice),
          cpu: choiceCpu(choice),
          text: view.describeChoice(choice),
        }));
        paused = view;
        throw PAUSED;
      },
    };
    const lastStep: Detector = {
      name: "stepper:last-step",
      stateKey: () => "",
      onStep(rec) {
        if (rec.index === taken.length) last = rec.events;
      },
    };
    const m = this.factory({ strategy, maxSteps: this.maxSteps, trace: true, detectors: [lastStep] });
    const threads = m.threads.map((t) => ({ id: t.id, name: t.name, cpu: t.cpu, kind: t.kind, pri: t.pri }));
    let result: RunResult | null = null;
    try {
      result = m.run();
    } catch (e) {
      if (e !== PAUSED) throw e;
    }
    if (result !== null) {
      if (result.steps < taken.length) {
        throw new ReplayDivergence(result.steps + 1, formatChoice(taken[result.steps]!), []);
      }
      this.header = result.schedule.header;
      return {
        step: result.steps,
        taken,
        options: [],
        schedule: formatSchedule(result.schedule),
        last,
        threads: result.threads,
        result,
        view: m,
      };
    }
    return {
      step: taken.length,
      taken,
      options: options ?? [],
      schedule: formatSchedule({ header: this.headerOf(), choices: taken }),
      last,
      threads,
      result: null,
      view: paused ?? m,
    };
  }

  /** The factory's schedule header: that of a run stopped before its first step. */
  private headerOf(): ScheduleHeader {
    if (this.header === null) {
      const never: Strategy = {
        name: "stepper:header",
        choose() {
          throw new Error("unreachable: a run of 0 steps chooses nothing");
        },
      };
      this.header = this.factory({ strategy: never, maxSteps: 0 }).run().schedule.header;
    }
    return this.header;
  }
}
