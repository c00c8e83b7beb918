/**
 * Defining a catalogue scenario against the Kernel composition.
 */
import { defineScenario, type ParamSpecs, type Scenario } from "@kprim/machine";
import type { Kernel } from "./kernel.js";

/** A scenario of the catalogue (parameter specs vary per scenario). */
export type KernelScenario = Scenario<Kernel, any>;

/** Define a catalogue scenario: `kernel` is the Kernel composition, `params` typed from the specs. */
export function kernelScenario<const S extends ParamSpecs>(s: Scenario<Kernel, S>): KernelScenario {
  return defineScenario<Kernel, S>(s);
}
