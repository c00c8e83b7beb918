/**
 * Defining a catalogue scenario against the Kernel composition.
 */
import { defineScenario, type ParamSpecs, type Scenario } from "@kprim/machine";
import type { Kernel } from "./kernel.js";
import type { SpecId } from "./specIds.js";

/** A scenario of the catalogue (parameter specs vary per scenario), naming an oracle row or none. */
export type KernelScenario = Scenario<Kernel, any> & { readonly specId: SpecId | null };

/** Define a catalogue scenario: `kernel` is the Kernel composition, `params` typed from the specs. */
export function kernelScenario<const S extends ParamSpecs>(
  s: Scenario<Kernel, S> & { readonly specId: SpecId | null },
): KernelScenario {
  defineScenario<Kernel, S>(s);
  return s;
}
