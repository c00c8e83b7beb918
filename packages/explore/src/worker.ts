/**
 * The worker side of parallel sampling (parallel.ts). It imports the
 * factory module by specifier — a package name or a file URL, as plugins
 * will be loaded — builds the factory once, then runs the slices of run
 * indices it is sent and posts back one record per run. Under
 * `stopOnFound` a slice stops at its first matching run. Nothing here reads
 * clocks or randomness: run i depends only on (mode, i).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { MachineFactory } from "./factory.js";
import { Sampler } from "./sampling.js";
import { Tally } from "./tally.js";
import { CONTROL, type Slice, type WorkerInit } from "./parallel.js";

const init = workerData as WorkerInit;
const port = parentPort!;

void import(init.spec.module).then(async (mod: Record<string, unknown>) => {
  const make = mod[init.spec.export];
  if (typeof make !== "function") {
    port.postMessage({ kind: "error", message: `${init.spec.module} has no function export "${init.spec.export}"` });
    return;
  }
  let factory: MachineFactory;
  try {
    factory = await (make as (args: unknown) => MachineFactory | Promise<MachineFactory>)(init.spec.args);
  } catch (e) {
    port.postMessage({ kind: "error", message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const control = new Int32Array(init.control);
  // One machine for every slice this worker runs (reset between runs).
  const sampler = new Sampler(factory, init.mode, init.steps, init.ctx);
  port.on("message", (s: Slice) => {
    // Counted here, sent as one summary: copying a record per execution to the main thread costs it a core.
    const tally = new Tally();
    let cut = false;
    for (let i = s.from; i < s.to; i++) {
      const matched = sampler.count(i, tally);
      Atomics.add(control, CONTROL.done, 1);
      if (init.stopOnFound && matched) break;
      if (i + 1 < s.to && Atomics.load(control, CONTROL.stop) === 1) {
        cut = true;
        break;
      }
    }
    port.postMessage({ kind: "done", slice: s.id, summary: tally.summary(), cut });
  });
  port.postMessage({ kind: "ready" });
});
