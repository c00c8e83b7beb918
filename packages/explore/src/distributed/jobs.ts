/**
 * What a distributed exploration sends to whoever explores for it, and what
 * comes back: plain data (JSON), so that a job can cross a queue, a process
 * or a machine. A job is a piece of one search (`SearchSpec`, the same in
 * every job of that search): a run of work units of an exhaustive search, or
 * a range of run indices of a sampling one.
 */
import type { TallySummary } from "../tally.js";
import type { FootprintData, UnitOutcome, WorkUnit } from "../exhaustive/units.js";

/** The search a job belongs to, as plain data (a plugin strategy by name: the worker has its own copy). */
export type DistributedMode =
  | { readonly kind: "dpor"; readonly preemptionBound?: number | undefined }
  | { readonly kind: "dfs"; readonly preemptionBound?: number | undefined }
  | { readonly kind: "random"; readonly seed: number; readonly runs: number }
  | {
      readonly kind: "pct";
      readonly seed: number;
      readonly runs: number;
      readonly depth: number;
      readonly steps: number;
      /** The steps were estimated (one round-robin run), not given. */
      readonly estimated?: boolean;
    }
  | { readonly kind: "strategy"; readonly name: string; readonly seed: number; readonly runs: number };

export interface SearchSpec {
  readonly mode: DistributedMode;
  /** The target signal, formatted (matrix.json grammar). */
  readonly target: string;
  readonly maxSteps: number;
  readonly stopOnFound: boolean;
  readonly prefix?: readonly number[] | undefined;
  readonly commutativeAtomics?: boolean | undefined;
  readonly fairCycles?: boolean | undefined;
}

/**
 * Units of an exhaustive search, explored in order (`cap`: stop after that
 * many complete executions; `split`: hand back what is left after that many
 * runs — executions, blocked runs and cycles — however much of the slice is
 * left, so that the coordinator can share the work out while it has idle
 * workers). Both are counts: the job's result depends on the job alone —
 * unless `idleSplit` lets the worker's context cut it when asked, which
 * changes only where the work is cut, never what is counted.
 */
export interface UnitsWork {
  readonly kind: "units";
  readonly units: readonly WorkUnit[];
  readonly cap?: number | undefined;
  readonly split?: number | undefined;
  /**
   * After this many runs, hand back what is left as soon as the worker hears
   * that another is idle (WorkerContext.idle): the work is cut where and when
   * it is needed, never for nobody.
   */
  readonly idleSplit?: number | undefined;
  /**
   * Work first (carry.ts): the job's first unit is the search's earliest open
   * one (or, ahead of the search, any), and the worker may go on, in the
   * same slice, with the units its own requests create next in the search's
   * order (and through the job's own next units, when gathered), instead of
   * sending each back through the queue — until another worker calls for work
   * (`idleSplit`), the slice ends, or the budget is reached.
   */
  readonly carry?: Carry | undefined;
  /**
   * Give and go on (keep.ts): when a call for work cuts the job, the worker
   * hands back only the last of the units left open (in the search's order:
   * the shallowest, usually the largest) and goes on with the others at
   * once, as the job's continuation (`continuationOf`), instead of handing
   * everything back and waiting for a job in turn.
   */
  readonly keep?: boolean | undefined;
  /**
   * With `keep`: complete executions left before the search's budget when
   * the job was sent (none: no budget), for a continuation that carries on.
   */
  readonly budget?: number | undefined;
}

/** A node above a carried unit, as its coordinator holds it (its choices are the unit's `known`). */
export interface CarryNode {
  readonly sleep: readonly FootprintData[];
  /** The footprint of each scheduled choice, where known. */
  readonly fps: readonly (FootprintData | null)[];
}

export interface Carry {
  /** The nodes from the search's root to the unit's root (aligned with the unit's `known`). */
  readonly nodes: readonly CarryNode[];
  /** Complete executions left before the search's budget, counted from the unit's start (none: no budget). */
  readonly budget?: number | undefined;
}

/** Run indices [from, to) of a sampling search. */
export interface RunsWork {
  readonly kind: "runs";
  readonly from: number;
  readonly to: number;
}

export type Work = UnitsWork | RunsWork;

export interface Job {
  /** Unique within its search. */
  readonly id: string;
  readonly search: SearchSpec;
  readonly work: Work;
}

/** What a unit's slice counted. */
export interface SliceStats {
  readonly executions: number;
  readonly blocked: number;
  readonly stepLimited: number;
  readonly cycles: number;
  readonly pruned: number;
}

/** One unit explored for a slice: its counts, its executions' tally (indices from 1 within the slice), what it left. */
export interface UnitSlice {
  readonly unit: WorkUnit;
  readonly stats: SliceStats;
  readonly tally: TallySummary;
  readonly outcome: UnitOutcome;
}

export type JobResult =
  | {
      readonly kind: "units";
      readonly slices: readonly UnitSlice[];
      /** Units of the job not started (the slice's time ran out first). */
      readonly untouched: readonly WorkUnit[];
      /**
       * Give and go on (`keep`): the units left open that this worker goes on
       * with, as the job `${id}+` (continuationOf); the coordinator holds them
       * as out, and hands out the rest. Absent: the job has ended.
       */
      readonly kept?: readonly WorkUnit[] | undefined;
      /**
       * The continuation carries on (carry.ts) from its first unit, the
       * search's earliest open one: the nodes above it. The worker's own
       * business (its transport need not post it).
       */
      readonly keptCarry?: Carry | undefined;
    }
  | {
      readonly kind: "runs";
      readonly from: number;
      /** The runs [from, to) were done (to < the job's end: the slice's time ran out, or a run matched). */
      readonly to: number;
      readonly tally: TallySummary;
    };
