/**
 * "A worker is idle": the submitter's call for work, heard by a busy worker
 * between two executions (Simsa, Bryant & Gibson's load balancing). A search
 * whose workers would idle with nothing to hand out publishes on its channel
 * (`kprim:idle:<search>`) a number that grows with each call; every job
 * carries the number last published when it was sent, and a worker whose
 * job is older than a call hands back its unexplored frontier at its next
 * execution (after the job's `idleSplit` runs), for the idle worker to take.
 *
 * A job's exploration holds its thread until the slice ends, so the worker
 * listens on a thread of its own (its own Redis connection, subscribed to
 * every search's channel) and keeps, in memory shared with the exploring
 * thread, the last call of the search being explored: reading it between
 * executions is one atomic load. Where the work is cut depends on timing;
 * what is counted never does (the coordinator puts any cut together into
 * the one-process result).
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { RedisOptions } from "ioredis";

export const idleChannel = (search: string): string => `kprim:idle:${search}`;

/** The listener thread (plain JavaScript, its Redis client required by path). */
const LISTENER = `
const { parentPort, workerData } = require("node:worker_threads");
const { Redis } = require(workerData.ioredis);
const last = new Int32Array(workerData.shared);
const calls = new Map();
let current = "";
const sub = new Redis({ ...workerData.connection, retryStrategy: () => 250 });
sub.on("error", () => {});
sub.psubscribe("kprim:idle:*").catch(() => {});
sub.on("pmessage", (_p, channel, message) => {
  const search = channel.slice("kprim:idle:".length);
  const n = Number(message);
  if (!((calls.get(search) ?? 0) < n)) return;
  calls.set(search, n);
  if (calls.size > 64) calls.delete(calls.keys().next().value);
  if (search === current) Atomics.store(last, 0, n);
});
parentPort.on("message", (m) => {
  if (m === null) {
    sub.disconnect();
    parentPort.close();
    return;
  }
  current = m;
  Atomics.store(last, 0, calls.get(m) ?? 0);
});
`;

export class IdleListener {
  private readonly last = new Int32Array(new SharedArrayBuffer(4));
  private readonly thread: Worker;
  private search = "";

  constructor(connection: RedisOptions) {
    const { retryStrategy: _r, ...plain } = connection;
    this.thread = new Worker(LISTENER, {
      eval: true,
      workerData: {
        shared: this.last.buffer,
        connection: plain,
        ioredis: createRequire(import.meta.url).resolve("ioredis"),
      },
    });
    this.thread.unref();
    this.thread.on("error", () => {});
  }

  /** The search about to be explored (its calls are the ones that count). */
  watch(search: string): void {
    if (search === this.search) return;
    this.search = search;
    this.last[0] = 0;
    this.thread.postMessage(search);
  }

  /** The watched search's last call heard so far (a continuation is cut only by a later one). */
  lastCall(): number {
    return Atomics.load(this.last, 0);
  }

  /** Has the watched search called for work since call `seen`? */
  called(seen: number): boolean {
    return Atomics.load(this.last, 0) > seen;
  }

  close(): void {
    this.thread.postMessage(null);
  }
}
