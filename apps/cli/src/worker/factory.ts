/**
 * The factory the workers of a parallel exploration load by module
 * specifier (`exploreParallel`): it loads the same plugins by the same
 * specifiers, prepares the scenario, and reports into the shared buffer like
 * the CLI's own worker (watchdog and all).
 */
import type { MachineFactory } from "@kprim/explore";
import { JobContext } from "../jobs/context.js";
import type { RunSpec } from "../jobs/requests.js";
import { loadWatched } from "./loading.js";
import { WorkerRuntime } from "./runtime.js";
import { WatchdogWriter } from "./watchdog.js";

export interface FactoryArgs {
  readonly plugins: readonly string[];
  readonly cwd: string;
  readonly spec: RunSpec;
  readonly shared: SharedArrayBuffer;
}

export async function cliScenarioFactory(args: FactoryArgs): Promise<MachineFactory> {
  const watchdog = new WatchdogWriter(args.shared);
  const registry = await loadWatched(watchdog, args.plugins, args.cwd);
  const ctx = new JobContext(registry, new WorkerRuntime(args.shared, watchdog, args.plugins, args.cwd), []);
  return ctx.factory(ctx.prepare(args.spec));
}
