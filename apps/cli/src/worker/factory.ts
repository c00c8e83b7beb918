/**
 * The factory the workers of a parallel exploration load by module
 * specifier (`exploreParallel`): it loads the same plugins by the same
 * specifiers, prepares the scenario, and reports into the shared buffer like
 * the CLI's own worker (watchdog and all).
 */
import type { MachineFactory } from "@kprim/explore";
import { JobContext, type FactoryArgs } from "../jobs/context.js";
import { loadWatched } from "./loading.js";
import { WatchdogWriter } from "./watchdog.js";

export async function cliScenarioFactory(args: FactoryArgs): Promise<MachineFactory> {
  const watchdog = new WatchdogWriter(args.shared);
  const registry = await loadWatched(watchdog, args.plugins, args.cwd);
  const ctx = new JobContext(registry, watchdog, args.shared, args.plugins, [], args.cwd);
  return ctx.factory(ctx.prepare(args.spec));
}
