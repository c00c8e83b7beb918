/**
 * The scenario contract. A scenario names what it reproduces (an id of the
 * oracle's rows, which @kprim/scenarios owns, or none), declares typed
 * parameters, and builds a machine's threads from a kernel composition `K`
 * (also owned by @kprim/scenarios). Expected verdicts are never part of a
 * scenario: they come from the oracle.
 */
import type { Detector } from "./detector.js";
import type { Machine } from "./machine.js";
import type { ParamSpecs, ParamValues } from "./params.js";
import type { Raises } from "./raises.js";

export interface ScenarioContext<K, P> {
  readonly machine: Machine;
  readonly kernel: K;
  readonly params: P;
  /** The variant's options (interlock, tokenMode, outer, lockmgr, bufChecks, ...). */
  readonly options: Readonly<Record<string, string>>;
}

export interface ScenarioSetup {
  /** Scenario-specific detectors, beside the ones the layers install. */
  readonly detectors?: readonly Detector[];
}

export interface Scenario<K = unknown, S extends ParamSpecs = ParamSpecs> {
  readonly name: string;
  /** One line. */
  readonly description: string;
  /** The oracle row id it implements (`R1`, `G5`, …: @kprim/scenarios lists them), or null. */
  readonly specId: string | null;
  readonly params: S;
  /**
   * What it raises beyond its layers: the names of the detectors its setup
   * installs and the console lines its threads print (target signals are
   * checked against every declaration of a run; see raises.ts).
   */
  readonly raises?: Raises;
  /** Machine size for these parameters. */
  cpus(params: ParamValues<S>): number;
  /** Spawn threads and create cells on `ctx.machine`. */
  setup(ctx: ScenarioContext<K, ParamValues<S>>): ScenarioSetup | void;
}

export function defineScenario<K, const S extends ParamSpecs>(s: Scenario<K, S>): Scenario<K, S> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(s.name)) {
    throw new Error(`scenario name "${s.name}" must be lowercase words joined by '-'`);
  }
  return s;
}
