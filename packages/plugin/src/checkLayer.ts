/**
 * `checkLayer(plugin)` — the conformance check a reviewer runs before
 * trusting a plugin's replacement layer (spinlock, token, sleepq, lockmgr or
 * buf), beside `kprimProject()`'s matrix run:
 *
 * 1. Which catalogue scenarios the layer can affect, under which variants:
 *    one round-robin run of each (scenario, variant) with the plugin's
 *    layers wrapped so that any call into them is seen. A scenario that
 *    never calls the layer is not the layer's to pass or fail.
 * 2. Under each such variant, the correct layer — the same plugin without
 *    its replaced layers, so the built-in ones — must show no failure:
 *    `pctRuns` PCT runs, then an exhaustive DPOR exploration within
 *    `maxExecutions`. Where it fails (a race scenario, a broken control),
 *    the case is skipped: a failure there says nothing about the layer.
 *    Step 3 explores as this exhaustive attempt could: every schedule where
 *    it finished, else PCT.
 * 3. The same exploration with the plugin's layers: any failure is
 *    reported with its replay handle (`kprim replay <scenario> --plugin
 *    <source> --schedule '<handle>'` reproduces it).
 *
 * Deterministic (DPOR, and PCT with a fixed seed); variants whose options
 * the scenario does not depend on are run once, and step 2's verdicts are
 * kept for the process: a plugin that brings only layers shares them with
 * every other such plugin (checking a layer and a broken twin costs step 2
 * once). Scenario and variant names are checked before anything runs.
 */
import { explore, type ExploreResult } from "@kprim/explore";
import type { Plugin, PluginLayers } from "@kprim/plugin-api";
import { findIn, type Prepared, resolveOptions, runKey, VARIANT_NAMES } from "@kprim/scenarios";
import { type LoadedPlugin, PluginRegistry } from "./registry.js";

export interface CheckLayerOptions {
  /** Variants to check under (default: every matrix variant). */
  readonly variants?: readonly string[];
  /** Scenarios to consider (default: the whole catalogue, the plugin's own scenarios included). */
  readonly scenarios?: readonly string[];
  /** Executions an exhaustive exploration may take before PCT is used instead (default 3,000). */
  readonly maxExecutions?: number;
  /** PCT runs where exhaustive exploration is not affordable (default 300, seed 1, depth 3). */
  readonly pctRuns?: number;
  /** Steps per execution (default 20,000). */
  readonly maxSteps?: number;
}

export interface LayerCase {
  readonly scenario: string;
  readonly variant: string;
  /** How it was explored: every schedule (`exhaustive`) or PCT sampling (`pct`). */
  readonly how: "exhaustive" | "pct";
  readonly executions: number;
  /** One line: the failure and its replay handle, for a failing case. */
  readonly failure?: string;
  /** The shrunk schedule (`kprim3:…`) that replays the failure. */
  readonly schedule?: string;
  /** The command that replays it. */
  readonly replay?: string;
  /**
   * No failure, but an execution reached the step limit: a possible livelock
   * or a busy-wait the explorer cannot recognise (the loop, starved threads,
   * hint and replay handle, in one paragraph). Such a case does not pass.
   */
  readonly inconclusive?: string;
}

export interface LayerCheck {
  /** No case showed a failure, and none was inconclusive. */
  readonly passed: boolean;
  /** The layers checked, by kind. */
  readonly layers: readonly string[];
  /** Every case checked (scenario × variant the layer affects, where the correct layer is clean). */
  readonly cases: readonly LayerCase[];
  readonly failures: readonly LayerCase[];
  /** Cases with no failure that reached the step limit (not verified). */
  readonly inconclusive: readonly LayerCase[];
  /** Cases not checked: the layer is not called there, or the correct layer fails there too. */
  readonly skipped: readonly { readonly scenario: string; readonly variant: string; readonly why: string }[];
}

/** Wrap every function of a layer so that a call into it is seen. */
function watched<T extends object>(layer: T, seen: { called: boolean }): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(layer)) {
    const v = (layer as Record<string, unknown>)[key];
    out[key] =
      typeof v === "function"
        ? function (this: unknown, ...args: unknown[]) {
            seen.called = true;
            return (v as (...a: unknown[]) => unknown).apply(layer, args);
          }
        : v;
  }
  return out as T;
}

function watchedLayers(layers: PluginLayers, seen: { called: boolean }): PluginLayers {
  const out: Record<string, object> = {};
  for (const [kind, layer] of Object.entries(layers)) if (layer !== undefined) out[kind] = watched(layer, seen);
  return out as PluginLayers;
}

/**
 * The built-in layers' side of a case (step 2) for a plugin that contributes
 * nothing but layers: then its "correct" registry is the catalogue's own, the
 * same for every such plugin, and the deterministic exploration need not be
 * repeated — checking a second layer (or a deliberately broken one, as a
 * review does) against the same scenarios reuses it. Keyed by the run and the
 * budgets.
 */
const builtInVerdicts = new Map<string, { readonly how: "exhaustive" | "pct"; readonly failureKind: string | null }>();

/** Whether `plugin` adds anything besides its layers (scenarios, interlocks, strategies, detectors). */
function addsBesidesLayers(plugin: Plugin): boolean {
  return [plugin.scenarios, plugin.interlocks, plugin.strategies, plugin.detectors].some(
    (c) => c !== undefined && Object.keys(c).length > 0,
  );
}

/** Check a plugin's replaced layers against the catalogue (see the module comment). */
export function checkLayer(given: Plugin | LoadedPlugin, opts: CheckLayerOptions = {}): LayerCheck {
  const loaded: LoadedPlugin = "plugin" in given ? given : { plugin: given, source: given.name };
  const { plugin, source } = loaded;
  const layers = plugin.layers ?? {};
  const kinds = Object.keys(layers).filter((k) => layers[k as keyof PluginLayers] !== undefined);
  if (kinds.length === 0) throw new Error(`plugin "${plugin.name}" replaces no layer: nothing to check`);
  const maxExecutions = opts.maxExecutions ?? 3_000;
  const pctRuns = opts.pctRuns ?? 300;
  const maxSteps = opts.maxSteps ?? 20_000;
  const candidate = new PluginRegistry([loaded]);
  const correct = new PluginRegistry([{ plugin: { ...plugin, layers: {} }, source }]);
  const seen = { called: false };
  const probe = new PluginRegistry([{ plugin: { ...plugin, layers: watchedLayers(layers, seen) }, source }]);
  const names = opts.scenarios ?? candidate.catalogue.map((s) => s.name);
  const variants = opts.variants ?? VARIANT_NAMES;
  // A misspelt name is refused before anything runs (a ParamError naming the nearest), not minutes in.
  for (const scenario of names) findIn(candidate.catalogue, scenario);
  for (const variant of variants) resolveOptions(variant);
  const cases: LayerCase[] = [];
  const skipped: { scenario: string; variant: string; why: string }[] = [];
  const done = new Set<string>();
  const shareable = !addsBesidesLayers(plugin);

  // `shrink`: a failure of the plugin's layers is shrunk for its replay handle; the built-in side needs only the verdict.
  const exploreIt = (p: Prepared, how: "exhaustive" | "pct", shrink = true): ExploreResult =>
    explore(p.build, {
      mode: how === "exhaustive" ? { kind: "dpor" } : { kind: "pct", seed: 1, runs: pctRuns, depth: 3 },
      maxSteps,
      raises: p.raises,
      shrink,
      ...(how === "exhaustive" ? { maxExecutions } : {}),
    });

  for (const scenario of names) {
    for (const variant of variants) {
      const base = correct.prepare({ scenario, variant });
      const key = runKey(base);
      if (done.has(key)) continue;
      done.add(key);
      // 1. Does the scenario call the layer under this variant?
      seen.called = false;
      probe.prepare({ scenario, variant }).build({ maxSteps }).run();
      if (!seen.called) {
        skipped.push({ scenario, variant, why: `does not call the ${kinds.join(", ")} layer` });
        continue;
      }
      // 2. The correct layer must be clean here: exhaustively if affordable, else by PCT.
      const cacheKey = shareable ? `${key}|${maxSteps}|${maxExecutions}|${pctRuns}` : null;
      let verdict = cacheKey === null ? undefined : builtInVerdicts.get(cacheKey);
      if (verdict === undefined) {
        // PCT first: where the built-in layers fail the case is skipped, and PCT's runs cost a fraction of
        // an exhaustive attempt (which, on a space DPOR cannot finish within maxExecutions, costs the most).
        const sampled = exploreIt(base, "pct", false);
        const ref = sampled.kind === "found" ? sampled : exploreIt(base, "exhaustive", false);
        const how = ref === sampled || (ref.kind === "not-found" && !ref.exhausted) ? "pct" : "exhaustive";
        verdict = { how, failureKind: ref.kind === "found" ? ref.failureKind : null };
        if (cacheKey !== null) builtInVerdicts.set(cacheKey, verdict);
      }
      const { how } = verdict;
      if (verdict.failureKind !== null) {
        skipped.push({ scenario, variant, why: `the built-in layers fail here too (${verdict.failureKind})` });
        continue;
      }
      // 3. The plugin's layers, explored the same way.
      const r = exploreIt(candidate.prepare({ scenario, variant }), how);
      if (r.kind === "found") {
        const replay = `kprim replay ${scenario} --plugin ${source} --schedule '${r.shrunk}'`;
        cases.push({
          scenario,
          variant,
          how,
          executions: r.executions,
          failure: `${scenario} under ${variant}: ${r.failure} — ${replay}`,
          schedule: r.shrunk,
          replay,
        });
      } else if (r.inconclusive !== null) {
        const replay = `kprim replay ${scenario} --plugin ${source} --schedule '${r.inconclusive.schedule}'`;
        const inconclusive = `${scenario} under ${variant}: ${r.inconclusive.message} — ${replay}`;
        cases.push({ scenario, variant, how, executions: r.executions, inconclusive });
      } else {
        cases.push({ scenario, variant, how, executions: r.executions });
      }
    }
  }
  const failures = cases.filter((c) => c.failure !== undefined);
  const inconclusive = cases.filter((c) => c.inconclusive !== undefined);
  return {
    passed: failures.length === 0 && inconclusive.length === 0,
    layers: kinds,
    cases,
    failures,
    inconclusive,
    skipped,
  };
}
