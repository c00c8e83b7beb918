/**
 * The driver: one execution of a factory-built machine. A recorded prefix
 * is taken first by the machine's one replay (`replay(prefix, strategy)`: a
 * choice of the prefix that is not enabled is a precise ReplayDivergence —
 * step, expected choice, enabled choices), then the strategy decides.
 * Strategies never see the prefix; a strategy object serves one execution.
 *
 * A ModelError from the machine (a bug in model code) carries the choices
 * taken up to it; it is rethrown as an ExecutionError that prints them, so
 * the failing execution can be replayed.
 */
import {
  type Choice,
  type Detector,
  formatChoices,
  type Machine,
  ModelError,
  replay,
  replayIndex,
  type RunResult,
  type Strategy,
} from "@kprim/machine";
import { ExecutionError } from "./errors.js";
import type { MachineFactory } from "./factory.js";

/** @deprecated `replay(prefix, then)` of @kprim/machine: take `prefix`, then ask `then`. */
export const withPrefix: (prefix: readonly Choice[], then: Strategy) => Strategy = replay;

/** @deprecated `replayIndex` of @kprim/machine. */
export const indexOfExpected: (step: number, want: Choice, enabled: readonly Choice[]) => number = replayIndex;

export interface RunRequest {
  readonly strategy: Strategy;
  readonly prefix?: readonly Choice[];
  readonly maxSteps: number;
  readonly detectors?: readonly Detector[];
  readonly recordFootprints?: boolean;
  readonly trace?: boolean;
  /** Called with the fresh machine before it runs. */
  readonly onBuilt?: (machine: Machine) => void;
}

export interface Execution {
  readonly machine: Machine;
  readonly result: RunResult;
}

/** Build a fresh machine and run it once. */
export function runOnce(factory: MachineFactory, req: RunRequest): Execution {
  const machine = factory({
    strategy: req.prefix ? replay(req.prefix, req.strategy) : req.strategy,
    maxSteps: req.maxSteps,
    recordFootprints: req.recordFootprints ?? false,
    detectors: req.detectors ?? [],
    ...(req.trace !== undefined ? { trace: req.trace } : {}),
  });
  req.onBuilt?.(machine);
  try {
    return { machine, result: machine.run() };
  } catch (e) {
    if (e instanceof ModelError) {
      const choices = formatChoices(e.choices);
      throw new ExecutionError(`${e.message} (choices ${choices || "none"})`, choices, { cause: e });
    }
    throw e;
  }
}
