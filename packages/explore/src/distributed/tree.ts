/**
 * The coordinator of a distributed exhaustive search: it owns the nodes of
 * the search tree that units were cut from, hands out units, takes back
 * what each explored (counts, requests about the nodes above it, the
 * frontier it left), and puts one search back together.
 *
 * The same search as one process, not just as many executions. The one-
 * process search is a depth-first walk; a node's list of choices to explore
 * grows as races are found below it, and whether a race adds a choice
 * depends on what the list holds when it is found. So requests are applied
 * in depth-first order: a unit's requests wait until every unit before it
 * (by key) has come back and had its own applied. Below a node, a unit's
 * executions depend only on the unit (its path, the sleep set it inherits),
 * never on the nodes above it, so units run at the same time, in any order,
 * on any worker; only the bookkeeping is ordered. Slices are counted in the
 * same order: the first finding is the one the one-process search finds
 * first, with the same index, and a budget stops after the same execution
 * (the slice it falls in is explored again up to there: `take` hands out
 * that unit with a cap). Counts, verdict, schedule — all equal.
 *
 * Pure bookkeeping: no I/O, no clock.
 */
import { ExploreConfigError } from "../errors.js";
import {
  applyRequest,
  compareKeys,
  type FootprintData,
  type OwnedNode,
  type UnitRequest,
  type WorkUnit,
} from "../exhaustive/units.js";
import { Tally, type TallySummary } from "../tally.js";
import type { Carry, JobResult, SliceStats, UnitsWork, UnitSlice } from "./jobs.js";

interface SharedNode extends OwnedNode {
  readonly key: readonly number[];
  /** The choices from the start of a run to this node. */
  readonly path: readonly number[];
  readonly sleep: readonly FootprintData[];
  readonly asleep: Set<number>;
  readonly backtrack: number[];
  /** The footprint of each scheduled choice, once known. */
  readonly fps: (FootprintData | null)[];
}

/** A scheduled choice not handed out yet. */
interface Pending {
  readonly node: SharedNode;
  readonly index: number;
  readonly key: readonly number[];
}

interface Done {
  readonly unit: WorkUnit;
  readonly stats: SliceStats;
  readonly tally: TallySummary;
  /** Explored again, up to this many complete executions (the budget falls in it). */
  readonly cap: number | null;
}

/** How the search ended (null: not yet). */
export type TreeEnd = "finished" | "found" | "budget" | "stopped";

const keyOf = (k: readonly number[]): string => k.join(",");

export interface TreeOptions {
  /** The search's own prefix (units' paths start with it). */
  readonly prefix: readonly number[];
  readonly stopOnFound: boolean;
  /** Stop after this many complete executions, in the search's order. */
  readonly maxExecutions?: number | undefined;
  /**
   * Share the work out early: the runs of the first job sent while workers
   * would idle (then twice as many each time); undefined, never (each job
   * runs for its time slice). Off by default: after a split, DPOR's ordered
   * requests make the rest of a small search a chain of small units, one
   * round trip each (lastzero-8: 1 job becomes ~50), which costs more than it
   * shares on a queue whose round trip is tens of ms.
   */
  readonly firstSplit?: number | undefined;
  /**
   * Every job may be cut when a worker is idle, after this many runs
   * (UnitsWork's `idleSplit`; the transport tells busy workers, see
   * Transport.starved): the work is shared out when and where it is needed.
   */
  readonly idleSplit?: number | undefined;
  /**
   * Work first (carry.ts): a job whose one unit is the earliest open one may
   * go on with the units its own requests create next, in the same slice,
   * instead of a round trip through the queue for each.
   */
  readonly carry?: boolean | undefined;
  /**
   * Fewer, larger jobs (with `carry`): the units waiting are shared out to
   * one job per idle worker (one job if none is idle) instead of a few to
   * each free place. The job with the earliest open unit gathers every
   * waiting unit but the last ones — one for each other idle worker: in
   * depth-first order the last are the shallowest, usually the largest —
   * and its worker goes down them in order, carrying on through the units
   * their requests create (carry.ts): one round trip for what was one per
   * unit. A worker idle meanwhile calls for work, and the job hands back
   * what it has not explored, as any job does.
   */
  readonly gather?: boolean | undefined;
  /**
   * Work first ahead of the search (with `carry`): a job's one unit may be
   * carried on from while an earlier unit is still open. The earlier units'
   * requests may then schedule choices first at the nodes the worker extends:
   * the coordinator takes a carried unit only where its own requests, applied
   * in the search's order, make the same one, and explores any other again
   * (`droppedUnits`, `droppedRuns`: work done in vain, never counted).
   */
  readonly ahead?: boolean | undefined;
  /** Give and go on (keep.ts): a cut job's worker goes on with units it kept (`give` returns their tag). */
  readonly keep?: boolean | undefined;
}

export class UnitTree {
  private readonly nodes = new Map<string, SharedNode>();
  private pending: Pending[] = [];
  private readonly inflight = new Map<number, readonly WorkUnit[]>();
  private batches: { key: readonly number[]; requests: readonly UnitRequest[] }[] = [];
  /** Slices back, in key order; those before `walked` are settled and counted into `before`. */
  private readonly done: Done[] = [];
  private walked = 0;
  private before = 0;
  private nextTag = 1;
  /** Jobs sent with a split so far. */
  private splits = 0;
  /** Executions pruned by the bound while applying requests. */
  private pruned = 0;
  /** The earliest finding so far (stopOnFound): nothing after it matters. */
  private foundKey: readonly number[] | null = null;
  private rerun: { unit: WorkUnit; cap: number; tag: number | null } | null = null;
  private ending: TreeEnd | null = null;
  /** The slices the result counts (set when the search has ended). */
  private counted = 0;
  /** The most runs a unit took to the end, by its parent node, and by its path's length (what `estimate` goes by). */
  private readonly siblings = new Map<string, number>();
  private readonly sizes = new Map<number, number>();
  /**
   * Slices workers carried on to (work first), by key, until the requests
   * that create their units are applied (ahead of the search, two jobs may
   * carry on to one key: the one this search makes is taken, if any).
   */
  private readonly carried = new Map<string, UnitSlice[]>();
  /** Complete executions reported so far (every slice, for progress). */
  executions = 0;
  /** Units explored by carrying on, put where they belong; and carried ones dropped (this search would not have made them). */
  carriedUnits = 0;
  droppedUnits = 0;
  /** The runs of the dropped ones (explored in vain). */
  droppedRuns = 0;
  private readonly base: number;
  /** While a result is given: keys of the units its worker kept (not to be handed out). */
  private held: Set<string> | null = null;

  constructor(private readonly opts: TreeOptions) {
    this.base = opts.prefix.length;
    const root: WorkUnit = { key: [], path: [...opts.prefix], sleep: [], before: [], known: [] };
    this.rootUnit = root;
  }

  private rootUnit: WorkUnit | null;

  /** How the search ended, or null while it goes on. */
  get end(): TreeEnd | null {
    return this.ending;
  }

  /** Units out (sent, not back). */
  get outstanding(): number {
    return this.inflight.size;
  }

  /**
   * Work to hand out now, for `slots` free places: units in depth-first order,
   * a few per job. `idle`: workers with nothing to explore (default: the free
   * places) — while fewer units wait than idle workers, jobs carry a split
   * (`firstSplit`), so that one worker alone is never cut short for nobody.
   */
  take(slots: number, idle = slots): { tag: number; work: UnitsWork }[] {
    const out: { tag: number; work: UnitsWork }[] = [];
    if (this.ending !== null || slots <= 0) return out;
    if (this.rerun !== null) {
      if (this.rerun.tag === null) {
        const job = this.send([this.rerun.unit], this.rerun.cap);
        this.rerun.tag = job.tag;
        out.push(job);
      }
      return out;
    }
    if (this.rootUnit !== null) {
      // One unit and room for more jobs: hand back a frontier soon, to share out.
      out.push(this.send([this.rootUnit], undefined, idle > 1 ? this.nextSplit() : undefined));
      this.rootUnit = null;
      return out;
    }
    if (this.opts.gather === true && this.opts.carry === true) return this.gathered(slots, idle);
    // Fewer units waiting than idle workers: the jobs sent now come back early with their frontier.
    const thin = this.pending.length < idle && this.opts.firstSplit !== undefined;
    const jobs = Math.max(slots, this.inflight.size + slots);
    const chunk = Math.max(1, Math.ceil(this.pending.length / (2 * jobs)));
    while (out.length < slots && this.pending.length > 0) {
      const units = this.pending.splice(0, chunk).map((p) => this.unitOf(p));
      const carry = units.length === 1 ? this.carryOf(units[0]!) : undefined;
      out.push(this.send(units, undefined, thin ? this.nextSplit() : undefined, carry));
    }
    return out;
  }

  /**
   * `gather`: one job per idle worker (at least one), the first with every
   * waiting unit but the last few — those expected to take more runs than a
   * call for work lets a job make before it is cut (`idleSplit`; unknown
   * sizes count as large): a smaller one is explored sooner in the first
   * job than it would reach another worker.
   */
  private gathered(slots: number, idle: number): { tag: number; work: UnitsWork }[] {
    const out: { tag: number; work: UnitsWork }[] = [];
    if (slots <= 0 || this.pending.length === 0) return out;
    let apart = 0;
    const least = this.opts.idleSplit ?? 0;
    while (
      apart < Math.min(slots, Math.max(1, idle)) - 1 &&
      apart < this.pending.length - 1 &&
      this.estimate([this.unitOf(this.pending[this.pending.length - 1 - apart]!)]) > least
    ) {
      apart++;
    }
    const first = this.pending.splice(0, this.pending.length - apart).map((p) => this.unitOf(p));
    out.push(this.send(first, undefined, undefined, this.carryOf(first[0]!)));
    for (const p of this.pending.splice(0)) {
      const u = this.unitOf(p);
      out.push(this.send([u], undefined, undefined, this.carryOf(u)));
    }
    return out;
  }

  /**
   * The runs a job sent while workers would idle explores before it hands
   * back what it left: short at first, doubling with each such job, so a
   * tree that stays thin costs a few more jobs, not one per run.
   */
  private nextSplit(): number | undefined {
    const first = this.opts.firstSplit;
    return first === undefined ? undefined : first * 2 ** Math.min(this.splits++, 20);
  }

  /** A job came back. Returns the tag its continuation (keep.ts) comes back under, if its worker went on. */
  give(tag: number, result: JobResult): number | null {
    const units = this.inflight.get(tag);
    if (units === undefined) return null; // a duplicate (a retried job) or one no longer needed
    this.inflight.delete(tag);
    if (result.kind !== "units") throw new ExploreConfigError("a sampling result came back to an exhaustive search");
    if (this.ending !== null) return null;
    for (const s of result.slices) this.executions += s.stats.executions;
    if (this.rerun !== null) {
      // Every slice before the budget's is settled: only the budget's unit explored again counts now.
      if (tag !== this.rerun.tag) return null;
      const s = result.slices[0]!;
      // Cut before its cap (runJob runs a capped job to its cap: a worker that did not): send it again.
      if (s.outcome.end === "yield") {
        this.rerun.tag = null;
        return null;
      }
      const at = this.done.findIndex((d) => compareKeys(d.unit.key, s.unit.key) === 0);
      this.done[at] = { unit: s.unit, stats: s.stats, tally: s.tally, cap: this.rerun.cap };
      this.rerun = null;
      this.decide();
      return null;
    }
    // Kept by the worker (give and go on): out under the continuation's tag, never handed out here.
    const kept = result.kept ?? [];
    const next = kept.length > 0 ? this.nextTag++ : null;
    if (next !== null) {
      this.inflight.set(next, kept);
      this.held = new Set(kept.map((u) => keyOf(u.key)));
    }
    for (const s of result.slices) {
      // The job's own units; the rest were carried on to (work first): they wait for the requests that make them.
      if (units.some((u) => compareKeys(u.key, s.unit.key) === 0)) this.takeSlice(s);
      else {
        const k = keyOf(s.unit.key);
        const at = this.carried.get(k);
        if (at === undefined) this.carried.set(k, [s]);
        else at.push(s);
      }
    }
    for (const u of result.untouched) if (!this.hold(u.key)) this.insert(this.pendingOf(u.key));
    if (this.held !== null && this.held.size > 0) throw new Error("internal: a kept unit is not one the job left open");
    this.held = null;
    this.process();
    return next;
  }

  /** Is this unit one the worker kept (give and go on)? Each is held once. */
  private hold(key: readonly number[]): boolean {
    return this.held?.delete(keyOf(key)) === true;
  }

  /** A continuation's worker is gone (the job it came from came back again): its units are handed out again. */
  reissue(tag: number): void {
    const units = this.inflight.get(tag);
    if (units === undefined) return;
    this.inflight.delete(tag);
    if (this.ending !== null || this.rerun !== null) return;
    for (const u of units) {
      const p = this.pendingOf(u.key);
      if (this.before_(p.key)) this.insert(p);
    }
    this.process();
  }

  /** Stop handing out work (Ctrl-C, a time limit): the result counts every slice back so far. */
  stop(): void {
    if (this.ending !== null) return;
    this.ending = "stopped";
    this.counted = this.done.length;
  }

  /** The counts of the slices the result is made of, in the search's order. */
  totals(): { tally: Tally; blocked: number; cycles: number; pruned: number } {
    const tally = new Tally();
    let blocked = 0;
    let cycles = 0;
    let pruned = this.pruned;
    for (const d of this.done.slice(0, this.counted)) {
      const f = d.tally.found;
      tally.merge({ ...d.tally, found: f === null ? null : { ...f, index: f.index + tally.executions } });
      blocked += d.stats.blocked;
      cycles += d.stats.cycles;
      pruned += d.stats.pruned;
    }
    return { tally, blocked, cycles, pruned };
  }

  /**
   * What a job needs to carry on from its (first) unit (carry.ts), when that unit
   * is the earliest open one: every request before it has been applied, and
   * none can reach the nodes above it before its own (undefined otherwise).
   */
  private carryOf(u: WorkUnit): Carry | undefined {
    if (this.opts.carry !== true || u.key.length === 0) return undefined;
    const cap = this.opts.maxExecutions;
    // Ahead of the search (an earlier unit still open): carried slices wait for the requests that make them.
    // Under a budget its count from here is then a bound (the open units' executions are not known yet):
    // a chain may go past the budget, never stop short of it; what is past it is not counted.
    if (!this.earliest(u.key) && this.opts.ahead !== true) return undefined;
    const nodes = [];
    for (let j = 0; j < u.key.length; j++) {
      const n = this.node(u.key.slice(0, j));
      nodes.push({ sleep: n.sleep, fps: n.fps.slice() });
    }
    return { nodes, ...(cap !== undefined ? { budget: cap - this.before } : {}) };
  }

  /** Is nothing open before `key` (no unit out before it, no request waiting before it)? */
  private earliest(key: readonly number[]): boolean {
    for (const units of this.inflight.values()) if (compareKeys(units[0]!.key, key) < 0) return false;
    return this.batches.length === 0 || compareKeys(this.batches[0]!.key, key) >= 0;
  }

  private send(
    units: readonly WorkUnit[],
    cap?: number,
    split?: number,
    carry?: Carry,
  ): { tag: number; work: UnitsWork } {
    const tag = this.nextTag++;
    this.inflight.set(tag, units);
    const idleSplit = cap === undefined ? this.opts.idleSplit : undefined;
    const keep = cap === undefined && idleSplit !== undefined && this.opts.keep === true;
    return {
      tag,
      work: {
        kind: "units",
        units,
        ...(cap !== undefined ? { cap } : {}),
        ...(split !== undefined ? { split } : {}),
        ...(idleSplit !== undefined ? { idleSplit } : {}),
        ...(carry !== undefined ? { carry } : {}),
        ...(keep ? { keep } : {}),
        ...(keep && this.opts.maxExecutions !== undefined ? { budget: this.opts.maxExecutions - this.before } : {}),
      },
    };
  }

  private node(key: readonly number[]): SharedNode {
    const n = this.nodes.get(keyOf(key));
    if (n === undefined) throw new Error(`internal: no node at [${keyOf(key)}]`);
    return n;
  }

  private pendingOf(key: readonly number[]): Pending {
    return { node: this.node(key.slice(0, -1)), index: key.at(-1)!, key };
  }

  /** The unit of a scheduled choice: its path, its node's sleep set, the choices before it, what is known above. */
  private unitOf(p: Pending): WorkUnit {
    const { node, index } = p;
    const known: number[][] = [];
    for (let i = 0; i < p.key.length; i++) known.push(this.node(p.key.slice(0, i)).backtrack.slice());
    return {
      key: p.key,
      path: [...node.path, node.backtrack[index]!],
      sleep: node.sleep,
      before: node.backtrack.slice(0, index).map((choice, i) => ({ choice, footprint: node.fps[i] ?? null })),
      known,
    };
  }

  /**
   * The runs these units may take, from their siblings seen to their end
   * (else from units of the same depth; Infinity: none seen yet). A guess, used only to decide
   * where a job is explored, never what it counts.
   */
  estimate(units: readonly WorkUnit[]): number {
    let n = 0;
    for (const u of units) {
      n += this.siblings.get(keyOf(u.key.slice(0, -1))) ?? this.sizes.get(u.path.length) ?? Infinity;
    }
    return n;
  }

  private takeSlice(s: UnitSlice): void {
    const u = s.unit;
    if (s.outcome.end === "done") {
      const runs = s.stats.executions + s.stats.blocked + s.stats.cycles;
      this.sizes.set(u.path.length, Math.max(runs, this.sizes.get(u.path.length) ?? 0));
      const parent = keyOf(u.key.slice(0, -1));
      this.siblings.set(parent, Math.max(runs, this.siblings.get(parent) ?? 0));
    }
    const at = this.sliceIndex(u.key);
    this.done.splice(at, 0, { unit: u, stats: s.stats, tally: s.tally, cap: null });
    const o = s.outcome;
    if (u.key.length > 0 && o.rootFootprint !== null) {
      const parent = this.node(u.key.slice(0, -1));
      parent.fps[u.key.at(-1)!] ??= o.rootFootprint;
    }
    if (s.tally.found !== null && this.opts.stopOnFound) {
      if (this.foundKey === null || compareKeys(u.key, this.foundKey) < 0) this.foundKey = u.key;
      this.pending = this.pending.filter((p) => this.before_(p.key));
      this.batches = this.batches.filter((b) => this.before_(b.key));
    }
    if (o.requests.length > 0 && this.before_(u.key)) this.insertBatch(u.key, o.requests);
    // The frontier: every node from the unit's root down becomes the coordinator's, with its choices left.
    let key = [...u.key];
    const born: Pending[] = [];
    for (const f of o.frontier) {
      const node: SharedNode = {
        key,
        path: o.path.slice(0, f.depth),
        sleep: f.sleep,
        asleep: new Set(f.sleep.map((x) => x.choice)),
        backtrack: [...f.backtrack],
        fps: f.backtrack.map((_, i) => f.footprints[i] ?? null),
      };
      this.nodes.set(keyOf(key), node);
      for (let i = f.started; i < f.backtrack.length; i++) born.push({ node, index: i, key: [...key, i] });
      key = [...key, f.started - 1];
    }
    for (const p of born) if (!this.hold(p.key) && this.before_(p.key)) this.insert(p);
  }

  /** Is a carried unit the one this scheduled choice makes (its path and the choices before it at its node)? */
  private same(u: WorkUnit, p: Pending): boolean {
    const { node, index } = p;
    const path = node.path;
    if (u.path.length !== path.length + 1 || u.path.at(-1) !== node.backtrack[index]) return false;
    for (let i = 0; i < path.length; i++) if (u.path[i] !== path[i]) return false;
    if (u.before.length !== index || u.sleep.length !== node.sleep.length) return false;
    return u.before.every((b, i) => b.choice === node.backtrack[i]);
  }

  /** Is key k still of interest (not after the earliest finding)? */
  private before_(k: readonly number[]): boolean {
    return this.foundKey === null || compareKeys(k, this.foundKey) <= 0;
  }

  private sliceIndex(key: readonly number[]): number {
    let lo = 0;
    let hi = this.done.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(this.done[mid]!.unit.key, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(p: Pending): void {
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(this.pending[mid]!.key, p.key) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.pending.splice(lo, 0, p);
  }

  private insertBatch(key: readonly number[], requests: readonly UnitRequest[]): void {
    let i = this.batches.length;
    while (i > 0 && compareKeys(this.batches[i - 1]!.key, key) > 0) i--;
    this.batches.splice(i, 0, { key, requests });
  }

  /** The earliest position still open: a unit not handed out, or one out (null: none). */
  private cursor(): readonly number[] | null {
    let min: readonly number[] | null = this.pending[0]?.key ?? null;
    for (const units of this.inflight.values()) {
      const k = units[0]!.key;
      if (this.before_(k) && (min === null || compareKeys(k, min) < 0)) min = k;
    }
    return min;
  }

  /** Apply every batch of requests no open unit comes before, in order; then see whether the search has ended. */
  private process(): void {
    for (;;) {
      const c = this.cursor();
      const b = this.batches[0];
      if (b === undefined || (c !== null && compareKeys(b.key, c) >= 0)) break;
      this.batches.shift();
      for (const r of b.requests) {
        const node = this.node(b.key.slice(0, r.depth - this.base));
        const { added, pruned } = applyRequest(node, r);
        this.pruned += pruned;
        for (const choice of added) {
          const index = node.backtrack.lastIndexOf(choice);
          node.fps[index] = null;
          const p = { node, index, key: [...node.key, index] };
          if (!this.before_(p.key)) continue;
          const cs = this.carried.get(keyOf(p.key)) ?? [];
          this.carried.delete(keyOf(p.key));
          const c = cs.find((x) => this.same(x.unit, p));
          for (const x of cs) if (x !== c) this.dropCarried(x);
          if (c !== undefined) {
            // Explored already by a worker that carried on (work first): taken as if handed out.
            this.carriedUnits++;
            this.takeSlice(c);
          } else this.insert(p);
        }
      }
    }
    this.forgetCarried();
    this.decide();
  }

  /**
   * Carried slices no request can make any more: a unit is made only by the
   * requests of units before it (a request appends a choice to a node above
   * its unit, after the one its unit descends from), so once nothing before
   * a carried slice is open or waiting, this search will not make it.
   */
  private forgetCarried(): void {
    if (this.carried.size === 0) return;
    const c = this.cursor();
    const b = this.batches[0]?.key ?? null;
    for (const [k, cs] of this.carried) {
      const key = cs[0]!.unit.key;
      if ((c !== null && compareKeys(c, key) < 0) || (b !== null && compareKeys(b, key) < 0)) continue;
      this.carried.delete(k);
      for (const s of cs) this.dropCarried(s);
    }
  }

  private dropCarried(s: UnitSlice): void {
    this.droppedUnits++;
    this.droppedRuns += s.stats.executions + s.stats.blocked + s.stats.cycles;
  }

  /** Walk the settled slices in order: a finding or the budget ends the search; so does running out of work. */
  private decide(): void {
    if (this.ending !== null) return;
    const c = this.cursor();
    const cap = this.opts.maxExecutions;
    while (this.walked < this.done.length) {
      const d = this.done[this.walked]!;
      if (c !== null && compareKeys(d.unit.key, c) >= 0) return;
      const f = d.tally.found;
      if (f !== null && this.opts.stopOnFound && (cap === undefined || this.before + f.index <= cap)) {
        return this.finish("found", this.walked + 1);
      }
      if (cap !== undefined && this.before + d.stats.executions >= cap) {
        if (d.cap !== null) return this.finish("budget", this.walked + 1);
        // The budget falls inside this slice: explore its unit again, up to the budget.
        this.rerun = { unit: d.unit, cap: cap - this.before, tag: null };
        this.pending = [];
        this.batches = [];
        return;
      }
      this.before += d.stats.executions;
      this.walked++;
    }
    if (c === null && this.batches.length === 0 && this.inflight.size === 0) this.finish("finished", this.done.length);
  }

  private finish(end: TreeEnd, counted: number): void {
    this.ending = end;
    this.counted = counted;
    this.pending = [];
    this.batches = [];
  }
}
