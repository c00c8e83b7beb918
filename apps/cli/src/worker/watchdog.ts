/**
 * The watchdog. The machine is synchronous: a thread body stuck in a JS
 * loop between two yields — or a strategy (a plugin's) stuck in `choose` —
 * cannot be interrupted from inside the run. So runs happen in a worker
 * thread, and every machine there reports into its thread's region of the
 * shared buffer (protocol.ts):
 *
 * - before a thread's code runs (the machine's `onResume` hook): bump the
 *   counter, mark a body running, and — when the thread changed — write its
 *   name and cpu;
 * - while the strategy chooses: bump the counter, mark the strategy running
 *   (its name is written when the machine is built), and mark nothing
 *   running once it has chosen; at the run's end, nothing running.
 *
 * - while a config file or a plugin module loads, or a scenario is set up
 *   (plugin code that runs outside thread bodies: module top levels, cpus(),
 *   setup(), detector factories): mark a load running, with what it is.
 *
 * The main thread polls: a region whose body, strategy or load has been
 * running with an unchanged counter for the quiet period is stuck; it
 * terminates the worker and names the thread, the strategy or the load. Cost per step: a few integer
 * writes to the shared buffer (measured in the CLI README). A plugin's
 * detector stuck in its hook is not watched.
 */
import { threadId } from "node:worker_threads";
import type { MachineFactory } from "@kprim/explore";
import type { Machine, Strategy } from "@kprim/machine";
import { HEADER_INTS, NAME_BYTES, R, REGION_INTS, REGIONS, RUNNING, STRATEGY_BYTES } from "./protocol.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Worker side: this thread's region of the shared buffer. */
export class WatchdogWriter {
  private readonly i32: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly base: number;
  private readonly strategyBytes: Uint8Array;
  private strategyName = "";
  private lastLoading = "";

  constructor(shared: SharedArrayBuffer) {
    this.i32 = new Int32Array(shared);
    this.base = HEADER_INTS + (threadId % REGIONS) * REGION_INTS;
    this.bytes = new Uint8Array(shared, (this.base + R.name) * 4, NAME_BYTES);
    this.strategyBytes = new Uint8Array(shared, (this.base + R.strategy) * 4, STRATEGY_BYTES);
  }

  /** Mark the strategy running while it chooses, and nothing running between steps and at the run's end. */
  wrap(strategy: Strategy): Strategy {
    const i32 = this.i32;
    const at = this.base + R.inBody;
    const counter = this.base + R.counter;
    if (strategy.name !== this.strategyName) {
      this.strategyName = strategy.name;
      i32[this.base + R.strategyLen] = encoder.encodeInto(strategy.name, this.strategyBytes).written;
    }
    return {
      name: strategy.name,
      choose(choices, view) {
        i32[counter] = (i32[counter]! + 1) | 0;
        i32[at] = RUNNING.strategy;
        // A choose that throws has stopped choosing too (exhaustive search cuts a run so: a blocked or cycling path).
        try {
          return strategy.choose(choices, view);
        } finally {
          i32[at] = RUNNING.nothing;
        }
      },
      end(view) {
        i32[at] = RUNNING.nothing;
        strategy.end?.(view);
      },
    };
  }

  /**
   * The factory decorated: its machines' threads' resumes are reported and,
   * unless `watchStrategy` is false (a strategy that waits for a person),
   * their strategies are wrapped.
   */
  decorate(factory: MachineFactory, watchStrategy = true): MachineFactory {
    return (req) => {
      const m = factory(watchStrategy ? { ...req, strategy: this.wrap(req.strategy) } : req);
      this.attach(m);
      return m;
    };
  }

  /** Mark `what` (a plugin loading, a scenario being set up) running until `done`; returns `done`. */
  loading(what: string): () => void {
    const i32 = this.i32;
    const base = this.base;
    i32[base + R.counter] = (i32[base + R.counter]! + 1) | 0;
    if (what !== this.lastLoading) {
      this.lastLoading = what;
      i32[base + R.nameLen] = encoder.encodeInto(what, this.bytes).written;
    }
    i32[base + R.inBody] = RUNNING.loading;
    return () => {
      i32[base + R.inBody] = RUNNING.nothing;
      // The name field is the running thread's again once a machine runs.
      this.lastLoading = "";
    };
  }

  /** Report each resume of this machine's threads (before the run starts). */
  attach(m: Machine): void {
    const i32 = this.i32;
    const base = this.base;
    const bytes = this.bytes;
    let last: unknown = null;
    m.addHooks({
      name: "kprim-watchdog",
      onResume(t) {
        i32[base + R.counter] = (i32[base + R.counter]! + 1) | 0;
        if (t !== last) {
          last = t;
          const { written } = encoder.encodeInto(t.name, bytes);
          i32[base + R.nameLen] = written;
          i32[base + R.cpu] = t.cpu;
        }
        i32[base + R.inBody] = RUNNING.body;
      },
    });
  }
}

/** A thread body that has not yielded, or a strategy that has not chosen. */
export type Stuck =
  | { readonly kind: "body"; readonly thread: string; readonly cpu: number }
  | { readonly kind: "strategy"; readonly strategy: string }
  | { readonly kind: "loading"; readonly what: string };

/** Main side: poll the regions; `check` returns what is stuck once it has been quiet for `quietMs`. */
export class WatchdogReader {
  private readonly i32: Int32Array;
  private readonly shared: SharedArrayBuffer;
  private readonly seen: { counter: number; since: number }[] = [];

  constructor(shared: SharedArrayBuffer) {
    this.shared = shared;
    this.i32 = new Int32Array(shared);
    for (let r = 0; r < REGIONS; r++) this.seen.push({ counter: -1, since: 0 });
  }

  check(now: number, quietMs: number): Stuck | null {
    for (let r = 0; r < REGIONS; r++) {
      const base = HEADER_INTS + r * REGION_INTS;
      const counter = Atomics.load(this.i32, base + R.counter);
      const inBody = Atomics.load(this.i32, base + R.inBody);
      const s = this.seen[r]!;
      if (counter !== s.counter || inBody === RUNNING.nothing) {
        s.counter = counter;
        s.since = now;
        continue;
      }
      if (now - s.since >= quietMs) {
        if (inBody === RUNNING.strategy)
          return { kind: "strategy", strategy: this.text(base, R.strategy, R.strategyLen) };
        if (inBody === RUNNING.loading) return { kind: "loading", what: this.text(base, R.name, R.nameLen) };
        return { kind: "body", thread: this.text(base, R.name, R.nameLen), cpu: Atomics.load(this.i32, base + R.cpu) };
      }
    }
    return null;
  }

  /** A load or set-up marked running in any region right now (what a thread that ended early was doing). */
  loadingNow(): string | null {
    for (let r = 0; r < REGIONS; r++) {
      const base = HEADER_INTS + r * REGION_INTS;
      if (Atomics.load(this.i32, base + R.inBody) === RUNNING.loading) return this.text(base, R.name, R.nameLen);
    }
    return null;
  }

  private text(base: number, at: number, len: number): string {
    const n = Atomics.load(this.i32, base + len);
    return decoder.decode(new Uint8Array(this.shared, (base + at) * 4, n).slice());
  }
}
