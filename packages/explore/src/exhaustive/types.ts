/**
 * The exhaustive engine's options, counts and nodes (search.ts), and how it
 * is run on one work unit (units.ts).
 */
import type { Choice, Detector, Machine, RunResult } from "@kprim/machine";
import type { Footprint } from "./stepLog.js";
import type { WorkUnit, UnitOutcome } from "./units.js";

export type Reduction = "dpor" | "none";

export interface SearchOptions {
  readonly reduction: Reduction;
  /** At most this many preemptions per schedule (default: unbounded). */
  readonly preemptionBound?: number | undefined;
  readonly maxSteps: number;
  /** Stop after this many complete executions. */
  readonly maxExecutions?: number | undefined;
  /** Explore only below this prefix (it is taken as recorded). */
  readonly prefix?: readonly Choice[] | undefined;
  /** More detectors for every machine (they see every step of every execution). */
  readonly detectors?: readonly Detector[] | undefined;
  /** DPOR: result-less add/or/and steps of one kind on one cell commute (default false). */
  readonly commutativeAtomics?: boolean | undefined;
  /** Cut unfair cycles through declared loops (default true; see the module comment). */
  readonly fairCycles?: boolean | undefined;
  /** Store state fingerprints and cut executions at explored states (naive DFS only; see the module comment). */
  readonly stateful?: boolean | undefined;
  /** Stateful search: stop once this many states are stored. */
  readonly maxStates?: number | undefined;
  /** Stateful search: key a state and its images under the machine's declared symmetry as one (default false). */
  readonly symmetry?: boolean | undefined;
  /**
   * Stateful search: sleep sets, stored with the states (default true; env
   * KPRIM_SLEEP_SETS=0 turns them off). A choice explored from a state is not
   * taken again after steps independent of it: fewer executions per state,
   * the same states (see stateful.ts). Not with symmetry.
   */
  readonly sleepSets?: boolean | undefined;
  /**
   * Go back to a branch point by restoring the state saved there (DFS and
   * DPOR: the nearest one saved above it, then replaying the few steps
   * between on the same machine) instead of replaying the path on a fresh
   * machine (default true; env KPRIM_RESTORE=0 turns it off). Falls back to
   * replaying when a detector cannot be restored (no `snapshot`/`restore`).
   * Work units explored one after another on one engine go on from the
   * states the last one saved, where their paths agree. Same executions,
   * same results.
   */
  readonly restore?: boolean | undefined;
  /**
   * Stateful search: told the number of states stored, between executions,
   * each time another 1,024 have been stored; true stops the search.
   */
  readonly onStates?: ((states: number) => boolean) | undefined;
}

export interface SearchStats {
  /** Complete executions (each reached a final state: an outcome). */
  readonly executions: number;
  /** Executions cut because every enabled choice was asleep or over the bound. */
  readonly blocked: number;
  /** Complete executions that ended at the step limit. */
  readonly stepLimited: number;
  /** Executions cut on going round an unfair cycle. */
  readonly cycles: number;
  /** Choices not explored because of the preemption bound. */
  readonly pruned: number;
  /** Stateful search: distinct states stored (0 otherwise). */
  readonly states: number;
  /** Stateful search: executions cut on reaching a state explored before. */
  readonly merged: number;
  /** The search ran to its end (not stopped by the callback or maxExecutions). */
  readonly finished: boolean;
  /** finished, no execution hit the step limit, and the bound pruned nothing. */
  readonly exhausted: boolean;
}

/** What the search hands its callback after each complete execution. */
export interface Terminal {
  readonly machine: Machine;
  readonly result: RunResult;
  /** 1-based index of this execution. */
  readonly index: number;
}

/** @internal one step of the current path (the engine reuses the record and its arrays by depth) */
export interface Node {
  readonly enabled: Choice[];
  /** Preemptions taken before this node's choice. */
  pre: number;
  /** Choices scheduled here; [0, next) have been taken. */
  readonly backtrack: Choice[];
  next: number;
  /** The choice being explored. */
  taken: Choice;
  /** DPOR: footprints of the choices explored here. */
  readonly done: Footprint[];
  /** DPOR: the inherited sleep set. */
  readonly sleep: Footprint[];
  /** DPOR: each cpu's current thread id (−1: idle) at this node. */
  cur: Int32Array;
  /** Stateful search: the state's number (−1 otherwise). */
  key: number;
}

/** @internal how the engine explores one work unit (units.ts; see distributed/). */
export interface UnitContext {
  readonly unit: WorkUnit;
  /** `unit.sleep`, as footprints. */
  readonly sleep: readonly Footprint[];
  /** The footprints of `unit.before`, every one (the caller computes those the unit does not carry). */
  readonly done: readonly Footprint[];
  /** Asked between executions: true ends the slice and hands back the frontier. */
  readonly shouldYield?: (() => boolean) | undefined;
  /** Keep requests about the nodes above the unit (false: nobody owns them, as in static shards). */
  readonly requests: boolean;
  /** Static shards: schedule every choice above this many steps below the unit and return the paths reaching it as leaves. */
  readonly splitAt?: number | undefined;
}

/** @internal one engine exploring unit after unit (search.ts `engine`; distributed/worker.ts): each on from where the last one left the machine */
export type Explorer = (
  ctx: UnitContext | null,
  onExecution: (t: Terminal) => boolean,
  maxExecutions: number | undefined,
) => UnitRun;

/** @internal what the engine gives back for a unit */
export interface UnitRun {
  readonly stats: SearchStats;
  readonly outcome: UnitOutcome;
  /** splitAt: the leaf units, in depth-first order. */
  readonly leaves: readonly WorkUnit[];
}
