/**
 * `explore(factory, options)`: run one exploration of a scenario factory and
 * report what it found. Modes:
 *
 *   random     { seed, runs }                seeded random schedules
 *   pct        { seed, runs, depth, steps? } PCT (steps estimated by one round-robin run)
 *   dfs        { preemptionBound? }          naive exhaustive DFS (complete within a bound)
 *   dpor       { preemptionBound? }          source-DPOR with sleep sets
 *   iterative  { reduction, maxBound }       bounds 0, 1, … maxBound until found or exhausted
 *
 * The target signal (matrix.json grammar, default "failure") decides which
 * execution counts as found; the first one is shrunk (keeping the signal and
 * its failure kind) and given as a schedule string and a replay command.
 * Not found: how many executions, whether the space was exhausted (only an
 * exhaustive mode with no execution at the step limit and nothing pruned by
 * a bound), the bound, and how many executions ended at a restart limit.
 * Both: outcome counts and every console text with the number of executions
 * that printed it, and the lock-order report when asked for.
 *
 * Deterministic: the same factory and options give the same result.
 */
import {
  type Choice,
  type Detector,
  formatSchedule,
  type OutcomeKind,
  roundRobin,
  type RunResult,
  type Machine,
  mergeRaises,
  type Vocabulary,
} from "@kprim/machine";
import { LIVELOCK } from "./cycles.js";
import { runOnce } from "./driver.js";
import { ExploreConfigError } from "./errors.js";
import { RESTART_LIMIT } from "./events.js";
import { type Reduction, search } from "./exhaustive/search.js";
import type { MachineFactory } from "./factory.js";
import { lockOrder, type LockOrderReport } from "./lockOrder.js";
import { Sampler, type SamplingMode } from "./sampling.js";
import { describeInconclusive, type Inconclusive } from "./inconclusive.js";
import { shrink } from "./shrink.js";
import { checkSignal, failureKind, formatSignal, matchSignal, parseSignal, type Signal } from "./signal.js";
import { type ConsoleCount, recordOf, type RunRecord, Tally } from "./tally.js";
import { judgedHeader, LIVELOCK_SIGNAL, replayCommand } from "./replaySchedule.js";

export { judgedHeader, replayCommand, replaySchedule, watchesCycles } from "./replaySchedule.js";

export type Mode =
  | SamplingMode
  | {
      readonly kind: "dfs";
      readonly preemptionBound?: number;
      /** Store state fingerprints and cut at states explored before (exhaustive/search.ts). */
      readonly stateful?: boolean;
      /** Stateful: one key for a state and its images under the factory's declared symmetry. */
      readonly symmetry?: boolean;
      /** Stateful: sleep sets kept with the stored states (default true, or env KPRIM_SLEEP_SETS=0: off). */
      readonly sleepSets?: boolean;
    }
  | { readonly kind: "dpor"; readonly preemptionBound?: number }
  | { readonly kind: "iterative"; readonly reduction: Reduction; readonly maxBound: number };

export interface ExploreOptions {
  readonly mode: Mode;
  /** What counts as found (matrix.json grammar); default "failure". */
  readonly target?: string | Signal | undefined;
  /** Steps per execution before `step-limit` (default 10,000). */
  readonly maxSteps?: number | undefined;
  /** Exhaustive modes: stop after this many executions (the result is then not exhausted). */
  readonly maxExecutions?: number | undefined;
  /** Stateful search: stop after storing this many states (the result is then not exhausted). */
  readonly maxStates?: number | undefined;
  /**
   * Exhaustive modes: go back to a branch point by restoring a saved state,
   * on one machine, instead of building a machine and replaying the path
   * (default true; env KPRIM_RESTORE=0 turns it off). Same results.
   */
  readonly restore?: boolean | undefined;
  /** Stop at the first execution showing the target (default true). */
  readonly stopOnFound?: boolean | undefined;
  /** Shrink the first failing schedule (default true; a number is the run budget). */
  readonly shrink?: boolean | number | undefined;
  /** Every execution starts with these choices (the driver takes them first). */
  readonly prefix?: readonly Choice[] | undefined;
  /** More detectors for every machine. */
  readonly detectors?: readonly Detector[] | undefined;
  /**
   * What the factory's runs can raise (a prepared scenario's `raises`): the
   * target must be something in it (plus the detectors added here), or
   * explore throws a SignalError naming the nearest name before running
   * anything; and an execution that shows something it does not declare
   * ends the exploration with an UndeclaredError.
   */
  readonly raises?: Vocabulary | undefined;
  /** Build a lock-order graph over every execution (default false). */
  readonly lockOrder?: boolean | undefined;
  /** DPOR: treat result-less add/or/and steps of one kind on one cell as commuting (default false). */
  readonly commutativeAtomics?: boolean | undefined;
  /**
   * Exhaustive modes: cut cycles unfair to a continuously enabled choice,
   * explore their ways out, and report a fair cycle as a livelock (default
   * true; see `cycles` in the result and cycles.ts).
   */
  readonly fairCycles?: boolean | undefined;
  /**
   * Random, PCT and strategy sampling: run every schedule on one machine,
   * reset to its set-up state between runs (default true). False builds a
   * machine per schedule; the result is the same (for comparisons).
   */
  readonly reuseMachine?: boolean | undefined;
  /** Called after each execution with the count so far (benchmarks sample memory here). */
  readonly onExecution?: ((executions: number) => void) | undefined;
  /** Stateful search: told the states stored so far, every 1,024 (`shouldStop` is asked then too). */
  readonly onStates?: ((states: number) => void) | undefined;
  /**
   * Asked after each execution: true ends the exploration there (a Ctrl-C or
   * a time limit in the CLI). The result then has `stopped: true`, counts
   * what ran, and is never `exhausted`.
   */
  readonly shouldStop?: (() => boolean) | undefined;
}

interface Common {
  readonly mode: string;
  readonly signal: string;
  readonly executions: number;
  /** Exhaustive modes: executions cut short because every enabled choice was asleep or over the bound. */
  readonly blocked: number;
  /**
   * Exhaustive modes: executions cut on going round an unfair cycle (back
   * in a state it was in, with a choice enabled all the way round and never
   * taken; see cycles.ts). Their ways out are explored.
   */
  readonly cycles: number;
  /** Stateful search: distinct states explored, and executions cut at one explored before (else 0). */
  readonly states: number;
  readonly merged: number;
  readonly outcomes: Readonly<Record<OutcomeKind, number>>;
  /** Executions that reached the step limit: inconclusive unless the target is `step-limit`. */
  readonly stepLimited: number;
  /**
   * The first execution that reached the step limit without showing the
   * target, described (inconclusive.ts) — a possible livelock or an
   * undeclared busy-wait; null when there was none.
   */
  readonly inconclusive: Inconclusive | null;
  readonly restartLimited: number;
  /** Console lines seen (observations), each with the number of executions that printed it. */
  readonly console: readonly ConsoleCount[];
  readonly lockOrder: LockOrderReport | null;
  /** `shouldStop` ended the exploration before its budget or space ran out. */
  readonly stopped: boolean;
}

export interface Found extends Common {
  readonly kind: "found";
  /** describeOutcome of the failing execution. */
  readonly failure: string;
  /** Its failure kind (`panic:<message>`, `violation:<detectors>`, `deadlock`, ...). */
  readonly failureKind: string;
  /** 1-based index of the first execution that showed the signal. */
  readonly executionsToFound: number;
  readonly schedule: string;
  readonly shrunk: string;
  readonly shrunkSteps: number;
  readonly shrunkPreemptions: number;
  /**
   * `kprim replay <scenario> --schedule '<shrunk>'`; null for a machine built
   * by hand (no scenario name), whose counterexample replays through the
   * library: `replaySchedule(factory, result.shrunk)`.
   */
  readonly replay: string | null;
}

export interface NotFound extends Common {
  readonly kind: "not-found";
  readonly exhausted: boolean;
  /** The preemption bound the last round ran under (null: none). */
  readonly bound: number | null;
}

export type ExploreResult = Found | NotFound;

const DEFAULT_MAX_STEPS = 10_000;

export function resolveTarget(t: string | Signal | undefined): Signal {
  return t === undefined ? { kind: "failure" } : typeof t === "string" ? parseSignal(t) : t;
}

/** One-line description of a mode, for reports. */
export function describeMode(m: Mode): string {
  switch (m.kind) {
    case "random":
      return `random(seed=${m.seed}, runs=${m.runs})`;
    case "pct":
      return `pct(seed=${m.seed}, runs=${m.runs}, d=${m.depth}${m.steps !== undefined ? `, steps=${m.steps}` : ""})`;
    case "strategy":
      return `${m.name}(seed=${m.seed}, runs=${m.runs})`;
    case "dfs":
    case "dpor": {
      const opts = [
        ...(m.kind === "dfs" && m.stateful === true ? ["stateful"] : []),
        ...(m.kind === "dfs" && m.symmetry === true ? ["symmetry"] : []),
        ...(m.kind === "dfs" && m.sleepSets === false ? ["no sleep sets"] : []),
        ...(m.preemptionBound === undefined ? [] : [`bound=${m.preemptionBound}`]),
      ];
      return opts.length === 0 ? m.kind : `${m.kind}(${opts.join(", ")})`;
    }
    case "iterative":
      return `iterative(${m.reduction}, bounds 0..${m.maxBound})`;
    default: {
      const never: never = m;
      return String(never);
    }
  }
}

function checkMode(m: Mode): void {
  const nat = (x: number | undefined, what: string, min = 0): void => {
    if (x !== undefined && (!Number.isInteger(x) || x < min)) {
      throw new ExploreConfigError(`${m.kind}: ${what} must be an integer ≥ ${min}, not ${String(x)}`);
    }
  };
  switch (m.kind) {
    case "random":
      nat(m.runs, "runs", 1);
      nat(m.seed, "seed");
      return;
    case "pct":
      nat(m.runs, "runs", 1);
      nat(m.seed, "seed");
      nat(m.depth, "depth", 1);
      nat(m.steps, "steps", 1);
      return;
    case "strategy":
      nat(m.runs, "runs", 1);
      nat(m.seed, "seed");
      if (typeof m.make !== "function") throw new ExploreConfigError(`strategy ${m.name}: make must be a function`);
      return;
    case "dfs":
    case "dpor":
      nat(m.preemptionBound, "preemptionBound");
      if (m.kind === "dfs" && m.symmetry === true && m.stateful !== true) {
        throw new ExploreConfigError("dfs: symmetry applies to stateful search (stateful: true)");
      }
      return;
    case "iterative":
      nat(m.maxBound, "maxBound");
      return;
    default: {
      const never: never = m;
      throw new ExploreConfigError(`unknown mode ${String((never as { kind?: unknown }).kind)}`);
    }
  }
}

/** A vocabulary with the explorer's own detectors added (they report under their names too). */
export function withDetectors(
  raises: Vocabulary | undefined,
  detectors: readonly Detector[],
  more: readonly string[] = [],
): Vocabulary | undefined {
  if (raises === undefined || detectors.length + more.length === 0) return raises;
  return mergeRaises(raises, { violations: [...detectors.map((d) => d.name), ...more] });
}

/** The steps one round-robin run takes (PCT's estimate of k). */
export function estimateSteps(factory: MachineFactory, maxSteps: number, prefix?: readonly Choice[]): number {
  const { result } = runOnce(factory, { strategy: roundRobin(), maxSteps, ...(prefix ? { prefix } : {}) });
  return Math.max(1, result.steps);
}

export function explore(factory: MachineFactory, opts: ExploreOptions): ExploreResult {
  checkMode(opts.mode);
  const target = resolveTarget(opts.target);
  if (opts.mode.kind === "dfs" && opts.mode.stateful === true && target.kind === "console") {
    throw new ExploreConfigError(
      "stateful search cannot look for console lines (a line printed on a path that merges into an explored state is never seen): use dpor",
    );
  }
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new ExploreConfigError(`maxSteps must be an integer ≥ 1, not ${String(maxSteps)}`);
  }
  const stopOnFound = opts.stopOnFound ?? true;
  const graph = opts.lockOrder ? lockOrder() : null;
  const detectors = [...(graph ? [graph.detector] : []), ...(opts.detectors ?? [])];
  // Exhaustive search watches for fair cycles (cycles.ts): it can report a livelock.
  const m0 = opts.mode;
  const watched =
    opts.fairCycles !== false &&
    (m0.kind === "dpor" || m0.kind === "iterative" || (m0.kind === "dfs" && m0.stateful !== true));
  const raises = withDetectors(opts.raises, detectors, watched ? [LIVELOCK] : []);
  if (raises !== undefined) checkSignal(target, raises);
  const tally = new Tally();
  const mode = opts.mode;
  let exhausted = false;
  let bound: number | null = null;
  let blocked = 0;
  let cycles = 0;
  let states = 0;
  let merged = 0;
  let stopped = false;
  const stopNow = (): boolean => {
    if (opts.shouldStop?.() === true) stopped = true;
    return stopped;
  };

  const onResult = (m: Machine, r: RunResult): boolean => {
    tally.add(recordOf(tally.executions + 1, r, target, m.emitted(RESTART_LIMIT), raises));
    opts.onExecution?.(tally.executions);
    return (stopOnFound && tally.found !== null) || stopNow();
  };

  switch (mode.kind) {
    case "random":
    case "pct":
    case "strategy": {
      const steps = mode.kind === "pct" ? (mode.steps ?? estimateSteps(factory, maxSteps, opts.prefix)) : 0;
      const ctx = { maxSteps, target, detectors, prefix: opts.prefix, raises, reuse: opts.reuseMachine };
      const sampler = new Sampler(factory, mode, steps, ctx);
      for (let i = 0; i < mode.runs; i++) {
        sampler.count(i, tally);
        opts.onExecution?.(tally.executions);
        if (stopOnFound && tally.found !== null) break;
        if (stopNow()) break;
      }
      break;
    }
    case "dfs":
    case "dpor": {
      const stats = search(
        factory,
        {
          reduction: mode.kind === "dpor" ? "dpor" : "none",
          maxSteps,
          detectors,
          preemptionBound: mode.preemptionBound,
          maxExecutions: opts.maxExecutions,
          prefix: opts.prefix,
          commutativeAtomics: opts.commutativeAtomics,
          fairCycles: opts.fairCycles,
          stateful: mode.kind === "dfs" && mode.stateful === true,
          symmetry: mode.kind === "dfs" && mode.symmetry === true,
          sleepSets: mode.kind === "dfs" ? mode.sleepSets : undefined,
          maxStates: opts.maxStates,
          restore: opts.restore,
          // Long stretches of merged executions complete none: report and ask to stop between them too.
          onStates: (n: number) => {
            opts.onStates?.(n);
            return stopNow();
          },
        },
        (t) => onResult(t.machine, t.result),
      );
      blocked = stats.blocked;
      cycles = stats.cycles;
      states = stats.states;
      merged = stats.merged;
      exhausted = stats.exhausted;
      bound = mode.preemptionBound ?? null;
      break;
    }
    case "iterative": {
      for (let b = 0; b <= mode.maxBound; b++) {
        const left = opts.maxExecutions !== undefined ? opts.maxExecutions - tally.executions : undefined;
        if (left !== undefined && left <= 0) break;
        const stats = search(
          factory,
          {
            reduction: mode.reduction,
            maxSteps,
            detectors,
            preemptionBound: b,
            maxExecutions: left,
            prefix: opts.prefix,
            commutativeAtomics: opts.commutativeAtomics,
            fairCycles: opts.fairCycles,
            restore: opts.restore,
          },
          (t) => onResult(t.machine, t.result),
        );
        blocked += stats.blocked;
        cycles += stats.cycles;
        bound = b;
        if ((stopOnFound && tally.found !== null) || stopped) break;
        // Nothing was cut by the bound: this round covered the whole space.
        if (stats.exhausted) {
          exhausted = true;
          bound = null;
          break;
        }
      }
      break;
    }
    default: {
      const never: never = mode;
      throw new ExploreConfigError(`unknown mode ${String(never)}`);
    }
  }
  return finish(factory, opts, target, tally, {
    mode: describeMode(mode),
    blocked,
    cycles,
    states,
    merged,
    exhausted: exhausted && !stopped,
    bound,
    graph,
    maxSteps,
    stopped,
  });
}

/** Build the result from a tally (shared with the parallel runner). */
export function finish(
  factory: MachineFactory,
  opts: Pick<ExploreOptions, "shrink" | "detectors" | "prefix">,
  target: Signal,
  tally: Tally,
  info: {
    readonly mode: string;
    readonly blocked: number;
    readonly cycles: number;
    readonly states?: number;
    readonly merged?: number;
    readonly exhausted: boolean;
    readonly bound: number | null;
    readonly graph: { report(): LockOrderReport } | null;
    readonly maxSteps: number;
    readonly stopped: boolean;
  },
): ExploreResult {
  const common: Common = {
    mode: info.mode,
    signal: formatSignal(target),
    executions: tally.executions,
    blocked: info.blocked,
    cycles: info.cycles,
    states: info.states ?? 0,
    merged: info.merged ?? 0,
    outcomes: { ...tally.outcomes },
    stepLimited: tally.stepLimited,
    inconclusive:
      tally.inconclusive === null
        ? null
        : describeInconclusive(
            factory,
            tally.inconclusive.choices!,
            tally.inconclusive.header!,
            info.maxSteps,
            tally.stepLimited,
          ),
    restartLimited: tally.restartLimited,
    console: tally.console(),
    lockOrder: info.graph?.report() ?? null,
    stopped: info.stopped,
  };
  const f = tally.found;
  if (f === null) {
    return { kind: "not-found", ...common, exhausted: info.exhausted && tally.stepLimited === 0, bound: info.bound };
  }
  return { kind: "found", ...common, ...foundPart(factory, opts, target, f, info.maxSteps) };
}

function foundPart(
  factory: MachineFactory,
  opts: Pick<ExploreOptions, "shrink" | "detectors" | "prefix">,
  target: Signal,
  f: RunRecord,
  maxSteps: number,
): Omit<Found, keyof Common | "kind"> {
  const choices = f.choices!;
  const kind = f.kind!;
  const livelock = kind === `violation:${LIVELOCK}`;
  // A livelock is found by watching cycles: its schedule says so, and its replay watches too.
  const header = judgedHeader(f.header!, livelock ? LIVELOCK_SIGNAL : target, kind === "step-limit" ? maxSteps : null);
  const schedule = formatSchedule({ header, choices });
  let shrunk = { choices, steps: choices.length, preemptions: -1 };
  if (opts.shrink !== false) {
    const s = shrink(factory, choices, {
      maxSteps,
      keep: (o, c) => matchSignal(target, o, c) && (target.kind === "console" || failureKind(o) === kind),
      detectors: opts.detectors ?? [],
      cycles: livelock,
      fixed: opts.prefix?.length ?? 0,
      ...(typeof opts.shrink === "number" ? { budget: opts.shrink } : {}),
    });
    shrunk = { choices: s.choices, steps: s.steps, preemptions: s.preemptions };
  }
  const shrunkText = formatSchedule({ header, choices: shrunk.choices });
  return {
    failure: f.failure!,
    failureKind: kind,
    executionsToFound: f.index,
    schedule,
    shrunk: shrunkText,
    shrunkSteps: shrunk.steps,
    shrunkPreemptions: shrunk.preemptions,
    replay: replayCommand(header, shrunkText),
  };
}
