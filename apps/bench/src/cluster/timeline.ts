/**
 * Where a queued search's time went, from the timeline `kprim explore`
 * writes with KPRIM_TIMELINE=<file> (apps/cli/src/queue/timeline.ts): per
 * job the queue's wait, the worker's time before and after exploring, the
 * way back to the submitter; per worker the time it explored and the time
 * it did not; the submitter's time from a result to the jobs it sent next;
 * and how much of the search had 0, 1, 2… workers exploring at once.
 *
 * `node --import tsx apps/bench/src/cluster/timeline.ts <file>` prints it.
 */
import { readFileSync } from "node:fs";

export interface TimelineFile {
  readonly born?: number;
  readonly asked?: number;
  readonly opened?: number;
  readonly reached?: number;
  readonly counted?: number;
  readonly start: number;
  readonly end: number;
  readonly jobs: readonly {
    readonly id: string;
    readonly units: number;
    readonly split: number | null;
    readonly sent: number;
    readonly added: number;
    readonly received?: number;
    readonly worker?: string;
    readonly times?: readonly [number, number, number, number];
    readonly runs?: number;
    readonly carried?: number;
    readonly continued?: boolean;
  }[];
}

export interface TimelineSummary {
  /** The search (ms), and the queue's connection before it. */
  readonly searchMs: number;
  readonly openMs: number | null;
  /**
   * Before the search (ms from the process's start, where recorded): its run prepared, the queue's
   * connection opened, Redis reached with BullMQ loaded, the workers counted, the search started; and
   * the first job explored (from the search's start).
   */
  readonly before: {
    asked: number | null;
    opened: number | null;
    reached: number | null;
    counted: number | null;
    start: number | null;
  };
  readonly firstExplored: number | null;
  readonly jobs: number;
  /** Continuations among them (give and go on: no queue job). */
  readonly continuations: number;
  readonly runs: number;
  /** Units explored by carrying on (work first), beyond the jobs' own. */
  readonly carried: number;
  /** Medians over jobs (ms): sent → added, added → taken, taken → started, exploring, ended → received. */
  readonly median: { add: number; wait: number; before: number; explore: number; back: number };
  /** Per worker: jobs, runs, ms exploring, ms not exploring within the search. */
  readonly workers: readonly { name: string; jobs: number; runs: number; exploring: number; idle: number }[];
  /** The submitter from each result to the next jobs it sent (ms): the sum and the median. */
  readonly submitter: { total: number; median: number };
  /** Of the search's time, the share with k workers exploring (index k). */
  readonly concurrency: readonly number[];
}

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const since = (t: TimelineFile, x: number | undefined): number | null =>
  t.born === undefined || x === undefined ? null : x - t.born;

export function summarize(t: TimelineFile): TimelineSummary {
  const done = t.jobs.filter((j) => j.times !== undefined && j.received !== undefined);
  const searchMs = t.end - t.start;
  const byWorker = new Map<string, { jobs: number; runs: number; exploring: number }>();
  const edges: [number, number][] = [];
  for (const j of done) {
    const [, started, ended] = j.times!;
    const w = byWorker.get(j.worker!) ?? { jobs: 0, runs: 0, exploring: 0 };
    w.jobs++;
    w.runs += j.runs ?? 0;
    w.exploring += ended - started;
    byWorker.set(j.worker!, w);
    edges.push([Math.max(started, t.start), 1], [Math.min(ended, t.end), -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const concurrency: number[] = [0];
  let level = 0;
  let at = t.start;
  for (const [x, d] of edges) {
    concurrency[level] = (concurrency[level] ?? 0) + Math.max(0, x - at);
    at = Math.max(at, x);
    level += d;
  }
  concurrency[level] = (concurrency[level] ?? 0) + Math.max(0, t.end - at);
  // The submitter: from each result received to the first job it sent before the next result (when it sent one).
  const sends = t.jobs.map((j) => j.sent).sort((a, b) => a - b);
  const back = done.map((j) => j.received!).sort((a, b) => a - b);
  const gaps: number[] = [];
  back.forEach((r, i) => {
    const next = sends.find((s) => s >= r);
    if (next !== undefined && (i + 1 === back.length || next < back[i + 1]!)) gaps.push(next - r);
  });
  return {
    searchMs,
    openMs: t.opened === undefined ? null : t.start - t.opened,
    before: {
      asked: since(t, t.asked),
      opened: since(t, t.opened),
      reached: since(t, t.reached),
      counted: since(t, t.counted),
      start: since(t, t.start),
    },
    firstExplored: done.length === 0 ? null : Math.min(...done.map((j) => j.times![1])) - t.start,
    jobs: t.jobs.length,
    continuations: t.jobs.filter((j) => j.continued === true).length,
    runs: done.reduce((n, j) => n + (j.runs ?? 0), 0),
    carried: done.reduce((n, j) => n + (j.carried ?? 0), 0),
    median: {
      add: median(done.map((j) => j.added - j.sent)),
      wait: median(done.map((j) => j.times![0] - j.added)),
      before: median(done.map((j) => j.times![1] - j.times![0])),
      explore: median(done.map((j) => j.times![2] - j.times![1])),
      back: median(done.map((j) => j.received! - j.times![2])),
    },
    workers: [...byWorker].map(([name, w]) => ({
      name,
      jobs: w.jobs,
      runs: w.runs,
      exploring: w.exploring,
      idle: searchMs - w.exploring,
    })),
    submitter: { total: gaps.reduce((a, b) => a + b, 0), median: median(gaps) },
    concurrency: concurrency.map((x) => (searchMs > 0 ? x / searchMs : 0)),
  };
}

/** One job per line: offsets from the search's start (ms). */
export function jobLines(t: TimelineFile): string[] {
  const f = (x: number | undefined): string => (x === undefined ? "-" : (x - t.start).toFixed(1));
  return t.jobs.map((j) => {
    const w = j.times;
    return [
      j.id.padEnd(8),
      `u${j.units}${j.split === null ? "" : `/s${j.split}`}`.padEnd(9),
      `sent ${f(j.sent)} added ${f(j.added)}`,
      w === undefined ? "" : `taken ${f(w[0])} started ${f(w[1])} ended ${f(w[2])}`,
      `received ${f(j.received)}`,
      `runs ${j.runs ?? "-"}${j.carried === undefined ? "" : ` (+${j.carried} carried)`}`,
      (j.worker ?? "").slice(-6),
    ].join("  ");
  });
}

const fmt = (x: number): string => x.toFixed(1);
const opt = (x: number | null): string => (x === null ? "?" : fmt(x));

export function describe(s: TimelineSummary): string[] {
  return [
    `search ${fmt(s.searchMs)} ms (queue opened ${s.openMs === null ? "?" : fmt(s.openMs)} ms before), ${s.jobs} jobs (${s.continuations} continuations), ${s.runs} runs, ${s.carried} units carried on`,
    ...(s.before.start === null
      ? []
      : [
          `from the process's start (ms): run prepared ${opt(s.before.asked)}, queue opened ${opt(s.before.opened)}, Redis reached with BullMQ loaded ${opt(s.before.reached)}, workers counted ${opt(s.before.counted)}, search started ${opt(s.before.start)}; first job explored ${opt(s.firstExplored)} ms after the search started`,
        ]),
    `median per job (ms): add ${fmt(s.median.add)}, queue wait ${fmt(s.median.wait)}, worker before exploring ${fmt(s.median.before)}, exploring ${fmt(s.median.explore)}, back to the submitter ${fmt(s.median.back)}`,
    ...s.workers.map(
      (w) =>
        `worker …${w.name.slice(-6)}: ${w.jobs} jobs, ${w.runs} runs, exploring ${fmt(w.exploring)} ms, not ${fmt(w.idle)} ms`,
    ),
    `submitter from a result to the next jobs: ${fmt(s.submitter.total)} ms in all, median ${fmt(s.submitter.median)} ms`,
    `share of the search with k workers exploring: ${s.concurrency.map((x, k) => `${k}: ${(100 * x).toFixed(0)}%`).join(", ")}`,
  ];
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const t = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as TimelineFile;
  if (process.argv.includes("--jobs")) for (const l of jobLines(t)) console.log(l);
  for (const l of describe(summarize(t))) console.log(l);
}
