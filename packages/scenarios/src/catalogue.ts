/**
 * The named scenario catalogue. Each entry declares the spec id it implements
 * (or none); expected verdicts come from the matrix only.
 */
import { defineScenario, type ParamSpecs, type Scenario } from "@kprim/machine";
import type { Kernel } from "./kernel.js";

/** A scenario of the catalogue (parameter specs vary per scenario). */
export type KernelScenario = Scenario<Kernel, any>;

/** Define a catalogue scenario: `kernel` is the Kernel composition, `params` typed from the specs. */
export function kernelScenario<const S extends ParamSpecs>(s: Scenario<Kernel, S>): KernelScenario {
  return defineScenario<Kernel, S>(s);
}

export const catalogue: readonly KernelScenario[] = [];

export function findScenario(name: string): KernelScenario | undefined {
  return catalogue.find((s) => s.name === name);
}
