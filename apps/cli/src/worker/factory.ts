/**
 * The factory the workers of a parallel exploration load by module
 * specifier (`exploreParallel`): it loads the same plugins by the same
 * specifiers, prepares the scenario, and reports into the shared buffer like
 * the CLI's own worker (watchdog and all).
 */
import type { MachineFactory } from "@kprim/explore";
import { loadPlugins } from "@kprim/plugin";
import { JobContext } from "../jobs/context.js";
import type { RunSpec } from "../jobs/requests.js";
import { WorkerRuntime } from "./runtime.js";

export interface FactoryArgs {
  readonly plugins: readonly string[];
  readonly cwd: string;
  readonly spec: RunSpec;
  readonly shared: SharedArrayBuffer;
}

export async function cliScenarioFactory(args: FactoryArgs): Promise<MachineFactory> {
  const registry = await loadPlugins(args.plugins, { cwd: args.cwd });
  const ctx = new JobContext(registry, new WorkerRuntime(args.shared, args.plugins, args.cwd), []);
  return ctx.factory(ctx.prepare(args.spec));
}
