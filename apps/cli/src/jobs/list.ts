/** `list`: every scenario (built-in and plugins'), its parameters and its matrix rows. */
import { describeParam, type ParamSpec } from "@kprim/machine";
import { matrix, OPTION_SPECS, VARIANT_NAMES } from "@kprim/scenarios";
import type { JobContext } from "./context.js";
import type { ListReport } from "./reports.js";
import { RUN_STRATEGIES } from "./strategies.js";

export function listJob(ctx: JobContext): ListReport {
  const reg = ctx.registry;
  return {
    scenarios: reg.catalogue.map((s) => ({
      name: s.name,
      specId: s.specId,
      description: s.description,
      source: reg.scenarioProvider(s.name) ?? "built-in",
      params: Object.entries(s.params as Readonly<Record<string, ParamSpec>>).map(([name, p]) => ({
        name,
        type: describeParam(p),
        default: p.default,
        description: p.description,
      })),
      variants: matrix.rows
        .filter((r) => s.specId !== null && r.id === s.specId)
        .map((r) => ({ variant: r.variant, options: r.options, expect: r.expect, signal: r.signal })),
      dependsOn: s.dependsOn ?? null,
      detectors: detectorsOf(ctx, s.name),
    })),
    interlocks: reg.interlocks.map((i) => ({ name: i.name, source: i.provider, description: i.value.description })),
    variants: VARIANT_NAMES,
    options: Object.keys(OPTION_SPECS),
    strategies: [
      ...RUN_STRATEGIES.map((name) => ({ name, source: "built-in" })),
      ...reg.strategies.map((s) => ({ name: s.name, source: s.provider })),
    ],
  };
}

/** The detectors a scenario's runs install under the default variant (none listed if it cannot be prepared so). */
function detectorsOf(ctx: JobContext, scenario: string): readonly string[] {
  try {
    return ctx.registry.prepare({ scenario }).raises.violations;
  } catch {
    return [];
  }
}
