/**
 * What a prepared run is, in the words every header uses (the CLI's report
 * line and a trace's header alike):
 *
 * - the variant as run: `VARIANT`, or `VARIANT:INTERLOCK` when its
 *   interlock was replaced (`--interlock spin-naive` under SPIN+TI is
 *   `SPIN+TI:spin-naive`, never plain SPIN+TI) — named only when the
 *   scenario depends on an option a variant sets;
 * - the options the scenario depends on (the variant's, with the
 *   overrides), never one it ignores;
 * - the layers and detectors plugins put in place;
 * - every parameter, defaults too, under its current name.
 */
import { dependsOn, relevantOptions, VARIANT_OPTION_KEYS } from "./dependsOn.js";
import { DETECTOR_OPTION, LAYER_OPTION } from "./extras.js";
import type { Prepared } from "./runner.js";

/** One line of what ran. */
export interface RunLine {
  readonly name: string;
  readonly value: string;
}

/** The variant as run: `VARIANT`, or `VARIANT:INTERLOCK` when the run replaced its interlock. */
export function runLabel(p: Prepared): string {
  const interlock = p.header.options["interlock"];
  return interlock === undefined ? p.variant : `${p.variant}:${interlock}`;
}

/** Whether the run depends on any option a variant sets (else no variant is named: any runs it alike). */
export function variantMatters(p: Prepared): boolean {
  return VARIANT_OPTION_KEYS.some((k) => dependsOn(p, k));
}

/** The run `p` prepares, line by line (see the file header). */
export function describeRun(p: Prepared): RunLine[] {
  const lines: RunLine[] = [];
  if (variantMatters(p)) lines.push({ name: "variant", value: runLabel(p) });
  const options = relevantOptions(p);
  for (const k of Object.keys(options).sort()) lines.push({ name: k, value: options[k]! });
  const given = p.header.options;
  for (const k of Object.keys(given).sort()) {
    if (k.startsWith(LAYER_OPTION)) lines.push({ name: `layer ${k.slice(LAYER_OPTION.length)}`, value: given[k]! });
    else if (k.startsWith(DETECTOR_OPTION)) {
      lines.push({ name: `detector ${k.slice(DETECTOR_OPTION.length)}`, value: given[k]! });
    }
  }
  for (const k of Object.keys(p.scenario.params).sort()) lines.push({ name: `param ${k}`, value: String(p.params[k]) });
  return lines;
}
