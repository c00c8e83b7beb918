/**
 * Sampling runs: seeded random, PCT or a given strategy's executions, one at a time by index.
 * Run i depends only on (mode, i), so a serial loop and worker threads taking
 * slices of the indices produce the same records. A `Sampler` runs them all
 * on one machine, reset to the state after its start between runs (reuse.ts); the
 * records are those of a fresh machine per run (`runSample`).
 */
import {
  assertDeclared,
  type Choice,
  type Detector,
  type Outcome,
  random,
  type RunResult,
  type Strategy,
  type Vocabulary,
} from "@kprim/machine";
import { choicesTaken, coreOf, RandomStrategy } from "@kprim/machine/internal";
import { runOnce } from "./driver.js";
import { MachineReuse } from "./reuse.js";
import { RESTART_LIMIT } from "./events.js";
import type { MachineFactory } from "./factory.js";
import { seedFor } from "./seeds.js";
import { matchSignal, type Signal } from "./signal.js";
import { pct, PctStrategy } from "./strategies/pct.js";
import { type ChoicesOf, recordOf, recordOfRun, type RunRecord, type Tally } from "./tally.js";

export type SamplingMode =
  | { readonly kind: "random"; readonly seed: number; readonly runs: number }
  | {
      readonly kind: "pct";
      readonly seed: number;
      readonly runs: number;
      readonly depth: number;
      /** Expected steps per run; estimated from one round-robin run when absent. */
      readonly steps?: number;
    }
  | {
      /** A strategy made from a seed (a plugin's): run i uses the seed derived from (seed, i), as random does. */
      readonly kind: "strategy";
      readonly name: string;
      readonly make: (seed: number) => Strategy;
      readonly seed: number;
      readonly runs: number;
    };

export interface SampleContext {
  readonly maxSteps: number;
  readonly target: Signal;
  readonly prefix?: readonly Choice[] | undefined;
  readonly detectors?: readonly Detector[] | undefined;
  /** What the runs may raise (each run is checked against it). */
  readonly raises?: Vocabulary | undefined;
  /** Run every schedule on one machine reset between runs (default true; false: a machine per run, same records). */
  readonly reuse?: boolean | undefined;
}

/** The strategy of run `i` (0-based) of a sampling mode whose PCT steps are known. */
export function sampleStrategy(mode: SamplingMode, i: number, steps: number): Strategy {
  const seed = seedFor(mode.seed, i);
  switch (mode.kind) {
    case "random":
      return random({ seed });
    case "pct":
      return pct({ seed, depth: mode.depth, steps });
    case "strategy":
      return mode.make(seed);
    default: {
      const never: never = mode;
      throw new Error(String(never));
    }
  }
}

/** Run `i` (0-based) and reduce it to a record (index i + 1). */
export function runSample(
  factory: MachineFactory,
  mode: SamplingMode,
  steps: number,
  i: number,
  ctx: SampleContext,
): { record: RunRecord; result: RunResult } {
  const { machine, result } = runOnce(factory, {
    strategy: sampleStrategy(mode, i, steps),
    maxSteps: ctx.maxSteps,
    ...(ctx.detectors?.length ? { detectors: ctx.detectors } : {}),
    prefix: ctx.prefix,
  });
  // Asked of the machine, not a detector: a detector would turn every step's events on.
  return { record: recordOf(i + 1, result, ctx.target, machine.emitted(RESTART_LIMIT), ctx.raises), result };
}

/** Sampling runs on one machine, reset to the state after its start between runs (see reuse.ts). */
export class Sampler {
  readonly #runner: MachineReuse;
  /** Random mode: one strategy reseeded for every run (`random({ seed })` per run, without the objects). */
  readonly #random: RandomStrategy | null;
  /** PCT mode: one strategy reseeded for every run (`pct({ seed, depth, steps })` per run, without the objects). */
  #pct: PctStrategy | null = null;
  /** Where a record reads the choices of a run on the reused machine (the trail, read when kept). */
  readonly #choices: ChoicesOf;

  constructor(
    factory: MachineFactory,
    private readonly mode: SamplingMode,
    private readonly steps: number,
    private readonly ctx: SampleContext,
  ) {
    this.#runner = new MachineReuse(
      factory,
      { maxSteps: ctx.maxSteps, ...(ctx.detectors?.length ? { detectors: ctx.detectors } : {}) },
      ctx.reuse ?? true,
    );
    this.#random = mode.kind === "random" ? new RandomStrategy(0) : null;
    const runner = this.#runner;
    this.#choices = {
      get schedule() {
        return { choices: choicesTaken(coreOf(runner.last!)) };
      },
    };
  }

  /** Run `i` (0-based) and reduce it to a record (index i + 1): the same as `runSample`. */
  run(i: number): { record: RunRecord; result: RunResult } {
    const ctx = this.ctx;
    const { machine, result } = this.#runner.run(this.#strategy(i), ctx.prefix);
    return { record: recordOf(i + 1, result, ctx.target, machine.emitted(RESTART_LIMIT), ctx.raises), result };
  }

  /** Run `i`'s strategy: `sampleStrategy(mode, i, steps)`, the random or PCT one reseeded rather than made. */
  #strategy(i: number): Strategy {
    const mode = this.mode;
    if (this.#random !== null) return this.#random.reseed(seedFor(mode.seed, i));
    if (mode.kind === "pct") {
      const seed = seedFor(mode.seed, i);
      if (this.#pct === null) return (this.#pct = new PctStrategy({ seed, depth: mode.depth, steps: this.steps }));
      return this.#pct.reseed(seed, mode.depth, this.steps);
    }
    return sampleStrategy(mode, i, this.steps);
  }

  /**
   * Run `i` (0-based) and add it to `tally`: `tally.add(record(i))`, but a
   * run that did not match, printed nothing and was neither step- nor
   * restart-limited (most runs) is counted without making its record.
   * Returns whether the run matched the target.
   */
  count(i: number, tally: Tally): boolean {
    const ctx = this.ctx;
    const runner = this.#runner;
    const outcome = runner.runQuiet(this.#strategy(i), ctx.prefix);
    if (outcome !== null && outcome.kind !== "step-limit") {
      const m = runner.last!;
      const lines = m.console;
      if (lines.length === 0 && !m.emitted(RESTART_LIMIT)) {
        if (ctx.raises !== undefined) assertDeclared(ctx.raises, outcome, lines, coreOf(m).header.scenario);
        if (!matchSignal(ctx.target, outcome, lines)) {
          tally.addPlain(outcome.kind);
          return false;
        }
      }
    }
    const record = this.#recordOfLast(i, outcome);
    tally.add(record);
    return record.matched;
  }

  /** Run `i` (0-based), reduced to its record: `run(i).record`, without building the run's RunResult. */
  record(i: number): RunRecord {
    const ctx = this.ctx;
    return this.#recordOfLast(i, this.#runner.runQuiet(this.#strategy(i), ctx.prefix));
  }

  /** The record of run `i`, the last run, whose outcome `runQuiet` returned. */
  #recordOfLast(i: number, outcome: Outcome | null): RunRecord {
    const ctx = this.ctx;
    const runner = this.#runner;
    const m = runner.last!;
    const restartLimited = m.emitted(RESTART_LIMIT);
    if (outcome === null) return recordOf(i + 1, runner.built!.result, ctx.target, restartLimited, ctx.raises);
    const header = coreOf(m).header;
    return recordOfRun(i + 1, outcome, m.console, header, this.#choices, ctx.target, restartLimited, ctx.raises);
  }
}
