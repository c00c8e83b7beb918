/**
 * The submitting side of `kprim explore --queue`: a Transport (@kprim/explore's
 * distributed driver) over BullMQ. Jobs go to the shared work queue (several
 * searches may share it, each job tagged with its search); workers push
 * what they did to this search's own results list, which this side reads
 * with a blocking pop (BLPOP) on a connection of its own: a result is read
 * the moment it is posted, with one Redis command and no polling.
 *
 * BullMQ's stalled-job handling hands a job whose worker died (SIGKILL,
 * a lost machine) to another worker; a result posted twice is read twice
 * and counted once (the driver ignores a job it has already had back).
 * Redis going away is noticed within `GIVE_UP_MS` (a ping every half second)
 * and ends the search with a TransportError: the driver then keeps what was
 * settled, marked as a partial result.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Job, JobResult, Transport } from "@kprim/explore";
import { TransportError } from "@kprim/explore";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { connection, loadBull, PREFIX } from "./bull.js";
import type { Envelope } from "./envelope.js";
import { idleChannel } from "./idle.js";
import { endedKey, type Posted, type QueuedJob, resultsKey, WORK_QUEUE } from "./messages.js";
import { type JobTimes, now, type Timeline } from "./timeline.js";
import type { QueueAddress } from "./url.js";

/**
 * A search's name on the queue (its jobs' ids and results list are made from
 * it): host, process and time for people reading Redis, and a random part —
 * searches named in the same millisecond by one process's threads shared a
 * name, and BullMQ dropped the second one's jobs as duplicates of the first's.
 * The name never reaches a run: what a search explores does not depend on it.
 */
export function newSearchId(): string {
  return `${hostname().replace(/[^\w-]/g, "_")}-${process.pid}-${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
}

/** Redis unanswered this long (time this thread could listen: see `listened`): gone. */
export const GIVE_UP_MS = 3_000;
/** The tick of `listened`. */
const TICK_MS = 100;
/** A blocking pop waits this long for a result before the driver looks at its stop request. */
const RECEIVE_WAIT_MS = 250;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A promise that settles within `ms` (closing what a lost server holds must not hang). */
const within = async (p: Promise<unknown>, ms: number): Promise<void> => {
  await Promise.race([p.catch(() => {}), sleep(ms)]);
};

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;

/**
 * Wait `ms` of time this thread could listen, in ticks of 100 ms: a tick that
 * comes late — the thread was held (BullMQ's modules evaluating beside the
 * connection) or the machine is loaded — counts once, so time in which an
 * answer could not be read is never counted as the server's silence. (A plain
 * timer held past its time fires before the answer waiting on the socket is
 * read: a loaded machine's submitter said Redis did not answer.)
 */
function listened(ms: number): { done: Promise<void>; cancel: () => void } {
  let left = Math.ceil(ms / TICK_MS);
  let tick: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    tick = setInterval(() => {
      if (--left > 0) return;
      clearInterval(tick);
      resolve();
    }, TICK_MS);
  });
  return { done, cancel: () => clearInterval(tick) };
}

/** Reach the server (one ping), or say why not in one line. */
export async function reach(addr: QueueAddress, what: string): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const c = connection(addr, GIVE_UP_MS);
  // No connect timeout of ioredis's own (a wall-clock timer, as ours was): the give-up covers a connection never made.
  const probe = new Redis({ ...c, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 0 });
  let last = "";
  probe.on("error", (e: unknown) => (last = reasonOf(e)));
  const giveUp = listened(GIVE_UP_MS);
  try {
    await Promise.race([
      probe.connect().then(() => probe.ping()),
      giveUp.done.then(() => {
        throw new Error(last || "no answer");
      }),
    ]);
  } catch (e) {
    probe.disconnect();
    throw new TransportError(`cannot reach Redis at ${addr.shown} for ${what}: ${last || reasonOf(e)}`);
  } finally {
    giveUp.cancel();
  }
  return probe;
}

export class QueueTransport implements Transport {
  private lost: string | null = null;
  private workerCount = 0;
  private lastCount = 0;
  private pinging: NodeJS.Timeout | null = null;
  private unanswered = 0;
  /** The blocking pop under way (a receive that timed out leaves it to the next: nothing popped is dropped). */
  private popping: Promise<string | null> | null = null;
  /** Workers' lines about this search (refusals), each once. */
  readonly notes: string[] = [];
  /** Measuring (KPRIM_TIMELINE): each job's times; null when not asked. */
  readonly timeline: Timeline | null;
  private readonly timed = new Map<string, JobTimes>();
  /** Calls for work so far (idle.ts). */
  private calls = 0;

  private constructor(
    private readonly addr: QueueAddress,
    readonly search: string,
    private readonly envelope: Envelope,
    private readonly sliceMs: number,
    private readonly work: Queue,
    /** Blocking pops only (a connection that waits in BLPOP can do nothing else). */
    private readonly reader: Redis,
    private readonly probe: Redis,
    timeline: boolean,
  ) {
    this.timeline = timeline ? { jobs: [] } : null;
  }

  static async open(
    addr: QueueAddress,
    envelope: Envelope,
    sliceMs: number,
    timeline = false,
  ): Promise<QueueTransport> {
    const opened = now();
    // BullMQ's modules load while the connection is made (one waits on the network, the other on the disk).
    const [probe, bull, { Redis }] = await Promise.all([reach(addr, "the search"), loadBull(), import("ioredis")]);
    const reached = now();
    const search = newSearchId();
    const conn = connection(addr, GIVE_UP_MS);
    const work = new bull.Queue(WORK_QUEUE, { connection: conn, prefix: PREFIX });
    const reader = new Redis(conn);
    const t = new QueueTransport(addr, search, envelope, sliceMs, work, reader, probe, timeline);
    if (t.timeline !== null) Object.assign(t.timeline, { opened, reached });
    work.on("error", (e) => t.noteError(e));
    reader.on("error", (e) => t.noteError(e));
    probe.on("error", (e) => t.noteError(e));
    probe.on("end", () => t.gone("the connection closed"));
    t.pinging = setInterval(() => t.ping(), 500);
    await t.countWorkers();
    if (t.timeline !== null) t.timeline.counted = now();
    return t;
  }

  private noteError(_e: unknown): void {
    // Connection errors show as unanswered pings; BullMQ retries the rest.
  }

  private gone(why: string): void {
    this.lost ??= `the queue at ${this.addr.shown} went away mid-search (${why})`;
  }

  private ping(): void {
    this.unanswered++;
    if (this.unanswered * 500 > GIVE_UP_MS) this.gone(`no answer for ${GIVE_UP_MS / 1000} s`);
    this.probe.ping().then(
      () => (this.unanswered = 0),
      () => {},
    );
  }

  private async countWorkers(): Promise<void> {
    this.lastCount = Date.now();
    try {
      // CLIENT LIST names every client of the server: count the workers of this database only.
      const db = String(this.addr.db);
      this.workerCount = (await this.work.getWorkers()).filter((w) => w["db"] === db).length;
    } catch {
      // CLIENT LIST may be disabled (a managed Redis): the capacity stays as it was.
    }
  }

  /** The workers listening (as last counted; 0 before the first). */
  workers(): number {
    return this.workerCount;
  }

  /** Twice the workers listening (at least 2): each has its next job waiting. */
  capacity(): number {
    return Math.max(2, 2 * this.workerCount);
  }

  async send(job: Job): Promise<void> {
    if (this.lost !== null) throw new TransportError(this.lost);
    const data: QueuedJob = {
      search: this.search,
      envelope: this.envelope,
      sliceMs: this.sliceMs,
      job,
      idleCall: this.calls,
      ...(this.timeline !== null ? { timeline: true } : {}),
    };
    const w = job.work;
    const times: JobTimes | null =
      this.timeline === null
        ? null
        : {
            id: job.id,
            units: w.kind === "units" ? w.units.length : 0,
            split: w.kind === "units" ? (w.split ?? null) : null,
            sent: now(),
            added: 0,
          };
    if (times !== null) {
      this.timeline!.jobs.push(times);
      this.timed.set(job.id, times);
    }
    try {
      await this.work.add("slice", data, {
        jobId: `${this.search}-${job.id}`,
        removeOnComplete: true,
        removeOnFail: true,
      });
    } catch (e) {
      this.gone(reasonOf(e));
      throw new TransportError(this.lost!);
    }
    if (times !== null) times.added = now();
  }

  /** Workers idle, nothing to hand out: the busy workers of this search hand back their frontier. */
  starved(): void {
    if (this.lost !== null) return;
    this.probe.publish(idleChannel(this.search), String(++this.calls)).catch(() => {});
  }

  async receive(): Promise<{ readonly id: string; readonly result: JobResult } | null> {
    if (Date.now() - this.lastCount > 1_000) void this.countWorkers();
    if (this.lost !== null) throw new TransportError(this.lost);
    const raw = await this.pop();
    if (raw === null) return null;
    const p = JSON.parse(raw) as Posted;
    if (p.kind === "result") {
      this.note(p);
      return { id: p.id, result: p.result };
    }
    throw new TransportError(
      p.kind === "refused"
        ? `worker ${p.worker} refused the search: ${p.reason}`
        : `worker ${p.worker} failed on the search: ${p.reason}`,
    );
  }

  /** Measuring: when a result came back, from whom, its worker's times and its runs. */
  private note(p: Posted & { kind: "result" }): void {
    let t = this.timed.get(p.id);
    if (t === undefined && this.timeline !== null && p.times !== undefined && p.id.endsWith("+")) {
      // A continuation (give and go on): no queue job, its worker went on from the job before.
      t = { id: p.id, units: 0, split: null, sent: p.times[0], added: p.times[0], continued: true };
      this.timeline.jobs.push(t);
      this.timed.set(p.id, t);
    }
    if (t === undefined || t.received !== undefined) return;
    t.received = now();
    t.worker = p.worker;
    if (p.times !== undefined) t.times = p.times;
    const r = p.result;
    t.runs =
      r.kind === "units"
        ? r.slices.reduce((n, s) => n + s.stats.executions + s.stats.blocked + s.stats.cycles, 0)
        : r.to - r.from;
    if (r.kind === "units" && r.slices.length > t.units) t.carried = r.slices.length - t.units;
  }

  /** The next result posted, or null when none came within the wait (or the server stopped answering). */
  private async pop(): Promise<string | null> {
    const key = resultsKey(this.search);
    this.popping ??= this.reader.blpop(key, RECEIVE_WAIT_MS / 1000).then((r) => (r === null ? null : r[1]));
    const mine = this.popping;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), RECEIVE_WAIT_MS + 250)));
    try {
      const got = await Promise.race([mine, late]);
      // A pop that outlives its wait (a server that stopped answering) stays in hand for the next receive.
      if (got === "late") return null;
      this.popping = null;
      return got;
    } catch (e) {
      this.popping = null;
      this.gone(reasonOf(e));
      throw new TransportError(this.lost!);
    } finally {
      clearTimeout(timer);
    }
  }

  async cancel(ids: readonly string[]): Promise<void> {
    await this.end();
    await within(Promise.all(ids.map((id) => this.work.remove(`${this.search}-${id}`))), 1_000);
  }

  private async end(): Promise<void> {
    if (this.lost !== null) return;
    await within(this.probe.set(endedKey(this.search), "1", "EX", 86_400), 1_000);
  }

  /** Leave nothing behind: the search marked ended, its results list removed, connections closed. */
  async close(): Promise<void> {
    if (this.pinging !== null) clearInterval(this.pinging);
    await this.end();
    void this.popping?.catch(() => {});
    this.reader.disconnect();
    if (this.lost === null) await within(this.probe.del(resultsKey(this.search)), 1_000);
    await within(this.work.close(), 1_000);
    this.probe.disconnect();
  }
}
