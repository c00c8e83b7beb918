/**
 * What every job of a distributed search carries besides its work, so that
 * a worker explores exactly the code the search was submitted for — or
 * refuses: the kprim version, the plugins loaded (by name), a digest of the
 * scenario catalogue and what plugins add, and the run as a schedule header
 * (scenario, variant, options, parameters). A static shard's part carries
 * the same, so that `kprim merge` refuses parts of different code.
 */
import { createHash } from "node:crypto";
import { formatSchedule } from "@kprim/machine";
import type { PluginRegistry } from "@kprim/plugin";
import type { Prepared } from "@kprim/scenarios";
import type { JobContext } from "../jobs/context.js";
import type { RunSpec } from "../jobs/requests.js";
import pkg from "../../package.json" with { type: "json" };

export interface Envelope {
  readonly kprim: string;
  /** The plugins loaded where the search was submitted, by name, in load order. */
  readonly plugins: readonly string[];
  /** Scenarios, interlocks, strategies, detectors and layers in place (sha-256 of their names and parameters). */
  readonly catalogue: string;
  /** The run: a schedule header with no choices (`kprim3:<scenario>:<variant>:<options>:<params>:<run>:`). */
  readonly header: string;
  /** The run as the command line gave it (what `prepare` takes). */
  readonly spec: RunSpec;
}

export const KPRIM_VERSION: string = pkg.version;

export function catalogueDigest(registry: PluginRegistry): string {
  const names = {
    scenarios: registry.catalogue.map((s) => [s.name, s.specId, Object.keys(s.params).sort()]),
    interlocks: registry.interlocks.map((n) => n.name),
    strategies: registry.strategies.map((n) => n.name),
    detectors: registry.detectors.map((n) => n.name),
    layers: registry.layers.map((n) => n.name),
  };
  return createHash("sha256").update(JSON.stringify(names)).digest("hex").slice(0, 16);
}

export function envelope(ctx: JobContext, p: Prepared, spec: RunSpec): Envelope {
  return {
    kprim: KPRIM_VERSION,
    plugins: ctx.registry.plugins.map((x) => x.name),
    catalogue: catalogueDigest(ctx.registry),
    header: formatSchedule({ header: p.header, choices: [] }),
    spec,
  };
}

/** Why this side cannot take work of `e` (one line), or null. */
export function incompatibility(ctx: JobContext, e: Envelope): string | null {
  if (e.kprim !== KPRIM_VERSION) return `it is for kprim ${e.kprim}, this is kprim ${KPRIM_VERSION}`;
  const mine = ctx.registry.plugins.map((x) => x.name);
  const missing = e.plugins.filter((n) => !mine.includes(n));
  if (missing.length > 0)
    return `it needs plugin${missing.length > 1 ? "s" : ""} ${missing.join(", ")}, not loaded here`;
  const extra = mine.filter((n) => !e.plugins.includes(n));
  if (extra.length > 0)
    return `plugin${extra.length > 1 ? "s" : ""} ${extra.join(", ")} loaded here, not where it was submitted`;
  if (e.catalogue !== catalogueDigest(ctx.registry)) return "it was submitted with another scenario catalogue";
  return null;
}

/** The run of `e` prepared here, or why not (the header it gives must be the envelope's). */
export function prepareEnvelope(ctx: JobContext, e: Envelope): Prepared {
  const p = ctx.prepare(e.spec);
  const here = formatSchedule({ header: p.header, choices: [] });
  if (here !== e.header) throw new EnvelopeMismatch(`its run is ${e.header}, here it prepares as ${here}`);
  return p;
}

export class EnvelopeMismatch extends Error {
  override readonly name = "EnvelopeMismatch";
}
