/**
 * Plugins in worker threads. A worker cannot be handed functions, so it is
 * handed module specifiers: `pluginFactorySpec({ plugins, cwd, spec })` is a
 * FactorySpec for `exploreParallel` whose factory loads the same plugins
 * (by the same specifiers), prepares the scenario with them, and installs
 * their detectors on every machine.
 */
import type { FactorySpec, MachineFactory } from "@kprim/explore";
import type { ScenarioSpec } from "@kprim/scenarios";
import { loadPlugins } from "./load.js";

export interface PluginScenarioArgs {
  /** Plugin module specifiers (resolved from `cwd`), in load order. */
  readonly plugins: readonly string[];
  readonly cwd: string;
  readonly spec: ScenarioSpec;
}

/** Load the plugins, then the factory of the scenario `args.spec` names (worker threads call this). */
export async function pluginScenarioFactory(args: PluginScenarioArgs): Promise<MachineFactory> {
  const registry = await loadPlugins(args.plugins, { cwd: args.cwd });
  return registry.factory(registry.prepare(args.spec));
}

/** Where a worker thread finds `pluginScenarioFactory(args)`: for exploreParallel. */
export function pluginFactorySpec(args: PluginScenarioArgs): FactorySpec {
  return { module: import.meta.url, export: "pluginScenarioFactory", args };
}
