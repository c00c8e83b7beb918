/**
 * What every job (run in the CLI's worker thread) works with: the plugin
 * registry, machines built with the plugins' detectors and the watchdog's
 * reporting, the stop request and progress counter of the shared buffer,
 * and how a replay command is written (with the --plugin flags it needs).
 */
import { parentPort } from "node:worker_threads";
import type { BuildRequest, FactorySpec, MachineFactory } from "@kprim/explore";
import type { Machine, Strategy } from "@kprim/machine";
import type { PluginRegistry } from "@kprim/plugin";
import type { BuildOptions, Prepared } from "@kprim/scenarios";
import { UsageError } from "../errors.js";
import { isInputError } from "../worker/inputErrors.js";
import { FACTORY_MODULE } from "../worker/paths.js";
import { CTRL, type RunSpec, type StopReason, stopReason, type WorkerMessage } from "../worker/protocol.js";
import type { WatchdogWriter } from "../worker/watchdog.js";

export interface FactoryArgs {
  readonly plugins: readonly string[];
  readonly cwd: string;
  readonly spec: RunSpec;
  readonly shared: SharedArrayBuffer;
}

export class JobContext {
  private readonly ctrl: Int32Array;

  constructor(
    readonly registry: PluginRegistry,
    private readonly watchdog: WatchdogWriter,
    readonly shared: SharedArrayBuffer,
    /** Every plugin specifier loaded (config file's, then --plugin's), for worker threads. */
    readonly pluginModules: readonly string[],
    /** The --plugin values as given, for replay commands. */
    readonly pluginFlags: readonly string[],
    readonly cwd: string,
  ) {
    this.ctrl = new Int32Array(shared);
  }

  prepare(spec: RunSpec): Prepared {
    // A plugin scenario's cpus() and its interlock run here: watched like a set-up.
    const done = this.watchdog.loading(`scenario "${spec.scenario}" (preparing)`);
    try {
      return this.registry.prepare({
        scenario: spec.scenario,
        ...(spec.variant !== undefined ? { variant: spec.variant } : {}),
        options: spec.options,
        params: spec.params,
      });
    } finally {
      done();
    }
  }

  /**
   * A fresh machine for `prepared`, with the plugins' detectors and the watchdog (which watches
   * the strategy too, unless `watchStrategy` is false: the stepper's waits for a person).
   */
  machine(prepared: Prepared, opts: BuildOptions & { readonly strategy: Strategy }, watchStrategy = true): Machine {
    let m: Machine;
    // setup() and the detector factories are plugin code that runs outside thread bodies.
    const done = this.watchdog.loading(`scenario "${prepared.scenario.name}" (setting up)`);
    try {
      m = prepared.build({ ...opts, strategy: watchStrategy ? this.watchdog.wrap(opts.strategy) : opts.strategy });
      for (const d of this.registry.detectors) m.addDetector(d.value());
      done();
    } catch (e) {
      done();
      if (isInputError(e)) throw e;
      const who = this.registry.scenarioProvider(prepared.scenario.name);
      const msg = e instanceof Error ? e.message : String(e);
      throw new UsageError(
        `scenario ${prepared.scenario.name}${who && who !== "built-in" ? ` (plugin ${who})` : ""} failed to set up: ${msg}`,
        { cause: e },
      );
    }
    this.watchdog.attach(m);
    return m;
  }

  /** The explorer's factory for `prepared` (`watchStrategy`: see `machine`). */
  factory(prepared: Prepared, watchStrategy = true): MachineFactory {
    return (req: BuildRequest) =>
      this.machine(
        prepared,
        {
          strategy: req.strategy,
          ...(req.recordFootprints !== undefined ? { recordFootprints: req.recordFootprints } : {}),
          ...(req.maxSteps !== undefined ? { maxSteps: req.maxSteps } : {}),
          ...(req.detectors ? { detectors: req.detectors } : {}),
          ...(req.trace !== undefined ? { trace: req.trace } : {}),
        },
        watchStrategy,
      );
  }

  /** Where the workers of a parallel exploration find the same factory (factory.ts). */
  parallelSpec(spec: RunSpec): FactorySpec {
    const args: FactoryArgs = { plugins: this.pluginModules, cwd: this.cwd, spec, shared: this.shared };
    return { module: FACTORY_MODULE, export: "cliScenarioFactory", args };
  }

  /** `kprim replay <scenario> --schedule '<schedule>'`, with the --plugin flags the run had. */
  replayCommand(scenario: string, schedule: string): string {
    const plugins = this.pluginFlags.map((p) => ` --plugin ${shellQuote(p)}`).join("");
    return `kprim replay ${scenario}${plugins} --schedule '${schedule}'`;
  }

  stopRequested(): StopReason | null {
    return stopReason(Atomics.load(this.ctrl, CTRL.stop));
  }

  progress(executions: number): void {
    Atomics.store(this.ctrl, CTRL.executions, executions);
  }

  started(label: string, total: number | null): void {
    const m: WorkerMessage = { kind: "started", label, total };
    parentPort?.postMessage(m);
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
