/**
 * The worker's side of a distributed exploration: run one job — units of an
 * exhaustive search, or a range of sampling runs — on the worker's own
 * factory, for one time slice, and say what was done and what was left.
 *
 * Deterministic: a unit's executions, its requests and its frontier, and a
 * run's record, depend only on the job; the slice's length (`shouldYield`,
 * asked between executions) decides only where the job stops, and what it
 * did not do comes back to be handed out again. So a job given to two
 * workers (a retry after one stopped answering) gives the same result.
 *
 * A worker explores a search's units, within a job and from job to job, on
 * one engine (`unitEngine`): each unit goes on from the machine and the path
 * the last one left instead of building a machine and replaying its path
 * from the first step, with the result it would have on an engine of its own.
 */
import { type Choice, mergeRaises, type Strategy, type Vocabulary } from "@kprim/machine";
import { LIVELOCK } from "../cycles.js";
import { ExploreConfigError } from "../errors.js";
import { RESTART_LIMIT } from "../events.js";
import { type Footprint } from "../exhaustive/stepLog.js";
import { engine, type Explorer, type SearchOptions } from "../exhaustive/search.js";
import { footprintOf, type WorkUnit } from "../exhaustive/units.js";
import type { MachineFactory } from "../factory.js";
import { runSample, type SamplingMode } from "../sampling.js";
import { parseSignal } from "../signal.js";
import { recordOf, Tally } from "../tally.js";
import { Chain } from "./carry.js";
import { frontierCarry, frontierUnits, keptOf } from "./keep.js";
import type { Carry, Job, JobResult, SearchSpec, UnitSlice } from "./jobs.js";

export interface WorkerContext {
  /** Asked between executions: true ends the job's slice. */
  readonly shouldYield: () => boolean;
  /** What the runs may raise (the worker's prepared scenario's `raises`). */
  readonly raises?: Vocabulary | undefined;
  /** A plugin strategy by name (mode `strategy`). */
  readonly strategy?: ((name: string) => ((seed: number) => Strategy) | undefined) | undefined;
  /** Told after each execution. */
  readonly onExecution?: (() => void) | undefined;
  /** Asked between executions of a job with `idleSplit`: is another worker idle (hand back the frontier)? */
  readonly idle?: (() => boolean) | undefined;
}

export function searchOptions(spec: SearchSpec): SearchOptions {
  const m = spec.mode;
  if (m.kind !== "dpor" && m.kind !== "dfs") throw new ExploreConfigError(`${m.kind} is not an exhaustive search`);
  return {
    reduction: m.kind === "dpor" ? "dpor" : "none",
    preemptionBound: m.preemptionBound,
    maxSteps: spec.maxSteps,
    prefix: spec.prefix as SearchOptions["prefix"],
    commutativeAtomics: spec.commutativeAtomics,
    fairCycles: spec.fairCycles,
  };
}

export function samplingMode(spec: SearchSpec, ctx: Pick<WorkerContext, "strategy">): SamplingMode {
  const m = spec.mode;
  switch (m.kind) {
    case "random":
    case "pct":
      return m;
    case "strategy": {
      const make = ctx.strategy?.(m.name);
      if (make === undefined) throw new ExploreConfigError(`this worker has no strategy "${m.name}"`);
      return { kind: "strategy", name: m.name, make, seed: m.seed, runs: m.runs };
    }
    default:
      throw new ExploreConfigError(`${m.kind} is not a sampling search`);
  }
}

/** The engine a factory's units are explored on: the one its last search's units were, if they were this search's. */
const engines = new WeakMap<MachineFactory, { readonly key: string; readonly explore: Explorer }>();

/** The engine to explore this search's units on, one after another (search.ts `engine`). */
export function unitEngine(factory: MachineFactory, opts: SearchOptions): Explorer {
  const { maxExecutions: _, ...search } = opts;
  const key = JSON.stringify(search);
  const had = engines.get(factory);
  if (had?.key === key) return had.explore;
  const explore = engine(factory, search, true);
  engines.set(factory, { key, explore });
  return explore;
}

/**
 * The footprints of the choices a unit's root node explored before the
 * unit's own, each from a run that takes the path up to that node, then the
 * choice (the unit carries those its coordinator knew).
 */
export function unitDone(factory: MachineFactory, opts: SearchOptions, unit: WorkUnit): Footprint[] {
  // Naive DFS keeps no sleep sets.
  if (opts.reduction !== "dpor") return [];
  const at = unit.path.slice(0, -1);
  return unit.before.map(({ choice, footprint }) => {
    if (footprint !== null) return footprintOf(footprint);
    const probe: WorkUnit = { key: [], path: [...at, choice], sleep: [], before: [], known: [] };
    const run = unitEngine(factory, opts)(
      { unit: probe, sleep: [], done: [], requests: false, splitAt: 0 },
      () => false,
      undefined,
    );
    if (run.outcome.rootFootprint === null) throw new Error("internal: no footprint for a scheduled choice");
    return footprintOf(run.outcome.rootFootprint);
  });
}

/** Explore one unit for (at most) the rest of a slice. */
export function exploreUnit(
  factory: MachineFactory,
  spec: SearchSpec,
  unit: WorkUnit,
  ctx: Pick<WorkerContext, "shouldYield" | "raises" | "onExecution">,
  cap?: number,
  /** Keep the requests about the nodes above the unit (false: nobody owns them, as in static shards). */
  requests = true,
): UnitSlice {
  const opts = searchOptions(spec);
  const target = parseSignal(spec.target);
  const tally = new Tally();
  const run = unitEngine(factory, opts)(
    {
      unit,
      sleep: unit.sleep.map(footprintOf),
      done: unitDone(factory, opts, unit),
      shouldYield: ctx.shouldYield,
      requests,
    },
    ({ machine, result }) => {
      tally.add(
        recordOf(
          tally.executions + 1,
          result,
          target,
          machine.emitted(RESTART_LIMIT),
          ctx.raises && mergeRaises(ctx.raises, { violations: [LIVELOCK] }),
        ),
      );
      ctx.onExecution?.();
      return spec.stopOnFound && tally.found !== null;
    },
    cap,
  );
  const s = run.stats;
  return {
    unit,
    stats: {
      executions: s.executions,
      blocked: s.blocked,
      stepLimited: s.stepLimited,
      cycles: s.cycles,
      pruned: s.pruned,
    },
    tally: tally.summary(),
    outcome: run.outcome,
  };
}

/** Run one job for one slice. */
export function runJob(factory: MachineFactory, job: Job, ctx: WorkerContext): JobResult {
  const spec = job.search;
  const w = job.work;
  if (w.kind === "units") {
    const slices: UnitSlice[] = [];
    // `split`, `idleSplit`: runs so far in this job (the engine asks after each run).
    const split = w.split;
    const idleSplit = ctx.idle === undefined ? undefined : w.idleSplit;
    // A cap: the budget's slice explored again, up to the budget. It runs to its cap whatever
    // the time slice (it did at least that many executions within one slice before); cut short,
    // it would leave the budget's execution unreached and the search would go on past it.
    const timed: WorkerContext = w.cap === undefined ? ctx : { ...ctx, shouldYield: () => false };
    let runs = 0;
    // Cut by a call for work (not by a count or the slice's time): a job with `keep` gives one unit and goes on.
    let called = false;
    const cut = (): boolean =>
      (split !== undefined && runs >= split) ||
      (idleSplit !== undefined && runs >= idleSplit && ctx.idle!() && (called = true));
    const uctx =
      split === undefined && idleSplit === undefined
        ? timed
        : { ...timed, shouldYield: () => (runs++, cut() || timed.shouldYield()) };
    // Work first (carry.ts): the units this job's own requests create next, explored here, and
    // through them the job's next units (gathered) while each is the search's next one.
    let chain =
      w.carry !== undefined && w.cap === undefined ? new Chain(spec.prefix?.length ?? 0, w.units[0]!, w.carry) : null;
    // The job's own units not explored yet, and the unit in hand (own: one of them; else carried on to).
    const queue = w.units.slice(1);
    let unit: WorkUnit | undefined = w.units[0];
    let own = true;
    /** The last slice's unit was one of the job's own (its frontier is the coordinator's to make at once). */
    let lastOwn = true;
    let executions = 0;
    while (unit !== undefined) {
      // Every job does some work, however short its slice; a carried unit not explored is the coordinator's to make.
      if (slices.length > 0 && (cut() || timed.shouldYield())) break;
      const slice = exploreUnit(factory, spec, unit, uctx, w.cap);
      slices.push(slice);
      lastOwn = own;
      unit = undefined;
      executions += slice.stats.executions;
      if (slice.outcome.end !== "done") break;
      const budget = w.carry?.budget;
      if (chain !== null && (budget === undefined || executions < budget)) {
        const next = chain.next(slice, queue[0]);
        if (next !== null && next !== "upcoming") {
          unit = next;
          own = false;
          continue;
        }
        // Not the chain's next: the chain ends there (its copy no longer follows the search).
        if (next === null) chain = null;
      } else chain = null;
      unit = queue.shift();
      own = true;
    }
    const untouched = own && unit !== undefined ? [unit, ...queue] : queue;
    const last = slices.at(-1)!.outcome.end;
    if (called && w.keep === true && w.cap === undefined && (last === "yield" || last === "done")) {
      // Give and go on (keep.ts): the open units in the search's order, the cut unit's frontier first.
      const s = slices.at(-1)!;
      const inside = last === "yield" && lastOwn;
      // The nodes above them, when the cut unit (or the one in hand) is the search's earliest open one
      // (the chain still follows the search, or the search's root unit): the continuation carries on.
      const root = inside && s.unit.key.length === 0;
      const above = root
        ? []
        : inside
          ? (chain?.handOver(s, s.unit.key) ?? null)
          : own && unit !== undefined
            ? (chain?.handOver(null, unit.key) ?? null)
            : null;
      const known = above === null ? s.unit.known : root ? [] : chain!.known();
      let kept = keptOf([...(inside ? frontierUnits(s.unit, s.outcome, known) : []), ...untouched]);
      if (kept !== undefined) {
        // The unit in hand carried on from: what is known above it is this chain's copy.
        if (above !== null && !inside) kept = [{ ...kept[0]!, known }, ...kept.slice(1)];
        const budget = w.carry !== undefined ? w.carry.budget : w.budget;
        const keptCarry: Carry | undefined =
          above === null || (budget !== undefined && executions >= budget)
            ? undefined
            : {
                nodes: inside ? [...above, ...frontierCarry(s.outcome)] : above,
                ...(budget !== undefined ? { budget: budget - executions } : {}),
              };
        return { kind: "units", slices, untouched, kept, ...(keptCarry !== undefined ? { keptCarry } : {}) };
      }
    }
    return { kind: "units", slices, untouched };
  }
  const mode = samplingMode(spec, ctx);
  const target = parseSignal(spec.target);
  const steps = spec.mode.kind === "pct" ? spec.mode.steps : 0;
  const sample = {
    maxSteps: spec.maxSteps,
    target,
    prefix: spec.prefix as readonly Choice[] | undefined,
    raises: ctx.raises,
  };
  const tally = new Tally();
  let i = w.from;
  while (i < w.to) {
    const { record } = runSample(factory, mode, steps, i, sample);
    tally.add({ ...record, index: record.index - w.from });
    ctx.onExecution?.();
    i++;
    if (spec.stopOnFound && record.matched) break;
    if (ctx.shouldYield()) break;
  }
  return { kind: "runs", from: w.from, to: i, tally: tally.summary() };
}
