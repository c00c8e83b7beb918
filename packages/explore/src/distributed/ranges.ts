/**
 * The coordinator of a distributed sampling search (random, PCT, a plugin's
 * seeded strategy): run i depends only on (mode, i), so the runs are cut
 * into ranges of indices handed to whichever worker asks. Each range comes
 * back done up to where its slice ended (or its first matching run); the
 * rest goes back to be handed out again. Ranges are counted in run order up
 * to the first match, so the result is the one-process result with the same
 * seed, whatever the timing. Pure bookkeeping: no I/O, no clock.
 */
import { ExploreConfigError } from "../errors.js";
import { Tally, type TallySummary } from "../tally.js";
import type { JobResult, RunsWork } from "./jobs.js";

export type RangesEnd = "finished" | "found" | "stopped";

export class RunRanges {
  /** Runs not handed out, as [from, to) ranges in order. */
  private pending: [number, number][];
  private readonly inflight = new Map<number, RunsWork>();
  /** Ranges back, in run order; [0, settledTo) is contiguous. */
  private readonly done: { from: number; to: number; tally: TallySummary }[] = [];
  private nextTag = 1;
  /** The first matching run found so far (0-based), or Infinity. */
  private firstMatch = Infinity;
  /** Runs per job: grows to what a slice takes. */
  private chunk: number;
  private ending: RangesEnd | null = null;
  private counted = 0;
  executions = 0;

  constructor(
    private readonly runs: number,
    private readonly stopOnFound: boolean,
  ) {
    this.pending = runs > 0 ? [[0, runs]] : [];
    this.chunk = 64;
  }

  get end(): RangesEnd | null {
    return this.ending;
  }

  get outstanding(): number {
    return this.inflight.size;
  }

  take(slots: number): { tag: number; work: RunsWork }[] {
    const out: { tag: number; work: RunsWork }[] = [];
    if (this.ending !== null) return out;
    while (out.length < slots && this.pending.length > 0) {
      const [from, to] = this.pending[0]!;
      if (from >= this.firstMatch) {
        this.pending = [];
        break;
      }
      const end = Math.min(to, from + this.chunk);
      if (end === to) this.pending.shift();
      else this.pending[0] = [end, to];
      const tag = this.nextTag++;
      const work: RunsWork = { kind: "runs", from, to: end };
      this.inflight.set(tag, work);
      out.push({ tag, work });
    }
    return out;
  }

  give(tag: number, result: JobResult): void {
    const work = this.inflight.get(tag);
    if (work === undefined) return;
    this.inflight.delete(tag);
    if (result.kind !== "runs") throw new ExploreConfigError("an exhaustive result came back to a sampling search");
    if (this.ending !== null) return;
    this.executions += result.to - result.from;
    // The slice took this many runs: hand out about twice that next time.
    if (result.to < work.to) this.chunk = Math.max(1, 2 * (result.to - result.from));
    else this.chunk = Math.min(this.chunk * 2, 1 << 16);
    const at = this.done.findIndex((d) => d.from > result.from);
    this.done.splice(at < 0 ? this.done.length : at, 0, { from: result.from, to: result.to, tally: result.tally });
    const f = result.tally.found;
    if (f !== null && this.stopOnFound) this.firstMatch = Math.min(this.firstMatch, result.from + f.index - 1);
    else if (result.to < work.to) {
      const at2 = this.pending.findIndex(([from]) => from > result.to);
      this.pending.splice(at2 < 0 ? this.pending.length : at2, 0, [result.to, work.to]);
    }
    this.decide();
  }

  stop(): void {
    if (this.ending !== null) return;
    this.ending = "stopped";
    // The runs done, in order, up to the first gap.
    let to = 0;
    let n = 0;
    for (const d of this.done) {
      if (d.from !== to) break;
      to = d.to;
      n++;
    }
    this.counted = n;
  }

  totals(): { tally: Tally; blocked: number; cycles: number; pruned: number } {
    const tally = new Tally();
    for (const d of this.done.slice(0, this.counted)) {
      const f = d.tally.found;
      tally.merge({ ...d.tally, found: f === null ? null : { ...f, index: f.index + d.from } });
    }
    return { tally, blocked: 0, cycles: 0, pruned: 0 };
  }

  /** The runs done from 0 without a gap: the search ends at the first match among them, or when they are all. */
  private decide(): void {
    let to = 0;
    let n = 0;
    for (const d of this.done) {
      if (d.from !== to) return;
      n++;
      to = d.to;
      if (d.tally.found !== null && this.stopOnFound) {
        this.ending = "found";
        this.counted = n;
        return;
      }
      if (to === this.runs) {
        this.ending = "finished";
        this.counted = n;
        return;
      }
    }
  }
}
