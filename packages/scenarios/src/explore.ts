/**
 * The bridge from a prepared catalogue scenario to @kprim/explore: a
 * scenario's `prepare(...).build` is the explorer's machine factory.
 *
 * - `scenarioFactory(prepared)`: the MachineFactory of a prepared scenario
 *   (`prepared.build` itself).
 * - `exploreScenario(prepared, options)`: explore it (any mode, any target),
 *   the target and every execution checked against what the run declares
 *   it can raise (`prepared.raises`).
 */
import { explore, type ExploreOptions, type ExploreResult, type MachineFactory } from "@kprim/explore";
import type { Prepared } from "./runner.js";

export function scenarioFactory(prepared: Prepared): MachineFactory {
  return prepared.build;
}

export function exploreScenario(prepared: Prepared, options: ExploreOptions): ExploreResult {
  return explore(prepared.build, { raises: prepared.raises, ...options });
}
