/**
 * The job host inside the CLI's worker thread (and inside the workers of a
 * parallel exploration): machines report to the watchdog through the shared
 * buffer, the stop request and progress counter live there too, and a
 * parallel exploration's workers find the same factory by module URL.
 */
import { parentPort } from "node:worker_threads";
import type { FactorySpec, MachineFactory } from "@kprim/explore";
import type { JobHost } from "../jobs/context.js";
import type { RunSpec, SessionCommand, StopReason } from "../jobs/requests.js";
import type { FactoryArgs } from "./factory.js";
import { FACTORY_MODULE } from "./paths.js";
import { CTRL, stopReason, type WorkerMessage } from "./protocol.js";
import type { WatchdogWriter } from "./watchdog.js";

export class WorkerRuntime implements JobHost {
  private readonly ctrl: Int32Array;

  constructor(
    private readonly shared: SharedArrayBuffer,
    /** The watchdog of this thread (the loading of config and plugins is watched before the runtime exists). */
    private readonly watchdog: WatchdogWriter,
    /** Every plugin specifier loaded (config file's, then --plugin's), for worker threads. */
    private readonly pluginModules: readonly string[],
    private readonly cwd: string,
  ) {
    this.ctrl = new Int32Array(shared);
  }

  watch(factory: MachineFactory, watchStrategy = true): MachineFactory {
    return this.watchdog.decorate(factory, watchStrategy);
  }

  loading(what: string): () => void {
    return this.watchdog.loading(what);
  }

  stopRequested(): StopReason | null {
    return stopReason(Atomics.load(this.ctrl, CTRL.stop));
  }

  progress(done: number): void {
    Atomics.store(this.ctrl, CTRL.executions, done);
  }

  started(label: string, total: number | null): void {
    const m: WorkerMessage = { kind: "started", label, total };
    parentPort?.postMessage(m);
  }

  parallelSpec(spec: RunSpec): FactorySpec {
    const args: FactoryArgs = { plugins: this.pluginModules, cwd: this.cwd, spec, shared: this.shared };
    return { module: FACTORY_MODULE, export: "cliScenarioFactory", args };
  }

  showState(data: unknown): void {
    const m: WorkerMessage = { kind: "state", data };
    parentPort?.postMessage(m);
  }

  onCommand(handler: (cmd: SessionCommand) => void): () => void {
    const port = parentPort!;
    port.on("message", handler);
    return () => port.off("message", handler);
  }
}
