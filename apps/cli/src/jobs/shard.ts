/**
 * Static shards: `kprim explore … --shard i/N --json` explores part i of N
 * of the search and prints it as a part document; `kprim merge part…` puts
 * the parts back into the one result, printed as `explore` prints it. For
 * batch engines with no queue (a Slurm array, a Kubernetes Indexed Job).
 *
 * A part carries what its search was run on (kprim version, plugins,
 * catalogue, the run's header, the signal): merge refuses parts of
 * different searches or different code, and parts made elsewhere than
 * where they are merged.
 */
import {
  type AutoResult,
  exploreAutoShard,
  type ExploreOptions,
  exploreShard,
  mergeShards,
  mismatch,
  type Mode,
  type Part,
} from "@kprim/explore";
import type { Prepared } from "@kprim/scenarios";
import { UsageError } from "../errors.js";
import { type Envelope, envelope, incompatibility, prepareEnvelope } from "../queue/envelope.js";
import type { JobContext } from "./context.js";
import { exploreReport } from "./exploreReport.js";
import type { ExploreReport } from "./reports.js";
import type { ExploreJob, MergeJob } from "./requests.js";

export const PART_FORMAT = "kprim-part/1";

/** What `explore --shard i/N --json` prints. */
export interface PartDocument {
  readonly format: typeof PART_FORMAT;
  readonly envelope: Envelope;
  readonly signal: string;
  /** The part was cut short (Ctrl-C, --time-limit): merging it gives a partial result. */
  readonly stopped: string | null;
  readonly part: Part;
}

export function shardPart(
  ctx: JobContext,
  p: Prepared,
  job: ExploreJob,
  m: Mode | null,
  opts: Omit<ExploreOptions, "mode">,
): PartDocument {
  const shard = job.shard!;
  ctx.started(`${p.scenario.name}: part ${shard.index} of ${shard.count}`, null);
  let done = 0;
  const wctx = {
    raises: p.raises,
    shouldYield: () => ctx.stopRequested() !== null,
    onExecution: () => ctx.progress(++done),
    strategy: (s: string) => {
      const make = ctx.registry.strategy(s);
      return make === undefined ? undefined : (seed: number) => make({ seed });
    },
  };
  const { onExecution: _e, onStates: _s, maxStates: _m, shouldStop: _t, ...rest } = opts;
  const factory = ctx.factory(p);
  const part =
    m === null
      ? exploreAutoShard(factory, { ...rest, seed: job.seed }, shard, wctx)
      : exploreShard(factory, { ...rest, mode: m }, shard, wctx);
  return {
    format: PART_FORMAT,
    envelope: envelope(ctx, p, job.spec),
    signal: job.signal,
    stopped: ctx.stopRequested(),
    part,
  };
}

function asPart(file: string, data: unknown): PartDocument {
  const d = data as Partial<PartDocument> | null;
  if (
    typeof d !== "object" ||
    d === null ||
    d.format !== PART_FORMAT ||
    d.part === undefined ||
    d.envelope === undefined
  ) {
    throw new UsageError(`${file}: not a part (kprim explore … --shard i/N --json writes one)`);
  }
  return d as PartDocument;
}

export function mergeJob(ctx: JobContext, job: MergeJob): ExploreReport {
  const docs = job.parts.map((x) => ({ file: x.file, doc: asPart(x.file, x.data) }));
  const first = docs[0]!;
  for (const { file, doc } of docs.slice(1)) {
    if (JSON.stringify(doc.envelope) !== JSON.stringify(first.doc.envelope) || doc.signal !== first.doc.signal) {
      throw new UsageError(`${file} is a part of another search than ${first.file} (another run, signal or kprim)`);
    }
  }
  const why = incompatibility(ctx, first.doc.envelope);
  if (why !== null) throw new UsageError(`the parts cannot be merged here: ${why}`);
  const bad = mismatch(docs.map((d) => d.doc.part));
  if (bad !== null) throw new UsageError(`the parts do not make one search: ${bad}`);
  const p = prepareEnvelope(ctx, first.doc.envelope);
  ctx.started(`merging ${docs.length} parts`, null);
  const r = mergeShards(
    ctx.factory(p),
    docs.map((d) => d.doc.part),
    { raises: p.raises },
  );
  const phases = "phases" in r ? (r as AutoResult).phases : null;
  const report = exploreReport(
    ctx,
    p,
    { signal: first.doc.signal, trace: job.trace, spec: first.doc.envelope.spec },
    r,
    phases,
    null,
  );
  const stopped = docs.find((d) => d.doc.stopped !== null)?.doc.stopped ?? null;
  return {
    ...report,
    stopped: r.stopped ? ((stopped as ExploreReport["stopped"]) ?? "time-limit") : null,
    lost: null,
    distributed: { parts: docs.length },
  };
}
