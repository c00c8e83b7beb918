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
  formatChoices,
  type Machine,
  type MachineView,
  ModelError,
  replay,
  replayIndex,
  type RunResult,
  type Strategy,
} from "@kprim/machine";
import type { CycleWatch } from "./cycles.js";
import { ExecutionError, ExploreConfigError } from "./errors.js";
import type { BuildRequest, MachineFactory } from "./factory.js";

/** @deprecated `replay(prefix, then)` of @kprim/machine: take `prefix`, then ask `then`. */
export const withPrefix: (prefix: readonly Choice[], then: Strategy) => Strategy = replay;

/** @deprecated `replayIndex` of @kprim/machine. */
export const indexOfExpected: (step: number, want: Choice, enabled: readonly Choice[]) => number = replayIndex;

/** One execution: the machine's build request (strategy and step limit required), a prefix, a hook. */
export interface RunRequest extends BuildRequest {
  readonly strategy: Strategy;
  readonly maxSteps: number;
  readonly prefix?: readonly Choice[] | undefined;
  /** Called with the fresh machine before it runs. */
  readonly onBuilt?: ((machine: Machine) => void) | undefined;
  /** Watch for cycles (cycles.ts): a fair one ends the run as a livelock. */
  readonly cycles?: CycleWatch | undefined;
}

export interface Execution {
  readonly machine: Machine;
  readonly result: RunResult;
}

/** The factory contract, as the error for a factory that breaks it says it. */
export const FACTORY_CONTRACT =
  "a factory builds each machine from the request it is given: (request) => createMachine({ ...request, cpus: 2 }) — or use prepare(...).build of @kprim/scenarios";

/** Build a fresh machine and run it once. */
export function runOnce(factory: MachineFactory, req: RunRequest): Execution {
  // Whether the explorer's strategy was asked at all (a search restoring states runs this machine for
  // its whole life: a list of the choices would grow with every execution).
  let asked = false;
  const watch = req.cycles;
  const given = req.prefix ? replay(req.prefix, req.strategy) : req.strategy;
  const inner = watch ? watch.wrap(given) : given;
  const strategy: Strategy = {
    name: inner.name,
    choose(enabled, view): number {
      asked = true;
      return inner.choose(enabled, view);
    },
    ...(inner.end ? { end: (view: MachineView) => inner.end!(view) } : {}),
  };
  const { prefix: _prefix, onBuilt, cycles: _cycles, ...build } = req;
  const machine = factory({
    ...build,
    strategy,
    recordFootprints: req.recordFootprints ?? false,
    detectors: watch ? [...(req.detectors ?? []), watch.detector] : (req.detectors ?? []),
  }) as Machine | undefined;
  if (typeof (machine as { run?: unknown } | null | undefined)?.run !== "function") {
    throw new ExploreConfigError(`the factory returned ${describe(machine)}, not a machine; ${FACTORY_CONTRACT}`);
  }
  watch?.attach(machine!);
  onBuilt?.(machine!);
  const result = runChecked(() => machine!.run());
  // Steps taken, none of them chosen by the explorer: the machine was built without the request.
  if (result.steps > 0 && !asked) {
    throw new ExploreConfigError(`the factory's machine ignored the explorer's strategy; ${FACTORY_CONTRACT}`);
  }
  return { machine: machine!, result };
}

/** A run (from the start, or on from a restored state) whose model errors become ExecutionErrors naming the choices. */
export function runChecked<R = RunResult>(run: () => R): R {
  try {
    return run();
  } catch (e) {
    throw checkedError(e);
  }
}

/** What a run's error is rethrown as: a model error becomes an ExecutionError naming the choices; any other, itself. */
export function checkedError(e: unknown): unknown {
  if (e instanceof ModelError) {
    const choices = formatChoices(e.choices);
    return new ExecutionError(`${e.message} (choices ${choices || "none"})`, choices, { cause: e });
  }
  return e;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return typeof v === "undefined" ? "undefined" : `a ${typeof v}`;
}
