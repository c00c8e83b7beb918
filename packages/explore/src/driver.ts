/**
 * The driver: one execution of a factory-built machine. It consumes a
 * recorded prefix of choice identities first (coyote style: a choice of the
 * prefix that is not enabled is a precise ReplayDivergence — step, expected
 * choice, enabled choices), then lets the strategy decide. Strategies never
 * see the prefix; a strategy object serves one execution.
 *
 * A ModelError from the machine (a bug in model code) is rethrown as an
 * ExecutionError that carries the choices taken so far, so the failing
 * execution can be replayed.
 */
import {
  type Choice,
  formatChoice,
  formatChoices,
  type Machine,
  type MachineView,
  ModelError,
  ReplayDivergence,
  type RunResult,
  type Strategy,
} from "@kprim/machine";
import { ExecutionError, ExploreConfigError } from "./errors.js";
import type { BuildRequest, MachineFactory } from "./factory.js";

/** A strategy that takes `prefix` first, then asks `then` (which sees the absolute step in its view). */
export function withPrefix(prefix: readonly Choice[], then: Strategy): Strategy {
  if (prefix.length === 0) return then;
  return {
    name: then.name,
    choose(enabled, view): number {
      const step = view.step;
      if (step < prefix.length) return indexOfExpected(step, prefix[step]!, enabled);
      return then.choose(enabled, view);
    },
    end(view): void {
      if (view.step < prefix.length) {
        throw new ReplayDivergence(view.step + 1, formatChoice(prefix[view.step]!), []);
      }
      then.end?.(view);
    },
  };
}

/** The index of the recorded choice `want` at 0-based `step`, or a ReplayDivergence naming what was enabled. */
export function indexOfExpected(step: number, want: Choice, enabled: readonly Choice[]): number {
  const i = enabled.indexOf(want);
  if (i < 0) throw new ReplayDivergence(step + 1, formatChoice(want), enabled.map(formatChoice));
  return i;
}

/** One execution: the machine's build request (strategy and step limit required), a prefix, a hook. */
export interface RunRequest extends BuildRequest {
  readonly strategy: Strategy;
  readonly maxSteps: number;
  readonly prefix?: readonly Choice[] | undefined;
  /** Called with the fresh machine before it runs. */
  readonly onBuilt?: ((machine: Machine) => void) | undefined;
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
  const taken: Choice[] = [];
  const inner = req.prefix ? withPrefix(req.prefix, req.strategy) : req.strategy;
  const strategy: Strategy = {
    name: inner.name,
    choose(enabled, view): number {
      const i = inner.choose(enabled, view);
      taken.push(enabled[i]!);
      return i;
    },
    ...(inner.end ? { end: (view: MachineView) => inner.end!(view) } : {}),
  };
  const { prefix: _prefix, onBuilt, ...build } = req;
  const machine = factory({
    ...build,
    strategy,
    recordFootprints: req.recordFootprints ?? false,
    detectors: req.detectors ?? [],
  }) as Machine | undefined;
  if (typeof (machine as { run?: unknown } | null | undefined)?.run !== "function") {
    throw new ExploreConfigError(`the factory returned ${describe(machine)}, not a machine; ${FACTORY_CONTRACT}`);
  }
  onBuilt?.(machine!);
  let result: RunResult;
  try {
    result = machine!.run();
  } catch (e) {
    if (e instanceof ModelError) {
      const choices = formatChoices(taken);
      throw new ExecutionError(`${e.message} (choices ${choices || "none"})`, choices, { cause: e });
    }
    throw e;
  }
  // Steps taken, none of them chosen by the explorer: the machine was built without the request.
  if (result.steps > 0 && taken.length === 0) {
    throw new ExploreConfigError(`the factory's machine ignored the explorer's strategy; ${FACTORY_CONTRACT}`);
  }
  return { machine: machine!, result };
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return typeof v === "undefined" ? "undefined" : `a ${typeof v}`;
}
