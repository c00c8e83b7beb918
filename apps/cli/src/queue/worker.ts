/**
 * `kprim worker --queue redis://…`: take jobs of any search from the shared
 * work queue, one at a time, each for its time slice, and post what was done
 * (and what is left) to the search's results list. Runs until Ctrl-C (or
 * SIGTERM), finishing the slice in hand.
 *
 * A job is explored only on the code it was submitted for: another kprim
 * version, another catalogue, other plugins — the worker refuses it, says
 * why on stderr, and tells the search. A job of a search that has ended
 * is skipped. BullMQ keeps the job locked while the slice runs; a worker
 * killed mid-slice loses its lock and the job is handed to another worker
 * (stalled-job handling), from its prefix: nothing is lost.
 */
import { hostname } from "node:os";
import {
  continuationOf,
  type Job,
  type JobResult,
  type MachineFactory,
  runJob,
  type WorkerContext,
} from "@kprim/explore";
import type { Vocabulary } from "@kprim/machine";
import { UsageError } from "../errors.js";
import type { JobContext } from "../jobs/context.js";
import { isInputError } from "../jobs/inputErrors.js";
import type { QueueWorkerJob } from "../jobs/requests.js";
import type { WorkerReport } from "../jobs/reports.js";
import { connection, loadBull, PREFIX } from "./bull.js";
import { reach } from "./coordinator.js";
import { incompatibility, prepareEnvelope } from "./envelope.js";
import { IdleListener } from "./idle.js";
import { endedKey, type Posted, type QueuedJob, resultsKey, WORK_QUEUE } from "./messages.js";
import { now } from "./timeline.js";
import { parseQueueUrl } from "./url.js";
import { TransportError } from "@kprim/explore";

/** A job whose worker stops renewing its lock for this long is handed out again (KPRIM_QUEUE_LOCK_MS: tests make it short). */
const LOCK_MS = Number(process.env["KPRIM_QUEUE_LOCK_MS"] ?? 10_000);

interface Ready {
  readonly factory: MachineFactory;
  readonly raises: Vocabulary | undefined;
}

/** KEYS: the search's end mark, its results list; ARGV: what to post, the list's time to live (s). 1: posted, 0: the search has ended. */
const POST_SCRIPT = `if redis.call("EXISTS", KEYS[1]) == 0 then
  redis.call("RPUSH", KEYS[2], ARGV[1])
  redis.call("EXPIRE", KEYS[2], ARGV[2])
  return 1
end
return 0`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function queueWorkerJob(ctx: JobContext, job: QueueWorkerJob): Promise<WorkerReport> {
  const addr = parseQueueUrl(job.queue);
  let probe;
  try {
    probe = await reach(addr, "the worker");
  } catch (e) {
    if (e instanceof TransportError) throw new UsageError(e.message);
    throw e;
  }
  probe.on("error", () => {});
  const bull = await loadBull();
  const conn = connection(addr, null);
  const name = `${hostname().replace(/[^\w-]/g, "_")}-${process.pid}`;
  const report = { jobs: 0, executions: 0, refused: 0, skipped: 0 };
  const ready = new Map<string, Ready | string>();
  const say = (line: string): void => void process.stderr.write(`kprim worker: ${line}\n`);
  // Posting waits for a server that went away (as BullMQ's own connections do): a result is never dropped.
  const { Redis } = await import("ioredis");
  const poster = new Redis(conn);
  poster.on("error", () => {});
  // The worker waits for a Redis that went away (its jobs are kept there): it says so once when the
  // connection is lost and once when it is back, rather than waiting in silence.
  let away = false;
  poster.on("close", () => {
    if (away || ctx.stopRequested() !== null) return;
    away = true;
    say(`lost Redis at ${addr.shown}; waiting for it to come back`);
  });
  poster.on("ready", () => {
    if (!away) return;
    away = false;
    say(`Redis at ${addr.shown} is back; waiting for jobs`);
  });
  // Hears a search's calls for work while a job holds this thread (idle.ts).
  const listener = new IdleListener(conn);

  /**
   * Push a result to its search's list unless the search has ended (kept a
   * day at most: a search that died leaves nothing for ever) — one script,
   * one round trip.
   */
  const post = async (search: string, p: Posted): Promise<boolean> =>
    (await poster.eval(POST_SCRIPT, 2, endedKey(search), resultsKey(search), JSON.stringify(p), 86_400)) === 1;

  const prepare = (q: QueuedJob): Ready | string => {
    const known = ready.get(q.search);
    if (known !== undefined) return known;
    let r: Ready | string;
    const why = incompatibility(ctx, q.envelope);
    if (why !== null) r = why;
    else {
      try {
        const p = prepareEnvelope(ctx, q.envelope);
        r = { factory: ctx.factory(p), raises: p.raises };
      } catch (e) {
        r = `its run does not prepare here: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    ready.set(q.search, r);
    if (ready.size > 16) ready.delete(ready.keys().next().value!);
    return r;
  };

  const worker = new bull.Worker(
    WORK_QUEUE,
    async (bj) => {
      const taken = now();
      const q = bj.data as QueuedJob;
      if ((await probe.exists(endedKey(q.search))) === 1) {
        report.skipped++;
        return;
      }
      const r = prepare(q);
      if (typeof r === "string") {
        report.refused++;
        say(`refused a job of search ${q.search}: ${r}`);
        await post(q.search, { kind: "refused", id: q.job.id, reason: r, worker: name });
        return;
      }
      listener.watch(q.search);
      const seen = q.idleCall;
      const started = now();
      const deadline = Date.now() + q.sliceMs;
      let wctx: WorkerContext = {
        shouldYield: () => Date.now() >= deadline,
        raises: r.raises,
        strategy: (s) => {
          const make = ctx.registry.strategy(s);
          return make === undefined ? undefined : (seed: number) => make({ seed });
        },
        onExecution: () => {
          report.executions++;
        },
        ...(seen !== undefined ? { idle: () => listener.called(seen) } : {}),
      };
      // Give and go on (@kprim/explore keep.ts): a job cut by a call for work posts what it did and
      // goes on with the units it kept, as its continuation, in the same slice — until one ends.
      let job: Job | null = q.job;
      let from = started;
      while (job !== null) {
        let posted: Posted;
        let next: Job | null = null;
        try {
          const full = runJob(r.factory, job, wctx);
          next = continuationOf(job, full);
          // What the continuation carries on from is this worker's business: not posted.
          const result: JobResult = full.kind === "units" ? { ...full, keptCarry: undefined } : full;
          const t = now();
          posted = {
            kind: "result",
            id: job.id,
            result,
            worker: name,
            ...(q.timeline === true ? { times: [job === q.job ? taken : from, from, t, t] as const } : {}),
          };
        } catch (e) {
          if (!isInputError(e)) throw e;
          posted = { kind: "failed", id: job.id, reason: e.message, worker: name };
        }
        report.jobs++;
        ctx.progress(report.executions);
        // Posted only while the search goes on: a continuation of an ended search stops here.
        if (!(await post(q.search, posted))) break;
        if (next !== null) {
          const seenNow = listener.lastCall();
          wctx = { ...wctx, idle: () => listener.called(seenNow) };
          from = now();
        }
        job = next;
      }
    },
    {
      connection: conn,
      prefix: PREFIX,
      name,
      concurrency: 1,
      lockDuration: LOCK_MS,
      stalledInterval: LOCK_MS / 2,
      // A job is handed out again however often its workers die.
      maxStalledCount: 1_000,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    },
  );
  worker.on("error", () => {});
  await worker.waitUntilReady();
  ctx.started(`kprim worker ${name} on ${addr.shown}`, null);
  say(
    `${name} waiting for jobs on ${addr.shown} (plugins: ${ctx.registry.plugins.map((p) => p.name).join(", ") || "none"})`,
  );
  while (ctx.stopRequested() === null) await sleep(200);
  await Promise.race([worker.close(), sleep(5_000)]);
  listener.close();
  poster.disconnect();
  probe.disconnect();
  return { worker: name, queue: addr.shown, ...report };
}
