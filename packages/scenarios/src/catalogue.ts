/**
 * The named scenario catalogue. Each entry declares the spec id it implements
 * (or none); expected verdicts come from the matrix only.
 */
import type { ParamSpecs, Scenario } from "@kprim/machine";
import type { Kernel } from "./kernel.js";

export type KernelScenario = Scenario<Kernel, ParamSpecs>;

export const catalogue: readonly KernelScenario[] = [];

export function findScenario(name: string): KernelScenario | undefined {
  return catalogue.find((s) => s.name === name);
}
