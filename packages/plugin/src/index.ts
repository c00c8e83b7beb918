/**
 * @kprim/plugin — plugins for kprim: `definePlugin`, and loading plugins by
 * module specifier into one registry whose every name is registered once.
 */
export {
  definePlugin,
  type DetectorFactory,
  LAYER_NAMES,
  type Plugin,
  type PluginLayers,
  type StrategyFactory,
  type StrategyOptions,
} from "./plugin.js";
export {
  type LoadedPlugin,
  type Named,
  PluginError,
  PluginRegistry,
  type Provider,
  RESERVED_STRATEGIES,
} from "./registry.js";
export {
  CONFIG_FILES,
  configFromExport,
  defaultExport,
  displaySpecifier,
  findConfig,
  importFailure,
  loadConfig,
  loadPlugin,
  loadPlugins,
  type LoadOptions,
  type PluginConfig,
  resolvePluginSpecifier,
} from "./load.js";
export { pluginFactorySpec, pluginScenarioFactory, type PluginScenarioArgs } from "./factory.js";
