/**
 * A distributed exploration: the same search as `explore` (and `exploreAuto`),
 * its work handed out as jobs through a transport — a job queue, worker
 * threads, anything that delivers a job to a worker running `runJob` and
 * brings the result back — and put back together into the same result:
 * verdict, counts, the first finding and its shrunk schedule.
 *
 * The transport only moves jobs; this side decides everything. Jobs may come
 * back in any order, late, twice (a retried job: the copy is ignored), or be
 * lost (a dead worker's job, which a queue hands out again); the result does
 * not depend on it. What depends on timing is how the work is cut, never what
 * is counted. The factory here builds the same machines as the workers' (the
 * coordinator estimates PCT's steps and shrinks the counterexample with it).
 */
import { type AutoOptions, type AutoResult, autoPlan, phaseOptions } from "../auto.js";
import { LIVELOCK } from "../cycles.js";
import { ExploreConfigError } from "../errors.js";
import {
  describeMode,
  estimateSteps,
  type ExploreOptions,
  type ExploreResult,
  finish,
  type Mode,
  resolveTarget,
  withDetectors,
} from "../explore.js";
import type { MachineFactory } from "../factory.js";
import { checkSignal, formatSignal } from "../signal.js";
import type { Tally } from "../tally.js";
import type { DistributedMode, Job, JobResult, SearchSpec, Work } from "./jobs.js";
import { RunRanges } from "./ranges.js";
import { continuationId } from "./keep.js";
import { UnitTree } from "./tree.js";
import { runJob } from "./worker.js";

/**
 * The transport is gone (its server went away, a worker refused the search):
 * thrown by a transport. The search ends there; `partial` is then what was
 * settled before it (counted in the search's order, marked stopped: not the
 * whole search), set by the driver before it passes the error on.
 */
export class TransportError extends Error {
  override readonly name = "TransportError";
  partial: ExploreResult | AutoResult | null = null;
}

/** Moves jobs to workers and their results back. */
export interface Transport {
  /** How many jobs may be out at once now (e.g. twice the workers listening). */
  capacity(): number;
  /** How many workers are listening, if known (an early split is made only for workers that would idle). */
  workers?(): number;
  send(job: Job): Promise<void>;
  /** The next result back, or null when none came for a while (the driver then looks at its stop request). */
  receive(): Promise<{ readonly id: string; readonly result: JobResult } | null>;
  /**
   * Workers are idle and nothing is left to hand out (an exhaustive search):
   * tell the busy ones to hand back what they have not explored (jobs with
   * `idleSplit`). Called again while it lasts, at most once per result.
   */
  starved?(): void;
  /** Jobs no longer needed (the search has ended): drop them if not started. */
  cancel?(ids: readonly string[]): Promise<void>;
}

export type DistributedOptions = Omit<
  ExploreOptions,
  "detectors" | "lockOrder" | "maxStates" | "onStates" | "onExecution"
> & {
  /** Executions reported back so far, whenever a job comes back. */
  readonly onExecution?: ((executions: number) => void) | undefined;
  /** Exhaustive searches: share the work out early (UnitTree's `firstSplit`; off by default). */
  readonly firstSplit?: number | undefined;
  /** Exhaustive searches: jobs may be cut when a worker is idle (UnitTree's `idleSplit`; off by default). */
  readonly idleSplit?: number | undefined;
  /**
   * Exhaustive searches: work first — a worker goes on with the units its own
   * requests create next instead of a round trip for each (UnitTree's
   * `carry`, carry.ts; off by default).
   */
  readonly carry?: boolean | undefined;
  /** Exhaustive searches, with `carry`: fewer, larger jobs (UnitTree's `gather`; off by default). */
  readonly gather?: boolean | undefined;
  /** Exhaustive searches: work first ahead of the search, too (UnitTree's `ahead`; off by default). */
  readonly ahead?: boolean | undefined;
  /**
   * Exhaustive searches, with `idleSplit`: give and go on — a job cut by a
   * call for work hands back one unit and its worker goes on with the rest
   * (UnitTree's `keep`, keep.ts; the transport's worker runs each
   * continuation, `continuationOf`, right after posting; off by default).
   */
  readonly keep?: boolean | undefined;
  /**
   * Exhaustive searches: a job whose units are expected to take at most this
   * many runs (UnitTree's `estimate`) is explored here instead of sent — a
   * round trip through a queue costs more than a few runs. Off by default.
   */
  readonly localRuns?: number | undefined;
};

/** The plain-data form of a mode, or a one-line reason it cannot be distributed. */
export function distributedMode(mode: Mode, steps: () => number): DistributedMode {
  switch (mode.kind) {
    case "dpor":
      return mode.preemptionBound === undefined
        ? { kind: "dpor" }
        : { kind: "dpor", preemptionBound: mode.preemptionBound };
    case "dfs":
      if (mode.stateful === true) {
        throw new ExploreConfigError(
          "stateful search is not distributed: its visited set is one table every execution reads; use dpor, or run it on one machine",
        );
      }
      return mode.preemptionBound === undefined
        ? { kind: "dfs" }
        : { kind: "dfs", preemptionBound: mode.preemptionBound };
    case "random":
      return mode;
    case "pct":
      return mode.steps !== undefined ? { ...mode, steps: mode.steps } : { ...mode, steps: steps(), estimated: true };
    case "strategy":
      return { kind: "strategy", name: mode.name, seed: mode.seed, runs: mode.runs };
    case "iterative":
      throw new ExploreConfigError("iterative bounding is not distributed: use dpor");
    default: {
      const never: never = mode;
      throw new ExploreConfigError(`unknown mode ${String(never)}`);
    }
  }
}

/** The search a job belongs to, as its jobs carry it. */
export function searchSpec(factory: MachineFactory, opts: Omit<ExploreOptions, "onExecution">): SearchSpec {
  const maxSteps = opts.maxSteps ?? 10_000;
  return {
    mode: distributedMode(opts.mode, () => estimateSteps(factory, maxSteps, opts.prefix)),
    target: formatSignal(resolveTarget(opts.target)),
    maxSteps,
    stopOnFound: opts.stopOnFound ?? true,
    ...(opts.prefix !== undefined ? { prefix: [...opts.prefix] } : {}),
    ...(opts.commutativeAtomics !== undefined ? { commutativeAtomics: opts.commutativeAtomics } : {}),
    ...(opts.fairCycles !== undefined ? { fairCycles: opts.fairCycles } : {}),
  };
}

/** One search on the transport: explore()'s result. */
export async function exploreDistributed(
  factory: MachineFactory,
  opts: DistributedOptions,
  transport: Transport,
): Promise<ExploreResult> {
  const target = resolveTarget(opts.target);
  const raises = withDetectors(opts.raises, [], [LIVELOCK]);
  if (raises !== undefined) checkSignal(target, raises);
  if (opts.mode.kind === "dfs" && opts.mode.stateful === true && target.kind === "console") {
    throw new ExploreConfigError("stateful search cannot look for console lines: use dpor");
  }
  const spec = searchSpec(factory, opts);
  const exhaustive = spec.mode.kind === "dpor" || spec.mode.kind === "dfs";
  const plan: Plan = exhaustive
    ? new UnitTree({
        prefix: spec.prefix ?? [],
        stopOnFound: spec.stopOnFound,
        maxExecutions: opts.maxExecutions,
        firstSplit: opts.firstSplit,
        idleSplit: opts.idleSplit,
        carry: opts.carry,
        gather: opts.gather,
        ahead: opts.ahead,
        keep: opts.keep,
      })
    : new RunRanges((spec.mode as { runs: number }).runs, spec.stopOnFound);
  let lost: TransportError | null = null;
  try {
    await drive(plan, spec, opts, transport, factory);
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    // What was settled before it, in the search's order: stopped, never presented as whole.
    plan.stop();
    lost = e;
  }
  const totals = plan.totals();
  const end = plan.end;
  const r = finish(factory, opts, target, totals.tally, {
    mode: describeMode(opts.mode),
    blocked: totals.blocked,
    cycles: totals.cycles,
    exhausted: exhaustive && end === "finished" && totals.pruned === 0,
    bound: exhaustive ? ((opts.mode as { preemptionBound?: number }).preemptionBound ?? null) : null,
    graph: null,
    maxSteps: spec.maxSteps,
    stopped: end === "stopped",
  });
  if (lost !== null) {
    lost.partial = r;
    throw lost;
  }
  return r;
}

/** exploreAuto's phases, each one distributed (`split`: how the exhaustive phase shares its work out). */
export async function exploreAutoDistributed(
  factory: MachineFactory,
  opts: AutoOptions,
  transport: Transport,
  split: Pick<
    DistributedOptions,
    "firstSplit" | "idleSplit" | "localRuns" | "carry" | "gather" | "ahead" | "keep"
  > = {},
): Promise<AutoResult> {
  const common = phaseOptions(opts);
  const plan = autoPlan(opts);
  let step = plan.next();
  while (!step.done) {
    const { mode, extra, offset } = step.value;
    const on = opts.onExecution;
    let r: ExploreResult;
    try {
      r = await exploreDistributed(
        factory,
        { ...common, ...extra, ...split, mode, ...(on ? { onExecution: (n: number) => on(offset + n) } : {}) },
        transport,
      );
    } catch (e) {
      if (!(e instanceof TransportError) || e.partial === null) throw e;
      // A stopped phase ends the plan: the phases so far, this one partial.
      const end = plan.next(e.partial as ExploreResult);
      if (!end.done) throw new Error("internal: the plan goes on after a stopped phase", { cause: e });
      e.partial = end.value;
      throw e;
    }
    step = plan.next(r);
  }
  return step.value;
}

interface Plan {
  readonly end: string | null;
  readonly outstanding: number;
  readonly executions: number;
  take(slots: number, idle?: number): { tag: number; work: Work }[];
  /** Returns the tag of the job's continuation (keep.ts), if its worker went on. */
  give(tag: number, result: JobResult): number | null | void;
  reissue?(tag: number): void;
  stop(): void;
  totals(): { tally: Tally; blocked: number; cycles: number; pruned: number };
}

let searches = 0;

async function drive(
  plan: Plan,
  spec: SearchSpec,
  opts: DistributedOptions,
  transport: Transport,
  factory: MachineFactory,
): Promise<void> {
  const tags = new Map<string, number>();
  /** A job's continuation's id, once it had one (keep.ts). */
  const follows = new Map<string, string>();
  const prefix = `s${++searches}.`;
  let next = 0;
  const local = plan instanceof UnitTree ? opts.localRuns : undefined;
  while (plan.end === null) {
    if (opts.shouldStop?.() === true) {
      plan.stop();
      break;
    }
    const slots = transport.capacity() - plan.outstanding;
    const workers = transport.workers?.();
    const jobs = plan.take(slots, workers === undefined ? slots : Math.max(0, workers - plan.outstanding));
    const here =
      local === undefined
        ? []
        : jobs.filter(
            ({ work }) =>
              work.kind === "units" && work.cap === undefined && (plan as UnitTree).estimate(work.units) <= local,
          );
    // Sent together: a transport may overlap them (one round trip for all, not one each).
    await Promise.all(
      jobs
        .filter((j) => !here.includes(j))
        .map(({ tag, work }) => {
          const id = `${prefix}${next++}`;
          tags.set(id, tag);
          return transport.send({ id, search: spec, work });
        }),
    );
    if (here.length > 0) {
      // Small jobs explored here while the workers explore theirs (cut if one is far bigger than expected).
      for (const { tag, work } of here) {
        let runs = 0;
        const limit = 4 * local!;
        const r = runJob(
          factory,
          { id: `${prefix}local`, search: spec, work },
          {
            shouldYield: () => ++runs >= limit,
            raises: opts.raises,
          },
        );
        plan.give(tag, r);
      }
      opts.onExecution?.(plan.executions);
      continue;
    }
    if (plan.end !== null) break;
    // Workers with nothing to do, nothing to hand out: the busy ones are asked to share.
    if (plan instanceof UnitTree && workers !== undefined && workers > plan.outstanding && plan.outstanding > 0) {
      transport.starved?.();
    }
    // Nothing out: no worker to send to yet (the transport waits for one), or a bug.
    if (plan.outstanding === 0 && transport.capacity() > 0) {
      throw new Error("internal: a distributed search with nothing out and nothing to do");
    }
    const got = await transport.receive();
    if (got === null) continue;
    const tag = tags.get(got.id);
    if (tag === undefined) {
      // Back again (the queue retried it: its worker died, maybe in a continuation): continuations still out go to others.
      for (let c = follows.get(got.id); c !== undefined; c = follows.get(c)) {
        const t = tags.get(c);
        if (t === undefined) continue;
        tags.delete(c);
        plan.reissue?.(t);
      }
      continue;
    }
    tags.delete(got.id);
    const continued = plan.give(tag, got.result);
    if (typeof continued === "number") {
      // Give and go on: the worker explores the units it kept as the job's continuation.
      const id = continuationId(got.id);
      tags.set(id, continued);
      follows.set(got.id, id);
    }
    opts.onExecution?.(plan.executions);
  }
  if (tags.size > 0) await transport.cancel?.([...tags.keys()]);
}
