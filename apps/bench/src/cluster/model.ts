/**
 * A virtual-time model of a queued DPOR search on W workers, to see where
 * the time goes without the machine's load in the way: the real driver and
 * the real jobs (`exploreDistributed`, `runJob` on lastzero-n), but every
 * run costs a fixed time and every job a fixed round trip, taken from the
 * timelines measured on a quiet machine (docs/scale.md). Calls for work are
 * heard between runs, as on a real worker; a job a call cuts is explored
 * again with the call in place (exploring is deterministic). Never a
 * measurement — a bound on what the queue's bookkeeping allows.
 *
 * `node --import tsx --conditions=@kprim/source apps/bench/src/cluster/model.ts [n …]` (default 8)
 * prints, per lastzero-n, one worker, two workers, two workers carrying on
 * (work first), two carrying on ahead of the search, two carrying on with
 * the waiting units gathered (fewer, larger jobs), the same with give and go
 * on (a cut job's worker goes on with what it kept: its continuation starts a
 * call's delay after the cut, with no round trip), ahead and not, and ratios,
 * with the runs the workers made (more than one worker's: runs carried on in
 * vain); `KPRIM_MODEL_RUN_US` sets a run's cost, `KPRIM_MODEL_IDLE` the runs
 * before a call for work may cut a job (default 16; the queue's is 256).
 */
import {
  continuationOf,
  type ExploreOptions,
  exploreDistributed,
  type Job,
  type JobResult,
  type MachineFactory,
  runJob,
  type Transport,
} from "@kprim/explore";
import { factoryOf, lastzero } from "@kprim/explore/examples";

/** Milliseconds: a run; sent → in the queue; in the queue → exploring; result → submitter; a call for work → heard. */
export interface ModelCosts {
  readonly run: number;
  readonly add: number;
  readonly wake: number;
  readonly back: number;
  readonly call: number;
  readonly slice: number;
}

/** lastzero-8 in one process, quiet machine: 14,185 runs in about 448 ms (units restore states as it does); a job's way 0.7 + 0.6 + 0.3 ms. */
export const QUIET: ModelCosts = { run: 0.0316, add: 0.7, wake: 0.6, back: 0.3, call: 0.3, slice: 1000 };

interface Running {
  readonly job: Job;
  /** Calls for work made before the job was sent (a later one may cut it). */
  readonly seen: number;
  readonly start: number;
  end: number;
  result: JobResult | null;
  runs: number;
  /** The runs after which the worker heard a call for work (null: none). */
  heard: number | null;
  delivered: boolean;
}

class ModelTransport implements Transport {
  now = 0;
  jobs = 0;
  /** Continuations (give and go on: no round trip through the queue). */
  continued = 0;
  carried = 0;
  /** Runs in the results delivered (a unit carried on in vain counts too). */
  runs = 0;
  /** The jobs delivered, as explored (to time them for real: apps/bench/src/cluster/cpu.ts). */
  readonly delivered: { job: Job; heard: number | null }[] = [];
  private readonly calls: number[] = [];
  private readonly queue: { job: Job; ready: number; seen: number }[] = [];
  readonly workerList: { free: number; current: Running | null; busy: number }[];

  constructor(
    private readonly factory: MachineFactory,
    private readonly n: number,
    private readonly c: ModelCosts,
  ) {
    this.workerList = Array.from({ length: n }, () => ({ free: 0, current: null, busy: 0 }));
  }

  capacity(): number {
    return 2 * this.n;
  }

  workers(): number {
    return this.n;
  }

  send(job: Job): Promise<void> {
    this.jobs++;
    this.queue.push({ job, ready: this.now + this.c.add, seen: this.calls.length });
    return Promise.resolve();
  }

  starved(): void {
    const at = this.now + this.c.call;
    this.calls.push(at);
    for (const w of this.workerList) {
      const r = w.current;
      if (r !== null && !r.delivered && r.seen < this.calls.length && r.start < at && at < r.end) this.explore(r);
    }
  }

  /** Explore a job in virtual time: its runs counted as the worker is asked, after each, whether its slice is over. */
  private explore(r: Running): void {
    let runs = 0;
    const call = this.calls[r.seen];
    const t = (): number => r.start + runs * this.c.run;
    let heard: number | null = null;
    r.result = runJob(this.factory, r.job, {
      shouldYield: () => (runs++, t() >= r.start + this.c.slice),
      idle: () => {
        const yes = call !== undefined && t() >= call;
        if (yes) heard ??= runs;
        return yes;
      },
    });
    r.heard = heard;
    r.end = t();
    r.runs = runs;
  }

  receive(): Promise<{ readonly id: string; readonly result: JobResult } | null> {
    const free = this.workerList
      .filter((w) => w.current === null || w.current.delivered)
      .sort((a, b) => a.free - b.free);
    for (const w of free) {
      const q = this.queue.shift();
      if (q === undefined) break;
      const r: Running = {
        job: q.job,
        seen: q.seen,
        start: Math.max(w.free, q.ready) + this.c.wake,
        end: 0,
        result: null,
        runs: 0,
        heard: null,
        delivered: false,
      };
      this.explore(r);
      w.current = r;
    }
    let next: (typeof this.workerList)[number] | null = null;
    for (const w of this.workerList) {
      if (w.current !== null && !w.current.delivered && (next === null || w.current.end < next.current!.end)) next = w;
    }
    if (next === null) return Promise.resolve(null);
    const r = next.current!;
    r.delivered = true;
    this.delivered.push({ job: r.job, heard: r.heard });
    next.free = r.end;
    next.busy += r.end - r.start;
    this.now = Math.max(this.now, r.end + this.c.back);
    // Give and go on: the worker goes on at once with the units it kept (its continuation), heard calls after now.
    const cont = continuationOf(r.job, r.result!);
    if (cont !== null) {
      const start = r.end + this.c.call;
      const c: Running = {
        job: cont,
        seen: this.calls.filter((x) => x <= start).length,
        start,
        end: 0,
        result: null,
        runs: 0,
        heard: null,
        delivered: false,
      };
      this.explore(c);
      next.current = c;
      this.continued++;
    }
    const own = r.job.work.kind === "units" ? r.job.work.units.length : 0;
    if (r.result!.kind === "units") {
      this.carried += Math.max(0, r.result!.slices.length - own);
      for (const s of r.result!.slices) this.runs += s.stats.executions + s.stats.blocked + s.stats.cycles;
    }
    return Promise.resolve({ id: r.job.id, result: r.result! });
  }
}

export interface ModelRow {
  readonly label: string;
  readonly ms: number;
  readonly jobs: number;
  readonly continued: number;
  readonly carried: number;
  readonly runs: number;
  readonly delivered: readonly { job: Job; heard: number | null }[];
  readonly busy: readonly number[];
}

export async function model(n: number, c: ModelCosts = QUIET): Promise<ModelRow[]> {
  const f = factoryOf(lastzero(n));
  // The budget a queued `kprim explore --all` search runs under (it changes which jobs may carry on ahead).
  const dpor: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false, maxExecutions: 100_000 };
  const rows: ModelRow[] = [];
  let executions: number | null = null;
  for (const [label, w, carry] of [
    ["1 worker", 1, false],
    ["2 workers", 2, false],
    ["2 workers, work first", 2, true],
    ["2 workers, work first ahead", 2, "ahead"],
    ["2 workers, work first, gathered (KPRIM_QUEUE_AHEAD=0 KPRIM_QUEUE_KEEP=0)", 2, "gather"],
    ["2 workers, work first, gathered, give and go on (KPRIM_QUEUE_AHEAD=0)", 2, "keep"],
    ["2 workers, work first ahead, gathered, give and go on (the default)", 2, "keep ahead"],
  ] as const) {
    const t = new ModelTransport(f, w, c);
    const r = await exploreDistributed(
      f,
      {
        ...dpor,
        idleSplit: Number(process.env["KPRIM_MODEL_IDLE"] ?? 16),
        carry: carry !== false,
        ahead: carry === "ahead" || carry === "keep ahead",
        gather: carry === "gather" || carry === "keep" || carry === "keep ahead",
        keep: carry === "keep" || carry === "keep ahead",
      },
      t,
    );
    if (executions !== null && r.executions !== executions) throw new Error("the executions differ");
    executions = r.executions;
    rows.push({
      label,
      ms: t.now,
      jobs: t.jobs,
      continued: t.continued,
      carried: t.carried,
      runs: t.runs,
      delivered: t.delivered,
      busy: t.workerList.map((x) => x.busy),
    });
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const us = process.env["KPRIM_MODEL_RUN_US"];
  const c = us === undefined ? QUIET : { ...QUIET, run: Number(us) / 1000 };
  const ns = process.argv.slice(2).map(Number);
  for (const n of ns.length > 0 ? ns : [8]) {
    const rows = await model(n, c);
    const one = rows[0]!.ms;
    for (const r of rows) {
      console.log(
        `lastzero-${n} ${r.label}: ${r.ms.toFixed(0)} ms, ${r.jobs} jobs, ${r.continued} continuations, ${r.carried} units carried on, ${r.runs} runs, exploring ${r.busy.map((b) => b.toFixed(0)).join(" + ")} ms, 1 ÷ this ${(one / r.ms).toFixed(2)}`,
      );
    }
  }
}
