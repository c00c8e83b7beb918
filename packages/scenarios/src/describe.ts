/**
 * What a prepared run is, line by line, for the header of a trace: the
 * variant it amounts to (the one its kernel options match, and how they
 * differ from the variant asked for), each kernel option, the other options
 * set, the layers plugins replaced, and every parameter (defaults too). A run asked for
 * under SPIN+TI with `interlock=spin-naive` is named SPIN-naive, never
 * SPIN+TI.
 */
import { matrix, type VariantOptions, variantOptions } from "./matrix.js";
import type { Prepared } from "./runner.js";

/** One line of what ran. */
export interface RunLine {
  readonly name: string;
  readonly value: string;
}

const KERNEL_KEYS: readonly (keyof VariantOptions)[] = ["interlock", "lockmgr", "tokenMode", "outer"];
const LAYER_OPTION = "layer.";

/** The run `p` prepares, line by line (see the file header). */
export function describeRun(p: Prepared): RunLine[] {
  const base = variantOptions(p.variant);
  const kernel = Object.fromEntries(KERNEL_KEYS.map((k) => [k, p.options[k]])) as Record<string, string>;
  const changed = KERNEL_KEYS.filter((k) => kernel[k] !== base[k]).map((k) => `${k}=${kernel[k]}`);
  const match = Object.entries(matrix.variants).find(([, v]) => KERNEL_KEYS.every((k) => v[k] === kernel[k]))?.[0];
  const asked = `${p.variant}${changed.length !== 0 ? ` with ${changed.join(",")}` : ""}`;
  const variant = changed.length === 0 ? p.variant : match !== undefined ? `${match} (${asked})` : asked;
  const lines: RunLine[] = [{ name: "variant", value: variant }];
  for (const k of KERNEL_KEYS) lines.push({ name: k, value: kernel[k]! });
  const given = p.header.options;
  for (const k of Object.keys(given).sort()) {
    if (k.startsWith(LAYER_OPTION)) lines.push({ name: `layer ${k.slice(LAYER_OPTION.length)}`, value: given[k]! });
    else if (!(KERNEL_KEYS as readonly string[]).includes(k)) lines.push({ name: k, value: given[k]! });
  }
  for (const k of Object.keys(p.scenario.params).sort()) lines.push({ name: `param ${k}`, value: String(p.params[k]) });
  return lines;
}
