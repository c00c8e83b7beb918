/**
 * Defining a catalogue scenario against the Kernel composition.
 */
import { defineScenario, type ParamSpecs, type Scenario } from "@kprim/machine";
import type { Kernel } from "./kernel.js";
import type { SpecId } from "./specIds.js";

/** A parameter that was renamed: its new name, and old values that were renamed with it. */
export interface ParamRename {
  readonly to: string;
  readonly values?: Readonly<Record<string, string>>;
  /** Why, in a few words (said to a command line that uses the old name). */
  readonly why?: string;
}

/** What a catalogue scenario says beyond the machine's Scenario contract. */
export interface KernelScenarioInfo {
  /**
   * The variant options its runs depend on (`interlock`, `tokenMode`,
   * `outer`, `lockmgr`, `bufChecks`, `wakeup`; absent: all of them). A run
   * given a variant or option it does not depend on says so instead of
   * running as if it mattered (a test checks that the others change no
   * trace).
   */
  readonly dependsOn?: readonly string[];
  /**
   * Parameters renamed since schedules were recorded: a schedule header is
   * read with the new name (and values); a command line with the old one
   * is told the new one.
   */
  readonly renamed?: Readonly<Record<string, ParamRename>>;
}

/** A scenario of the catalogue (parameter specs vary per scenario), naming an oracle row or none. */
export type KernelScenario = Scenario<Kernel, any> & KernelScenarioInfo & { readonly specId: SpecId | null };

/** Define a catalogue scenario: `kernel` is the Kernel composition, `params` typed from the specs. */
export function kernelScenario<const S extends ParamSpecs>(
  s: Scenario<Kernel, S> & KernelScenarioInfo & { readonly specId: SpecId | null },
): KernelScenario {
  defineScenario<Kernel, S>(s);
  return s;
}
