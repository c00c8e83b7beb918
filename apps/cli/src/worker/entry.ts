/**
 * The CLI's worker thread: load the config file's plugins and the --plugin
 * ones (the same specifiers the main thread was given), run the job, post
 * the report back — or the error, marked as an input error (one line, exit
 * 2) or not. Machines built here report to the watchdog (watchdog.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { basename } from "node:path";
import { findConfig, loadConfig, resolvePluginSpecifier } from "@kprim/plugin";
import { compareJob } from "../jobs/compare.js";
import { JobContext } from "../jobs/context.js";
import { demoJob } from "../jobs/demo.js";
import { exploreJob } from "../jobs/explore.js";
import { interactiveJob } from "../jobs/interactive.js";
import { isInputError } from "../jobs/inputErrors.js";
import { listJob } from "../jobs/list.js";
import type { Job } from "../jobs/requests.js";
import { replayJob, runJob } from "../jobs/run.js";
import type { WorkerInit, WorkerMessage } from "./protocol.js";
import { importConfig, loadWatched } from "./loading.js";
import { WorkerRuntime } from "./runtime.js";
import { WatchdogWriter } from "./watchdog.js";

const init = workerData as WorkerInit;
const port = parentPort!;

async function dispatch(ctx: JobContext, job: Job): Promise<unknown> {
  switch (job.kind) {
    case "list":
      return listJob(ctx);
    case "run":
      return runJob(ctx, job);
    case "replay":
      return replayJob(ctx, job);
    case "explore":
      return exploreJob(ctx, job);
    case "compare":
      return compareJob(ctx, job);
    case "demo":
      return demoJob(ctx);
    case "interactive":
      return interactiveJob(ctx, job);
    default: {
      const never: never = job;
      throw new Error(`unknown job ${String((never as { kind?: unknown }).kind)}`);
    }
  }
}

async function main(): Promise<void> {
  const watchdog = new WatchdogWriter(init.shared);
  const file = findConfig(init.cwd);
  const done = file === null ? () => {} : watchdog.loading(basename(file));
  const config = await loadConfig(init.cwd, { importer: importConfig });
  done();
  // Config plugins first, then --plugin ones; a module named twice loads once.
  const modules: string[] = [];
  const seen = new Set<string>();
  for (const spec of [...config.plugins, ...init.plugins]) {
    const url = resolvePluginSpecifier(spec, init.cwd);
    if (seen.has(url)) continue;
    seen.add(url);
    modules.push(spec);
  }
  const registry = await loadWatched(watchdog, modules, init.cwd);
  const urls = modules.map((m) => resolvePluginSpecifier(m, init.cwd));
  const runtime = new WorkerRuntime(init.shared, watchdog, urls, init.cwd);
  const ctx = new JobContext(registry, runtime, init.plugins, urls);
  const data = await dispatch(ctx, init.job);
  const msg: WorkerMessage = { kind: "result", data };
  port.postMessage(msg);
}

main().catch((e: unknown) => {
  const msg: WorkerMessage = {
    kind: "error",
    input: isInputError(e),
    message: e instanceof Error ? e.message : String(e),
    stack: e instanceof Error ? String(e.stack) : String(e),
  };
  port.postMessage(msg);
});
