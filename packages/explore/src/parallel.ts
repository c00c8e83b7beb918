/**
 * Parallel random and PCT runs over worker threads (node:worker_threads).
 * Workers load the scenario factory by module specifier: `spec.module`
 * exports `spec.export`, a function from plain-data `spec.args` to a
 * MachineFactory (plugins are loaded the same way). Run indices are cut into
 * slices handed to whichever worker is free; each worker tallies its slice
 * (up to its first run that shows the target) and sends the counts back,
 * merged in slice order up to the first slice with a match — so the result
 * equals the serial explore() with the same options, whatever the timing. Promises only gather worker replies; nothing about a run depends
 * on them.
 *
 * Workers also count the runs they finish into a small shared buffer, which
 * the calling thread polls (every 100 ms) for `onExecution` and `shouldStop`;
 * a stop is passed back through the same buffer, and each worker ends its
 * slice after the run in progress. A stopped result counts the runs of
 * every slice up to the first one cut short (that one's runs included).
 *
 * From TypeScript source (development, tests) workers load through the
 * project's one loader, tsx: a small bootstrap (tsx-worker.mjs) registers it
 * and imports worker.ts, under `--conditions=@kprim/source`; from the built
 * package they start dist/worker.js, plain JavaScript.
 */
import { Worker } from "node:worker_threads";
import type { Choice } from "@kprim/machine";
import { ExploreConfigError } from "./errors.js";
import {
  describeMode,
  estimateSteps,
  type ExploreOptions,
  type ExploreResult,
  finish,
  resolveTarget,
} from "./explore.js";
import type { MachineFactory } from "./factory.js";
import type { SampleContext, SamplingMode } from "./sampling.js";
import { checkSignal } from "./signal.js";
import { Tally, type TallySummary } from "./tally.js";

/**
 * Where a worker finds the factory: `await (await import(module))[export](args)`
 * (the export may return the factory or a promise of it, e.g. after loading
 * plugins).
 */
export interface FactorySpec {
  readonly module: string;
  readonly export: string;
  /** Plain data (it is copied to the workers). */
  readonly args?: unknown;
}

export interface ParallelOptions extends Pick<
  ExploreOptions,
  "target" | "maxSteps" | "stopOnFound" | "shrink" | "prefix" | "shouldStop" | "onExecution" | "raises"
> {
  readonly mode: SamplingMode;
  /** Worker threads (≥ 1). */
  readonly workers: number;
  /** Runs per slice (default 64). */
  readonly slice?: number;
}

/** @internal what a worker is started with */
export interface WorkerInit {
  readonly spec: FactorySpec;
  readonly mode: SamplingMode;
  readonly steps: number;
  readonly ctx: SampleContext;
  readonly stopOnFound: boolean;
  /** Int32 [runs finished by every worker, stop requested (1)]. */
  readonly control: SharedArrayBuffer;
}

/** @internal offsets in WorkerInit.control */
export const CONTROL = { done: 0, stop: 1 } as const;
const POLL_MS = 100;

/** @internal a slice of run indices [from, to) */
export interface Slice {
  readonly id: number;
  readonly from: number;
  readonly to: number;
}

type Reply =
  | { readonly kind: "ready" }
  | { readonly kind: "error"; readonly message: string }
  | {
      readonly kind: "done";
      readonly slice: number;
      readonly summary: TallySummary;
      /** The slice ended early on a stop request (not at a found run): later slices do not count. */
      readonly cut: boolean;
    };

const fromSource = import.meta.url.endsWith(".ts");

/** Load the factory a spec names, in this thread. */
export async function loadFactory(spec: FactorySpec): Promise<MachineFactory> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const make = mod[spec.export];
  if (typeof make !== "function") {
    throw new ExploreConfigError(`${spec.module} has no function export "${spec.export}"`);
  }
  return await (make as (args: unknown) => MachineFactory | Promise<MachineFactory>)(spec.args);
}

export async function exploreParallel(spec: FactorySpec, opts: ParallelOptions): Promise<ExploreResult> {
  if (!Number.isInteger(opts.workers) || opts.workers < 1) {
    throw new ExploreConfigError(`workers must be an integer ≥ 1, not ${String(opts.workers)}`);
  }
  const sliceSize = opts.slice ?? 64;
  if (!Number.isInteger(sliceSize) || sliceSize < 1) {
    throw new ExploreConfigError(`slice must be an integer ≥ 1, not ${String(sliceSize)}`);
  }
  const mode = opts.mode;
  if (mode.kind === "strategy") {
    throw new ExploreConfigError(
      `strategy ${mode.name}: a strategy given as a function cannot be sent to worker threads; run it on one thread`,
    );
  }
  if (!Number.isInteger(mode.runs) || mode.runs < 1) {
    throw new ExploreConfigError(`${mode.kind}: runs must be an integer ≥ 1, not ${String(mode.runs)}`);
  }
  const target = resolveTarget(opts.target);
  if (opts.raises !== undefined) checkSignal(target, opts.raises);
  const maxSteps = opts.maxSteps ?? 10_000;
  const stopOnFound = opts.stopOnFound ?? true;
  const factory = await loadFactory(spec);
  const prefix: readonly Choice[] | undefined = opts.prefix;
  const steps = mode.kind === "pct" ? (mode.steps ?? estimateSteps(factory, maxSteps, prefix)) : 0;
  const ctx: SampleContext = { maxSteps, target, prefix, raises: opts.raises };
  const slices: Slice[] = [];
  for (let from = 0, id = 0; from < mode.runs; from += sliceSize, id++) {
    slices.push({ id, from, to: Math.min(mode.runs, from + sliceSize) });
  }
  const stop = { asked: opts.shouldStop ?? (() => false), stopped: false };
  const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const init: WorkerInit = { spec, mode, steps, ctx, stopOnFound, control };
  const results = await runSlices(init, slices, opts.workers, stopOnFound, stop, opts.onExecution);
  const tally = new Tally();
  for (const done of results) {
    // After a stop, only the slices before the first one that never ran count (slices stay in run order).
    if (done === undefined) break;
    tally.merge(done.summary);
    // A slice stops at its first match: the runs after the first slice with one do not count.
    if (stopOnFound && tally.found !== null) break;
    // A slice cut short by a stop counts up to where it ended; the ones after it do not.
    if (done.cut) break;
  }
  opts.onExecution?.(tally.executions);
  return finish(factory, opts, target, tally, {
    mode: `${describeMode(mode)} on ${opts.workers} worker${opts.workers === 1 ? "" : "s"}`,
    blocked: 0,
    cycles: 0,
    exhausted: false,
    bound: null,
    graph: null,
    maxSteps,
    stopped: stop.stopped && tally.found === null,
  });
}

/** Hand slices to workers as they free up; stop handing out slices that start past a found run. */
function runSlices(
  init: WorkerInit,
  slices: readonly Slice[],
  workers: number,
  stopOnFound: boolean,
  stop: { readonly asked: () => boolean; stopped: boolean },
  onExecution: ((executions: number) => void) | undefined,
): Promise<({ summary: TallySummary; cut: boolean } | undefined)[]> {
  return new Promise((resolve, reject) => {
    const results: ({ summary: TallySummary; cut: boolean } | undefined)[] = new Array(slices.length);
    const control = new Int32Array(init.control);
    // Progress and the stop request, while the workers run (this thread only waits for their replies).
    const poll = setInterval(() => {
      if (!stop.stopped && stop.asked()) {
        stop.stopped = true;
        Atomics.store(control, CONTROL.stop, 1);
      }
      onExecution?.(Atomics.load(control, CONTROL.done));
    }, POLL_MS);
    const pool: Worker[] = [];
    let next = 0;
    let busy = 0;
    let limit = Infinity; // index (1-based) of the earliest found run so far
    let failed = false;
    const entry = new URL(fromSource ? "./worker.ts" : "./worker.js", import.meta.url);
    const url = fromSource ? new URL("./tsx-worker.mjs", import.meta.url) : entry;
    const execArgv = fromSource ? ["--conditions=@kprim/source"] : [];
    const stopAll = (): void => {
      clearInterval(poll);
      for (const w of pool) void w.terminate();
    };
    const feed = (w: Worker): void => {
      while (next < slices.length && slices[next]!.from + 1 > limit) next = slices.length;
      if (next < slices.length && !stop.stopped && stop.asked()) {
        stop.stopped = true;
        Atomics.store(control, CONTROL.stop, 1);
      }
      if (stop.stopped) next = slices.length;
      if (next >= slices.length) {
        if (busy === 0) {
          stopAll();
          resolve(results);
        }
        return;
      }
      busy++;
      w.postMessage(slices[next++]);
    };
    const n = Math.min(workers, slices.length);
    for (let k = 0; k < n; k++) {
      const w = new Worker(url, { workerData: { ...init, entry: entry.href }, execArgv });
      pool.push(w);
      w.on("message", (m: Reply) => {
        if (failed) return;
        if (m.kind === "error") {
          failed = true;
          stopAll();
          reject(new ExploreConfigError(m.message));
          return;
        }
        if (m.kind === "done") {
          busy--;
          results[m.slice] = { summary: m.summary, cut: m.cut };
          const hit = m.summary.found;
          if (stopOnFound && hit !== null) limit = Math.min(limit, hit.index);
        }
        feed(w);
      });
      w.on("error", (e) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(e instanceof Error ? e : new Error(String(e)));
      });
    }
  });
}
