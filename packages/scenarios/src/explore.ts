/**
 * The bridge from a prepared catalogue scenario to @kprim/explore: a
 * scenario's `prepare(...).build` is the explorer's machine factory.
 *
 * - `scenarioFactory(prepared)`: the MachineFactory of a prepared scenario.
 * - `exploreScenario(prepared, options)`: explore it (any mode, any target).
 * - `scenarioWorkerFactory(spec)` / `scenarioFactorySpec(spec)`: the same for
 *   worker threads, which load the factory by module URL (this module).
 */
import {
  explore,
  type ExploreOptions,
  type ExploreResult,
  type FactorySpec,
  type MachineFactory,
} from "@kprim/explore";
import { type Prepared, prepare } from "./runner.js";

export function scenarioFactory(prepared: Prepared): MachineFactory {
  return (req) =>
    prepared.build({
      strategy: req.strategy,
      ...(req.recordFootprints !== undefined ? { recordFootprints: req.recordFootprints } : {}),
      ...(req.maxSteps !== undefined ? { maxSteps: req.maxSteps } : {}),
      ...(req.detectors ? { detectors: req.detectors } : {}),
      ...(req.trace !== undefined ? { trace: req.trace } : {}),
    });
}

export function exploreScenario(prepared: Prepared, options: ExploreOptions): ExploreResult {
  return explore(scenarioFactory(prepared), options);
}

/** A catalogue scenario by name, as plain data (what a worker thread is sent). */
export interface ScenarioSpec {
  readonly scenario: string;
  readonly variant?: string;
  readonly options?: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** The factory of a built-in catalogue scenario named by `spec` (worker threads call this). */
export function scenarioWorkerFactory(spec: ScenarioSpec): MachineFactory {
  return scenarioFactory(prepare(spec));
}

/** Where a worker thread finds `scenarioWorkerFactory(spec)`: for exploreParallel. */
export function scenarioFactorySpec(spec: ScenarioSpec): FactorySpec {
  return { module: import.meta.url, export: "scenarioWorkerFactory", args: spec };
}
