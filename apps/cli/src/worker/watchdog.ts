/**
 * The watchdog. The machine is synchronous: a thread body stuck in a JS
 * loop between two yields cannot be interrupted from inside the run. So runs
 * happen in a worker thread, and every machine there reports into its
 * thread's region of the shared buffer (protocol.ts):
 *
 * - before a thread's code runs (the machine's `onResume` hook): bump the
 *   counter, mark a body running, and — when the thread changed — write its
 *   name and cpu;
 * - at the next step boundary (the strategy is asked) and at the run's end:
 *   mark no body running.
 *
 * The main thread polls: a region whose body has been running with an
 * unchanged counter for the quiet period is a thread that never yields; it
 * terminates the worker and names the thread. Cost per step: a few integer
 * writes to the shared buffer (measured in the CLI README).
 */
import { threadId } from "node:worker_threads";
import type { Machine, Strategy } from "@kprim/machine";
import { HEADER_INTS, NAME_BYTES, R, REGION_INTS, REGIONS } from "./protocol.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Worker side: this thread's region of the shared buffer. */
export class WatchdogWriter {
  private readonly i32: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly base: number;

  constructor(shared: SharedArrayBuffer) {
    this.i32 = new Int32Array(shared);
    this.base = HEADER_INTS + (threadId % REGIONS) * REGION_INTS;
    this.bytes = new Uint8Array(shared, (this.base + R.name) * 4, NAME_BYTES);
  }

  /** Mark each step boundary and the run's end (no thread body running then). */
  wrap(strategy: Strategy): Strategy {
    const i32 = this.i32;
    const at = this.base + R.inBody;
    return {
      name: strategy.name,
      choose(choices, view) {
        i32[at] = 0;
        return strategy.choose(choices, view);
      },
      end(view) {
        i32[at] = 0;
        strategy.end?.(view);
      },
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
        i32[base + R.inBody] = 1;
      },
    });
  }
}

export interface Stuck {
  readonly thread: string;
  readonly cpu: number;
}

/** Main side: poll the regions; `check` returns the stuck thread once one has been quiet for `quietMs`. */
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
      if (counter !== s.counter || inBody === 0) {
        s.counter = counter;
        s.since = now;
        continue;
      }
      if (now - s.since >= quietMs) {
        const len = Atomics.load(this.i32, base + R.nameLen);
        const name = new Uint8Array(this.shared, (base + R.name) * 4, len).slice();
        return { thread: decoder.decode(name), cpu: Atomics.load(this.i32, base + R.cpu) };
      }
    }
    return null;
  }
}
