/**
 * @kprim/plugin-api — what a plugin needs to declare itself: `definePlugin`
 * and the Plugin contract. It imports nothing at run time (the layers'
 * types only, as optional peer dependencies), so a plugin that adds an
 * interlock installs lockmgr and not the buffer cache; loading plugins into
 * the catalogue is @kprim/plugin's job.
 *
 * The plugin contract. A plugin is a plain object of contributions, built by
 * `definePlugin` (a typed identity helper) and usually the default export of
 * its module, so that the CLI and its worker threads can load it by module
 * specifier:
 *
 *   export default definePlugin({
 *     name: "mtx",
 *     interlocks: { mtx: mtxInterlock },      // chosen with --interlock mtx
 *     scenarios: [mtxLostWakeup],             // join the catalogue
 *     strategies: { "cpu0-first": (o) => … }, // kprim run/explore --strategy cpu0-first
 *     detectors: { "mtx-owner": () => … },    // installed on every machine
 *     layers: { sleepq: mySleepq },           // replace one layer of the Kernel
 *   });
 *
 * Invariants: every name a plugin registers (interlock, scenario, strategy,
 * detector, replaced layer) is registered once across built-ins and loaded
 * plugins, or loading fails naming both registrants. Detectors are factories
 * (one fresh detector per machine: detectors may keep per-run state).
 */
import type { BufLayer } from "@kprim/buf";
import type { InterlockKind, LockmgrLayer } from "@kprim/lockmgr";
import type { Detector, Strategy } from "@kprim/machine";
import type { KernelScenario } from "@kprim/scenarios";
import type { SleepqLayer } from "@kprim/sleepq";
import type { SpinlockLayer } from "@kprim/spinlock";
import type { TokenLayer } from "@kprim/token";

/** What a strategy factory is given: the run's seed (`kprim run --seed`). */
export interface StrategyOptions {
  readonly seed: number;
}

export type StrategyFactory = (opts: StrategyOptions) => Strategy;

/** A fresh detector for one machine. */
export type DetectorFactory = () => Detector;

/** The Kernel layers a plugin may replace (the interlock is chosen by name instead). */
export interface PluginLayers {
  readonly spinlock?: SpinlockLayer;
  readonly token?: TokenLayer;
  readonly sleepq?: SleepqLayer;
  readonly lockmgr?: LockmgrLayer;
  readonly buf?: BufLayer;
}

export const LAYER_NAMES = ["spinlock", "token", "sleepq", "lockmgr", "buf"] as const;

export interface Plugin {
  /** Lowercase words joined by '-'; names the plugin in errors and listings. */
  readonly name: string;
  /** Interlocks by the name `--interlock` and the `interlock` option choose them with. */
  readonly interlocks?: Readonly<Record<string, InterlockKind>>;
  /** Scenarios that join the catalogue. */
  readonly scenarios?: readonly KernelScenario[];
  /** Strategies by name, for single runs. */
  readonly strategies?: Readonly<Record<string, StrategyFactory>>;
  /** Detectors by name, installed on every machine the registry builds. */
  readonly detectors?: Readonly<Record<string, DetectorFactory>>;
  /** Layers put in place of the defaults for every run. */
  readonly layers?: PluginLayers;
}

/**
 * Define a plugin (typed identity: the object itself, unchanged). It returns
 * `Plugin`, so a module's `export default definePlugin({...})` needs no type
 * annotation under declaration emit.
 */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}
