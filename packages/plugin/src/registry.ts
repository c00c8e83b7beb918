/**
 * Composing plugins into one registry: the catalogue (built-in scenarios and
 * the plugins'), the interlocks (built-in and the plugins'), strategies,
 * detectors and replaced layers — each name registered once, or a
 * PluginError naming both registrants. The registry prepares runs with the
 * plugins in place (`context`): `prepare` and `prepareFromHeader` look
 * scenarios up in its catalogue, pass the plugins' interlocks and layers as
 * kernel overrides and their detectors as extra detectors — so a prepared
 * run's `build` is the whole factory, and its schedule header names every
 * plugin layer and detector a replay needs.
 *
 * Pure and synchronous: loading modules is load.ts's job.
 */
import type { MachineFactory } from "@kprim/explore";
import { builtinInterlocks, type InterlockKind } from "@kprim/lockmgr";
import { nearest, type ScheduleHeader } from "@kprim/machine";
import {
  catalogue as builtinCatalogue,
  type ExtraDetector,
  type KernelOverrides,
  type KernelScenario,
  prepare,
  type PrepareContext,
  type Prepared,
  prepareFromHeader,
  type PrepareSpec,
} from "@kprim/scenarios";
import { LAYER_NAMES, type DetectorFactory, type Plugin, type PluginLayers, type StrategyFactory } from "./plugin.js";

/** A plugin problem: a module that fails to load or throws, a bad export, a name registered twice. */
export class PluginError extends Error {
  override readonly name = "PluginError";
}

/** Strategy names kprim itself uses; a plugin may not register them. */
export const RESERVED_STRATEGIES: readonly string[] = Object.freeze([
  "auto",
  "random",
  "pct",
  "timed",
  "rr",
  "round-robin",
  "replay",
  "dpor",
  "dfs",
  "iterative",
  "stateful",
]);

/** A plugin with where it came from (a module specifier, or a label for one given inline). */
export interface LoadedPlugin {
  readonly plugin: Plugin;
  readonly source: string;
}

/** Who registered a name: "built-in" or the plugin's name. */
export type Provider = "built-in" | string;

export interface Named<T> {
  readonly name: string;
  readonly value: T;
  readonly provider: Provider;
}

const BUILTIN: Provider = "built-in";

function label(p: LoadedPlugin): string {
  return `plugin "${p.plugin.name}" (${p.source})`;
}

function checkShape(loaded: LoadedPlugin): void {
  const p = loaded.plugin as unknown;
  if (typeof p !== "object" || p === null || typeof (p as { name?: unknown }).name !== "string") {
    throw new PluginError(
      `${loaded.source}: its default export is not a plugin (export default definePlugin({ name, ... }))`,
    );
  }
  const plugin = p as Plugin;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(plugin.name)) {
    throw new PluginError(`${loaded.source}: plugin name "${plugin.name}" must be lowercase words joined by '-'`);
  }
  const where = label(loaded);
  const record = (what: string, r: unknown): void => {
    if (r !== undefined && (typeof r !== "object" || r === null || Array.isArray(r))) {
      throw new PluginError(`${where}: ${what} must be an object of named entries`);
    }
  };
  record("interlocks", plugin.interlocks);
  record("strategies", plugin.strategies);
  record("detectors", plugin.detectors);
  record("layers", plugin.layers);
  if (plugin.scenarios !== undefined && !Array.isArray(plugin.scenarios)) {
    throw new PluginError(`${where}: scenarios must be an array`);
  }
  for (const [name, k] of Object.entries(plugin.interlocks ?? {})) {
    if (typeof k?.create !== "function") throw new PluginError(`${where}: interlock "${name}" has no create()`);
  }
  for (const s of plugin.scenarios ?? []) {
    if (typeof s?.name !== "string" || typeof s.setup !== "function" || typeof s.cpus !== "function") {
      throw new PluginError(`${where}: a scenario needs a name, cpus() and setup()`);
    }
  }
  for (const [name, f] of Object.entries(plugin.strategies ?? {})) {
    if (typeof f !== "function") throw new PluginError(`${where}: strategy "${name}" must be a function`);
  }
  for (const [name, f] of Object.entries(plugin.detectors ?? {})) {
    if (typeof f !== "function") throw new PluginError(`${where}: detector "${name}" must be a function`);
  }
  for (const key of Object.keys(plugin.layers ?? {})) {
    if (!(LAYER_NAMES as readonly string[]).includes(key)) {
      throw new PluginError(`${where}: unknown layer "${key}"; layers: ${LAYER_NAMES.join(", ")}`);
    }
  }
}

/** A name → registrant table that refuses a second registration. */
class Table<T> {
  private readonly entries = new Map<string, { value: T; provider: Provider; owner: LoadedPlugin | null }>();
  constructor(private readonly what: string) {}

  builtin(name: string, value: T): void {
    this.entries.set(name, { value, provider: BUILTIN, owner: null });
  }

  add(name: string, value: T, owner: LoadedPlugin): void {
    const prev = this.entries.get(name);
    if (prev !== undefined) {
      throw new PluginError(
        prev.owner === null
          ? `${label(owner)} registers ${this.what} "${name}", which is built in`
          : `${this.what} "${name}" is registered by both ${label(prev.owner)} and ${label(owner)}`,
      );
    }
    this.entries.set(name, { value, provider: owner.plugin.name, owner });
  }

  list(): Named<T>[] {
    return [...this.entries].map(([name, e]) => ({ name, value: e.value, provider: e.provider }));
  }
}

export class PluginRegistry {
  /** The loaded plugins, in load order. */
  readonly plugins: readonly { readonly name: string; readonly source: string }[];
  /** Built-in scenarios, then each plugin's. */
  readonly catalogue: readonly KernelScenario[];
  readonly interlocks: readonly Named<InterlockKind>[];
  readonly strategies: readonly Named<StrategyFactory>[];
  readonly detectors: readonly Named<DetectorFactory>[];
  /** Replaced layers and who replaced them. */
  readonly layers: readonly Named<unknown>[];
  /** What `prepare` passes to @kprim/scenarios: the plugins' interlocks and layers. */
  readonly kernel: KernelOverrides;
  /** Where runs are prepared: this catalogue, these kernel overrides, the plugins' detectors. */
  readonly context: PrepareContext;
  private readonly providers: ReadonlyMap<string, Provider>;

  constructor(loaded: readonly LoadedPlugin[] = []) {
    const names = new Map<string, LoadedPlugin>();
    const scenarios = new Table<KernelScenario>("scenario");
    const interlocks = new Table<InterlockKind>("interlock");
    const strategies = new Table<StrategyFactory>("strategy");
    const detectors = new Table<DetectorFactory>("detector");
    const layers = new Table<unknown>("layer");
    for (const s of builtinCatalogue) scenarios.builtin(s.name, s);
    for (const [name, k] of Object.entries(builtinInterlocks)) interlocks.builtin(name, k);
    for (const name of RESERVED_STRATEGIES) strategies.builtin(name, () => undefined as never);
    for (const l of loaded) {
      checkShape(l);
      const prev = names.get(l.plugin.name);
      if (prev !== undefined) {
        throw new PluginError(`two plugins are named "${l.plugin.name}": ${prev.source} and ${l.source}`);
      }
      names.set(l.plugin.name, l);
      for (const s of l.plugin.scenarios ?? []) scenarios.add(s.name, s, l);
      for (const [name, k] of Object.entries(l.plugin.interlocks ?? {})) interlocks.add(name, k, l);
      for (const [name, f] of Object.entries(l.plugin.strategies ?? {})) strategies.add(name, f, l);
      for (const [name, f] of Object.entries(l.plugin.detectors ?? {})) detectors.add(name, f, l);
      for (const [name, layer] of Object.entries(l.plugin.layers ?? {})) {
        if (layer !== undefined) layers.add(name, layer, l);
      }
    }
    this.plugins = loaded.map((l) => ({ name: l.plugin.name, source: l.source }));
    const scenarioList = scenarios.list();
    this.catalogue = scenarioList.map((s) => s.value);
    this.providers = new Map(scenarioList.map((s) => [s.name, s.provider]));
    this.interlocks = interlocks.list();
    this.strategies = strategies.list().filter((s) => s.provider !== BUILTIN);
    this.detectors = detectors.list();
    this.layers = layers.list();
    const extra: Record<string, InterlockKind> = {};
    for (const i of this.interlocks) if (i.provider !== BUILTIN) extra[i.name] = i.value;
    const replaced: Record<string, unknown> = {};
    for (const l of this.layers) replaced[l.name] = l.value;
    this.kernel = { ...(replaced as PluginLayers), interlocks: extra };
    const detectorList: ExtraDetector[] = this.detectors.map((d) => ({
      name: d.name,
      provider: d.provider,
      make: d.value,
    }));
    this.context = { catalogue: this.catalogue, kernel: this.kernel, detectors: detectorList };
  }

  /** "built-in", the plugin that added the scenario, or undefined for an unknown name. */
  scenarioProvider(name: string): Provider | undefined {
    return this.providers.get(name);
  }

  /** A plugin strategy by name (undefined: none), with a suggestion among them for errors. */
  strategy(name: string): StrategyFactory | undefined {
    return this.strategies.find((s) => s.name === name)?.value;
  }

  /** The nearest registered name of a kind, for "did you mean" messages. */
  suggest(
    kind: "scenario" | "interlock" | "strategy",
    name: string,
    extra: readonly string[] = [],
  ): string | undefined {
    const names =
      kind === "scenario"
        ? this.catalogue.map((s) => s.name)
        : kind === "interlock"
          ? this.interlocks.map((i) => i.name)
          : [...extra, ...this.strategies.map((s) => s.name)];
    return nearest(name, names);
  }

  /** prepare() of @kprim/scenarios with this registry's catalogue, interlocks, layers and detectors. */
  prepare(spec: Omit<PrepareSpec, keyof PrepareContext | "replay">): Prepared {
    return prepare({ ...spec, ...this.context });
  }

  /**
   * Re-prepare the run a schedule header describes, with the plugins in
   * place (prepareFromHeader of @kprim/scenarios: a header whose plugin
   * layers or detectors are not the ones loaded is a one-line error saying
   * which plugin to load or leave out).
   */
  prepareFromHeader(header: ScheduleHeader): Prepared {
    return prepareFromHeader(header, this.context);
  }

  /** The explorer's machine factory for a prepared run: `prepared.build` (plugin detectors included). */
  factory(prepared: Prepared): MachineFactory {
    return prepared.build;
  }
}
