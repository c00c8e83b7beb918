/**
 * Static shards: one search cut into N disjoint parts that run with no
 * queue and no talking to each other (a Slurm array, a Kubernetes Indexed
 * Job), each writing a part (plain data), and the parts merged into the one
 * result.
 *
 * Sampling splits run indices into N contiguous ranges: run i depends only
 * on (mode, i), and the parts are merged in run order up to the first match,
 * so the merged result is the one-process result.
 *
 * DPOR needs its nodes' owners to agree on what to explore there, which
 * parts that never talk cannot. So the nodes above a split depth schedule
 * every choice (awake, within the bound) instead of the ones races ask for,
 * and each path that reaches the split (or ends, or is cut, before it)
 * becomes a leaf unit, explored with DPOR below it and the sleep sets it
 * inherits. Every part computes the same leaves (the split is deterministic)
 * and explores those whose index is its own modulo N. Sleep sets let at most
 * one execution of each Mazurkiewicz trace complete, and scheduling every
 * choice above the split only adds executions that sleep sets then cut: so
 * the merged search completes the same executions as one DPOR search —
 * their number, the verdict of an exhaustive search, the outcomes — while
 * `blocked` counts differ, and so may which counterexample comes first.
 * (The queue mode has an owner for every node and gives the one-process
 * result exactly.)
 */
import { type AutoOptions, type AutoResult, autoPlan, DEFAULT_AUTO_BUDGET, phaseOptions } from "../auto.js";
import { LIVELOCK } from "../cycles.js";
import { ExploreConfigError } from "../errors.js";
import {
  describeMode,
  type ExploreOptions,
  type ExploreResult,
  finish,
  type Mode,
  resolveTarget,
  withDetectors,
} from "../explore.js";
import { searchUnit } from "../exhaustive/search.js";
import type { WorkUnit } from "../exhaustive/units.js";
import type { MachineFactory } from "../factory.js";
import { checkSignal } from "../signal.js";
import { Tally, type TallySummary } from "../tally.js";
import { searchSpec } from "./driver.js";
import type { SearchSpec, SliceStats } from "./jobs.js";
import { exploreUnit, runJob, searchOptions, type WorkerContext } from "./worker.js";

/** Shard `index` (0-based) of `count`. */
export interface ShardOf {
  readonly index: number;
  readonly count: number;
}

/** One phase of a part: sampling runs [from, to) of its range [from, end), or the leaves it explored. */
export type PartPhase =
  | {
      readonly kind: "runs";
      readonly search: SearchSpec;
      readonly from: number;
      readonly end: number;
      readonly to: number;
      readonly tally: TallySummary;
    }
  | {
      readonly kind: "leaves";
      readonly search: SearchSpec;
      /** Leaves of the split, in all (every part computes the same). */
      readonly leaves: number;
      readonly explored: readonly {
        readonly leaf: number;
        readonly stats: SliceStats;
        readonly tally: TallySummary;
        /** Explored to its end (false: the part's budget or a finding stopped it). */
        readonly complete: boolean;
      }[];
    };

/** What `kprim explore --shard i/N` writes: plain data. */
export interface Part {
  readonly shard: ShardOf;
  /** The default exploration's budget, burst and seed (its phases follow), or null for one mode. */
  readonly auto: { readonly maxExecutions: number; readonly seed: number; readonly burst?: number | undefined } | null;
  readonly phases: readonly PartPhase[];
}

const SPLIT_LEAVES_PER_PART = 4;
const MAX_SPLIT_DEPTH = 24;

export function checkShard(s: ShardOf): void {
  if (!Number.isInteger(s.count) || s.count < 1 || !Number.isInteger(s.index) || s.index < 0 || s.index >= s.count) {
    throw new ExploreConfigError(`shard ${s.index}/${s.count}: the index must be from 0 to count − 1`);
  }
}

/** The leaves of the split for `count` parts: the shallowest split with at least 4 per part. */
export function splitLeaves(factory: MachineFactory, spec: SearchSpec, count: number): readonly WorkUnit[] {
  const opts = searchOptions(spec);
  const root: WorkUnit = { key: [], path: [...(spec.prefix ?? [])], sleep: [], before: [], known: [] };
  let leaves: readonly WorkUnit[] = [root];
  if (count === 1) return leaves;
  for (let depth = 1; depth <= MAX_SPLIT_DEPTH; depth++) {
    const run = searchUnit(
      factory,
      opts,
      { unit: root, sleep: [], done: [], requests: false, splitAt: depth },
      () => false,
    );
    // No deeper paths: the split stopped growing.
    if (run.leaves.length === leaves.length && depth > 1) break;
    leaves = run.leaves;
    if (leaves.length >= SPLIT_LEAVES_PER_PART * count) break;
  }
  return leaves;
}

/** One phase of one part. */
function runPhase(
  factory: MachineFactory,
  opts: Omit<ExploreOptions, "onExecution">,
  shard: ShardOf,
  ctx: Pick<WorkerContext, "raises" | "strategy" | "onExecution" | "shouldYield">,
): PartPhase {
  const spec = searchSpec(factory, opts);
  const m = spec.mode;
  if (m.kind === "dpor" || m.kind === "dfs") {
    if (m.preemptionBound !== undefined) {
      throw new ExploreConfigError("a preemption bound prunes differently in every part: shard an unbounded search");
    }
    const leaves = splitLeaves(factory, spec, shard.count);
    const budget = opts.maxExecutions === undefined ? Infinity : Math.ceil(opts.maxExecutions / shard.count);
    const explored: Extract<PartPhase, { kind: "leaves" }>["explored"][number][] = [];
    let used = 0;
    for (let leaf = shard.index; leaf < leaves.length && used < budget; leaf += shard.count) {
      const cap = budget === Infinity ? undefined : budget - used;
      const s = exploreUnit(factory, spec, leaves[leaf]!, { ...ctx, shouldYield: () => false }, cap, false);
      used += s.stats.executions;
      explored.push({ leaf, stats: s.stats, tally: s.tally, complete: s.outcome.end === "done" });
      if (ctx.shouldYield()) break;
      if (spec.stopOnFound && s.tally.found !== null) break;
    }
    return { kind: "leaves", search: spec, leaves: leaves.length, explored };
  }
  const runs = m.runs;
  const from = Math.floor((shard.index * runs) / shard.count);
  const end = Math.floor(((shard.index + 1) * runs) / shard.count);
  const r = runJob(factory, { id: "", search: spec, work: { kind: "runs", from, to: end } }, ctx);
  if (r.kind !== "runs") throw new Error("internal: runs");
  return { kind: "runs", search: spec, from, end, to: r.to, tally: r.tally };
}

/** `explore` for one part of `shard.count`. `shouldYield` stops it early (the part is then incomplete). */
export function exploreShard(
  factory: MachineFactory,
  opts: Omit<ExploreOptions, "onExecution">,
  shard: ShardOf,
  ctx: Pick<WorkerContext, "raises" | "strategy" | "onExecution" | "shouldYield">,
): Part {
  checkShard(shard);
  return { shard, auto: null, phases: [runPhase(factory, opts, shard, ctx)] };
}

/** `exploreAuto` for one part: its share of each phase, until it finds the target or the phases run out. */
export function exploreAutoShard(
  factory: MachineFactory,
  opts: AutoOptions,
  shard: ShardOf,
  ctx: Pick<WorkerContext, "raises" | "strategy" | "onExecution" | "shouldYield">,
): Part {
  checkShard(shard);
  const common = phaseOptions(opts);
  const phases: PartPhase[] = [];
  const plan = autoPlan(opts);
  let step = plan.next();
  while (!step.done) {
    const phase = runPhase(factory, { ...common, ...step.value.extra, mode: step.value.mode }, shard, ctx);
    phases.push(phase);
    if (phaseFound(phase) || ctx.shouldYield() || step.value.mode.kind === "dpor") break;
    // The plan goes on as one process would when nothing was found: it reads the phase's runs in all.
    step = plan.next(standIn(phase));
  }
  const auto = { maxExecutions: opts.maxExecutions ?? DEFAULT_AUTO_BUDGET, seed: opts.seed ?? 1, burst: opts.burst };
  return { shard, auto, phases };
}

const phaseFound = (p: PartPhase): boolean =>
  p.kind === "runs" ? p.tally.found !== null : p.explored.some((e) => e.tally.found !== null);

/** A phase that found nothing, as the plan reads it (its mode and its executions in all parts). */
function standIn(p: PartPhase): ExploreResult {
  const runs = "runs" in p.search.mode ? p.search.mode.runs : 0;
  const tally = new Tally();
  return {
    kind: "not-found",
    mode: describeMode(modeOf(p.search)),
    signal: p.search.target,
    executions: runs,
    blocked: 0,
    cycles: 0,
    states: 0,
    merged: 0,
    outcomes: { ...tally.outcomes },
    stepLimited: 0,
    inconclusive: null,
    restartLimited: 0,
    console: [],
    lockOrder: null,
    stopped: false,
    exhausted: false,
    bound: null,
  };
}

/** The explore() mode a search spec describes (a plugin strategy by name only: nothing here runs it). */
export function modeOf(spec: SearchSpec): Mode {
  const m = spec.mode;
  if (m.kind === "dpor" || m.kind === "dfs") {
    return m.preemptionBound === undefined ? { kind: m.kind } : { kind: m.kind, preemptionBound: m.preemptionBound };
  }
  if (m.kind === "pct") {
    const { estimated, steps, ...rest } = m;
    return estimated === true ? rest : { ...rest, steps };
  }
  if (m.kind !== "strategy") return m;
  return {
    ...m,
    make: () => {
      throw new ExploreConfigError(`strategy ${m.name} is not loaded here`);
    },
  };
}

export interface MergeOptions {
  readonly shrink?: boolean | number | undefined;
  readonly raises?: ExploreOptions["raises"];
}

/** The parts of one search merged into its result (`mismatch` says first whether they fit). */
export function mergeShards(
  factory: MachineFactory,
  parts: readonly Part[],
  opts: MergeOptions = {},
): ExploreResult | AutoResult {
  const why = mismatch(parts);
  if (why !== null) throw new ExploreConfigError(`the parts do not make one search: ${why}`);
  const byIndex = [...parts].sort((a, b) => a.shard.index - b.shard.index);
  const phase = (i: number): ExploreResult => {
    const own = byIndex.map((p) => p.phases[i]);
    const spec = own.find((x) => x !== undefined)!.search;
    return mergePhase(factory, spec, own, opts);
  };
  const auto = byIndex[0]!.auto;
  if (auto === null) return phase(0);
  const spec0 = byIndex[0]!.phases[0]!.search;
  const plan = autoPlan({ ...auto, target: spec0.target, maxSteps: spec0.maxSteps });
  let step = plan.next();
  for (let i = 0; !step.done; i++) {
    if (byIndex.every((p) => p.phases[i] === undefined))
      throw new ExploreConfigError("the parts end before the search does");
    step = plan.next(phase(i));
  }
  return step.value;
}

/** One phase over every part (`own[i]`: part i's, or undefined when it stopped before it). */
function mergePhase(
  factory: MachineFactory,
  spec: SearchSpec,
  own: readonly (PartPhase | undefined)[],
  opts: MergeOptions,
): ExploreResult {
  const target = resolveTarget(spec.target);
  const raises = withDetectors(opts.raises, [], [LIVELOCK]);
  if (raises !== undefined) checkSignal(target, raises);
  const tally = new Tally();
  let blocked = 0;
  let cycles = 0;
  let pruned = 0;
  let whole = true;
  if (spec.mode.kind === "dpor" || spec.mode.kind === "dfs") {
    const leaves = new Map<number, Extract<PartPhase, { kind: "leaves" }>["explored"][number]>();
    let count = 0;
    for (const p of own) {
      if (p?.kind !== "leaves") continue;
      count = p.leaves;
      for (const e of p.explored) leaves.set(e.leaf, e);
    }
    for (let leaf = 0; leaf < count; leaf++) {
      const e = leaves.get(leaf);
      if (e === undefined || !e.complete) whole = false;
      if (e === undefined) continue;
      const f = e.tally.found;
      const first = f !== null && tally.found === null;
      tally.merge({ ...e.tally, found: f === null ? null : { ...f, index: f.index + tally.executions } });
      blocked += e.stats.blocked;
      cycles += e.stats.cycles;
      pruned += e.stats.pruned;
      if (first && spec.stopOnFound) break;
    }
  } else {
    for (const p of own) {
      if (p?.kind !== "runs") {
        whole = false;
        break;
      }
      const f = p.tally.found;
      tally.merge({ ...p.tally, found: f === null ? null : { ...f, index: f.index + p.from } });
      if (f !== null && spec.stopOnFound) break;
      if (p.to < p.end) {
        whole = false;
        break;
      }
    }
  }
  const mode = modeOf(spec);
  const exhaustive = mode.kind === "dpor" || mode.kind === "dfs";
  return finish(factory, { shrink: opts.shrink, prefix: spec.prefix as ExploreOptions["prefix"] }, target, tally, {
    mode: describeMode(mode),
    blocked,
    cycles,
    exhausted: exhaustive && whole && pruned === 0,
    bound: null,
    graph: null,
    maxSteps: spec.maxSteps,
    stopped: !whole && tally.found === null && !exhaustive,
  });
}

/** Why parts cannot be merged (a one-line reason), or null. */
export function mismatch(parts: readonly Part[]): string | null {
  if (parts.length === 0) return "no parts";
  const count = parts[0]!.shard.count;
  const seen = new Set<number>();
  for (const p of parts) {
    if (p.shard.count !== count) return `parts of ${count} and of ${p.shard.count} shards`;
    if (seen.has(p.shard.index)) return `shard ${p.shard.index}/${count} given twice`;
    seen.add(p.shard.index);
    if (JSON.stringify(p.auto) !== JSON.stringify(parts[0]!.auto))
      return `shard ${p.shard.index}/${count} is of another search`;
  }
  const missing = [...Array(count).keys()].filter((i) => !seen.has(i));
  if (missing.length > 0) return `shard${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${count} missing`;
  const first = JSON.stringify(parts.find((p) => p.shard.index === 0)!.phases[0]!.search);
  for (const p of parts) {
    if (JSON.stringify(p.phases[0]?.search) !== first) return `shard ${p.shard.index}/${count} is of another search`;
  }
  return null;
}
