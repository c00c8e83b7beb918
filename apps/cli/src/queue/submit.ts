/**
 * `kprim explore … --queue redis://…`: the search submitted to the queue's
 * workers through @kprim/explore's distributed driver — the default
 * exploration phase by phase, or one mode — with the same result as one
 * process. Redis going away ends it with what was settled before, marked
 * partial, and the reason in one line.
 */
import {
  type AutoResult,
  type ExploreOptions,
  type ExploreResult,
  exploreAutoDistributed,
  exploreDistributed,
  type Mode,
  TransportError,
} from "@kprim/explore";
import type { Prepared } from "@kprim/scenarios";
import { UsageError } from "../errors.js";
import type { JobContext } from "../jobs/context.js";
import type { ExploreJob } from "../jobs/requests.js";
import { QueueTransport } from "./coordinator.js";
import { envelope } from "./envelope.js";
import { cpuMs, now, type Timeline, wantTimeline } from "./timeline.js";
import { parseQueueUrl } from "./url.js";

/** A worker's slice unless --slice says otherwise. */
export const DEFAULT_SLICE_MS = 1_000;
/**
 * An exhaustive search's first split: while fewer units wait than workers
 * idle, a job hands back its frontier after this many runs (doubling per such
 * job), so a second worker gets work in the first milliseconds, not after a
 * whole slice. One worker alone is never split for nobody.
 */
export const FIRST_SPLIT = 16;
/**
 * The runs a job makes before a call for work (a worker idle) may cut it:
 * a few milliseconds of exploring, about what handing work over costs. With
 * the waiting units gathered into one job per idle worker, 16 cut the
 * gathered job at its first runs and handed most of it straight back
 * (lastzero-8 in the model, apps/bench/src/cluster/model.ts: 37 jobs at 16,
 * 20 at 256, the same time).
 */
export const IDLE_SPLIT = 256;
/**
 * A job expected to take at most this many runs may be explored by the
 * submitter itself (no round trip): off (0) — measured on lastzero-8, a fresh
 * submitter's cold code on cores its workers use gains nothing measurable
 * (docs/scale.md); KPRIM_QUEUE_LOCAL=<runs> turns it on for measuring.
 */
export const LOCAL_RUNS = 0;

/**
 * How an exhaustive search shares its work out: when a worker is idle
 * ("idle", the default), by counts while workers would idle ("count", the
 * early split alone), both, or neither (each job runs its slice); work
 * first (a worker goes on with the units its own requests create next, on by
 * default); and fewer, larger jobs (the units waiting gathered into one job
 * per idle worker, on by default); give and go on (a job cut by a call for
 * work hands back one unit, its worker goes on with the rest at once) with
 * work first ahead of the search (on by default: in the model,
 * apps/bench/src/cluster/model.ts, lastzero-7 to -9 over 2 workers take
 * 5–20% less time with both than with neither; give and go on alone, 7% more
 * on lastzero-8). Not options: KPRIM_QUEUE_SPLIT, KPRIM_QUEUE_IDLE (runs
 * before a job may be cut), KPRIM_QUEUE_CARRY=0, KPRIM_QUEUE_GATHER=0,
 * KPRIM_QUEUE_AHEAD=0, KPRIM_QUEUE_KEEP=0 and KPRIM_QUEUE_LOCAL are for
 * measuring one way against another.
 */
function splitting(): {
  firstSplit?: number;
  idleSplit?: number;
  localRuns?: number;
  carry?: boolean;
  gather?: boolean;
  ahead?: boolean;
  keep?: boolean;
} {
  const env = process.env;
  const local = env["KPRIM_QUEUE_LOCAL"] === undefined ? LOCAL_RUNS : Number(env["KPRIM_QUEUE_LOCAL"]);
  const here = {
    ...(local > 0 ? { localRuns: local } : {}),
    ...(env["KPRIM_QUEUE_CARRY"] === "0" ? {} : { carry: true }),
    ...(env["KPRIM_QUEUE_GATHER"] === "0" ? {} : { gather: true }),
    ...(env["KPRIM_QUEUE_AHEAD"] === "0" ? {} : { ahead: true }),
    ...(env["KPRIM_QUEUE_KEEP"] === "0" ? {} : { keep: true }),
  };
  const idle = env["KPRIM_QUEUE_IDLE"] === undefined ? IDLE_SPLIT : Number(env["KPRIM_QUEUE_IDLE"]);
  switch (env["KPRIM_QUEUE_SPLIT"]) {
    case "count":
      return { firstSplit: FIRST_SPLIT, ...here };
    case "both":
      return { firstSplit: FIRST_SPLIT, idleSplit: idle, ...here };
    case "none":
      return here;
    default:
      return { idleSplit: idle, ...here };
  }
}

export async function exploreQueued(
  ctx: JobContext,
  p: Prepared,
  job: ExploreJob,
  m: Mode | null,
  opts: Omit<ExploreOptions, "mode">,
): Promise<{ result: ExploreResult | AutoResult; lost: string | null; timeline: Timeline | null }> {
  if (m?.kind === "dfs" && m.stateful === true) {
    throw new UsageError(
      "stateful search is not distributed: its visited set is one table every execution reads (use --strategy dpor with --queue, or run it on one machine)",
    );
  }
  const addr = parseQueueUrl(job.queue!);
  let t: QueueTransport;
  try {
    t = await QueueTransport.open(
      addr,
      envelope(ctx, p, job.spec),
      job.sliceMs ?? DEFAULT_SLICE_MS,
      wantTimeline() !== null,
    );
  } catch (e) {
    if (e instanceof TransportError) throw new UsageError(e.message);
    throw e;
  }
  const { maxStates: _s, onStates: _o, ...rest } = opts;
  const factory = ctx.factory(p);
  if (t.timeline !== null) Object.assign(t.timeline, { start: now(), cpuStart: cpuMs() });
  try {
    const result =
      m === null
        ? await exploreAutoDistributed(factory, { ...rest, seed: job.seed }, t, splitting())
        : await exploreDistributed(factory, { ...rest, mode: m, ...splitting() }, t);
    if (t.timeline !== null) Object.assign(t.timeline, { end: now(), cpuEnd: cpuMs() });
    return { result, lost: null, timeline: t.timeline };
  } catch (e) {
    if (e instanceof TransportError) {
      if (e.partial === null) throw new UsageError(e.message);
      return { result: e.partial, lost: e.message, timeline: t.timeline };
    }
    throw e;
  } finally {
    await t.close();
  }
}
