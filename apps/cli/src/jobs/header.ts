/**
 * What a report says ran: the scenario, the variant (as `VARIANT:INTERLOCK`
 * when --interlock replaced its interlock), the options the scenario
 * depends on — never one it ignores — and the parameters, in the words of a
 * trace's header (runLabel, variantMatters of @kprim/scenarios); and a note for
 * each choice on the command line that changes nothing for this scenario
 * (a variant that runs it as the default does, an option it does not use).
 */
import {
  DEFAULT_VARIANT,
  dependsOn,
  type Prepared,
  relevantOptions,
  runLabel,
  VARIANT_OPTION_KEYS,
  variantMatters,
  variantOptions,
} from "@kprim/scenarios";
import type { RunHeader } from "./reports.js";
import type { RunSpec } from "./requests.js";

/** The report header of a prepared run; `spec` (what the command line asked) adds the notes. */
export function header(p: Prepared, spec?: RunSpec): RunHeader {
  return {
    scenario: p.scenario.name,
    variant: p.variant,
    label: runLabel(p),
    options: { ...p.options },
    shown: relevantOptions(p),
    variantMatters: variantMatters(p),
    params: { ...p.header.params },
    notes: spec === undefined ? [] : notes(p, spec),
  };
}

function notes(p: Prepared, spec: RunSpec): string[] {
  const out: string[] = [];
  const name = p.scenario.name;
  const v = spec.variant;
  if (v !== undefined && v !== DEFAULT_VARIANT) {
    const used = VARIANT_OPTION_KEYS.filter((k) => dependsOn(p, k));
    const mine = variantOptions(v) as unknown as Record<string, string>;
    const dflt = variantOptions(DEFAULT_VARIANT) as unknown as Record<string, string>;
    if (used.length === 0) {
      out.push(
        `${name} depends on none of the options a variant sets (${VARIANT_OPTION_KEYS.join(", ")}): under ${v} it runs as under any variant`,
      );
    } else if (used.every((k) => mine[k] === dflt[k])) {
      out.push(
        `${name} depends only on ${used.join(", ")} of what a variant sets: under ${v} it runs as under ${DEFAULT_VARIANT}`,
      );
    }
  }
  for (const [key, value] of Object.entries(spec.options)) {
    if (dependsOn(p, key)) continue;
    const flag = key === "interlock" ? `--interlock ${value}` : `--option ${key}=${value}`;
    out.push(`${name} does not depend on ${key === "interlock" ? "the interlock" : key}: ${flag} changes nothing`);
  }
  return out;
}
