/**
 * What every job works with: the plugin registry (where runs are prepared),
 * the host it runs in, and how a replay command is written (with the
 * --plugin flags it needs).
 *
 * One pipeline from a request to a machine: `prepare(spec)` (the registry's:
 * catalogue, interlocks, layers and detectors of the loaded plugins), then
 * `factory(prepared)` — the prepared run's own `build`, decorated by the
 * host (the worker's watchdog) — for every machine a job builds.
 */
import type { FactorySpec, MachineFactory } from "@kprim/explore";
import type { Machine, ScheduleHeader } from "@kprim/machine";
import type { PluginRegistry } from "@kprim/plugin";
import type { Prepared } from "@kprim/scenarios";
import { UsageError } from "../errors.js";
import { isInputError } from "./inputErrors.js";
import type { RunSpec, SessionCommand, StopReason } from "./requests.js";
import { type Trail, TRAIL_VERSION } from "./trail.js";

/** What the thread a job runs in provides (the CLI's worker thread: worker/runtime.ts). */
export interface JobHost {
  /**
   * Decorate a factory: every machine it builds is watched (the watchdog):
   * its thread bodies, and its strategy unless `watchStrategy` is false.
   */
  watch(factory: MachineFactory, watchStrategy?: boolean): MachineFactory;
  /** Mark plugin code that runs outside thread bodies (a set-up) running until `done` is called. */
  loading(what: string): () => void;
  /** Ctrl-C or the time limit asked the job to stop (between executions). */
  stopRequested(): StopReason | null;
  /** Executions (or states, or variants) done so far, for the progress bar. */
  progress(done: number): void;
  started(label: string, total: number | null): void;
  /** Where the workers of a parallel exploration find this run's factory. */
  parallelSpec(spec: RunSpec): FactorySpec;
  /** An interactive job's state, shown to the person (the main thread answers with a command). */
  showState(state: unknown): void;
  /** Take the person's commands until the returned function is called. */
  onCommand(handler: (cmd: SessionCommand) => void): () => void;
}

export class JobContext {
  constructor(
    readonly registry: PluginRegistry,
    readonly host: JobHost,
    /** The --plugin values as given, for replay commands. */
    readonly pluginFlags: readonly string[],
    /** Every plugin module loaded (config file's, then --plugin's), as imported: what a trail records. */
    readonly pluginModules: readonly string[] = [],
  ) {}

  prepare(spec: RunSpec): Prepared {
    return this.preparing(spec.scenario, () => this.registry.prepare(spec));
  }

  /** The run a schedule header describes (a replay's, or where an interactive run starts from). */
  prepareFromHeader(h: ScheduleHeader): Prepared {
    return this.preparing(h.scenario, () => this.registry.prepareFromHeader(h));
  }

  /** A plugin scenario's cpus() and its interlock run while a run is prepared: watched like a set-up. */
  private preparing(scenario: string, f: () => Prepared): Prepared {
    const done = this.host.loading(`scenario "${scenario}" (preparing)`);
    try {
      return f();
    } finally {
      done();
    }
  }

  /**
   * The factory of a prepared run: its `build` (set-up and detector
   * factories, plugin code outside thread bodies, watched as a load), with
   * set-up failures as one-line errors, decorated by the host's watchdog —
   * which watches the strategy too, unless `watchStrategy` is false (the
   * stepper's strategy waits for a person).
   */
  factory(prepared: Prepared, watchStrategy = true): MachineFactory {
    const { registry, host } = this;
    const what = `scenario "${prepared.scenario.name}" (setting up)`;
    return host.watch((req) => {
      const done = host.loading(what);
      try {
        return prepared.build(req);
      } catch (e) {
        if (isInputError(e)) throw e;
        const who = registry.scenarioProvider(prepared.scenario.name);
        const msg = e instanceof Error ? e.message : String(e);
        throw new UsageError(
          `scenario ${prepared.scenario.name}${who && who !== "built-in" ? ` (plugin ${who})` : ""} failed to set up: ${msg}`,
          { cause: e },
        );
      } finally {
        done();
      }
    }, watchStrategy);
  }

  /** One machine of a prepared run. */
  machine(prepared: Prepared, req: Parameters<MachineFactory>[0]): Machine {
    return this.factory(prepared)(req);
  }

  /** `kprim replay <scenario> --schedule '<schedule>'`, with the --plugin flags the run had. */
  replayCommand(scenario: string, schedule: string): string {
    const plugins = this.pluginFlags.map((p) => ` --plugin ${shellQuote(p)}`).join("");
    return `kprim replay ${scenario}${plugins} --schedule '${schedule}'`;
  }

  /** The trail of a run: its schedule, the plugins loaded, its verdict. */
  trail(scenario: string, schedule: string, verdict: { signal: string; found: boolean; outcome: string }): Trail {
    return {
      kprim: "trail",
      version: TRAIL_VERSION,
      scenario,
      schedule,
      plugins: [...this.pluginModules],
      ...verdict,
      replay: this.replayCommand(scenario, schedule),
    };
  }

  stopRequested(): StopReason | null {
    return this.host.stopRequested();
  }

  progress(done: number): void {
    this.host.progress(done);
  }

  started(label: string, total: number | null): void {
    this.host.started(label, total);
  }
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
