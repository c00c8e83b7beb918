/**
 * The machine's record: one plain record holding everything a run is — its
 * configuration, the cpus, threads and cells, the MP lock, the step in
 * progress, the logs, the hooks and detectors, an optional search tracker.
 * The functions over it live beside this file, one file per mechanism:
 *
 *   step.ts     taking a choice; the op interpreter; atomic steps that block
 *   lwkt.ts     resume and switch, dispatch, run queues, lwkt_schedule, the
 *               MP lock, interrupts and timeouts, crit_enter/crit_exit (splz):
 *               the one file whose functions call each other in a circle
 *   ipiq.ts     IPI FIFOs: send, take, owed messages, the half-full drain
 *   spin.ts     spin-until waits: begin, re-enable on IPI arrival, finish
 *   choices.ts  the enabled set and what a choice is (reads; it only forgets
 *               flags that can no longer enable anything)
 *   access.ts   step scopes, cell accesses and their cost, footprints,
 *               check-mode guards, the watchers a write wakes
 *   tx.ts       the Tx object atomic closures, handlers and hooks receive
 *   failure.ts  panics, model errors, violations, the end at quiescence
 *   trail.ts    the choices taken and the schedule made from them
 *   events.ts   trace events and console lines
 *
 * Every field is data — numbers, flags, arrays and maps of records — except
 * the configuration objects the caller handed in (strategy, detectors,
 * hooks: shared, never part of a run's state) and the thread generators,
 * kept apart in each thread's `generators` field: a suspended generator is
 * the one part of a run's state that cannot be copied, only rebuilt by
 * resuming a fresh one with the same values. (Ops, IPI messages and timeout
 * specs hold the closures model code made: code to share, not state.)
 *
 * Invariants: ids (cells, messages, flows, scopes, events) are sequential
 * per record; nothing here is reachable from module-level state.
 */
import { Cell, type Footprint } from "../cell.js";
import type { Choice } from "../choice.js";
import type { CostTable } from "../cost.js";
import type { Cpu } from "../cpu.js";
import type { Detector, StepRecord } from "../detector.js";
import type { Extension } from "../extension.js";
import type { Gen } from "../ops.js";
import type { SchedulerHooks } from "../hooks.js";
import type { DetectorReport, Outcome } from "../outcome.js";
import type { Prng } from "../prng.js";
import type { ScheduleHeader } from "../schedule.js";
import type { ResumeLog } from "../states/snapshot.js";
import type { StateTracker } from "../states/tracker.js";
import type { CellCode } from "../states/fingerprint.js";
import type { Strategy } from "../strategy.js";
import type { Thread, TimeoutSpec } from "../thread.js";
import type { ConsoleLine, TraceEvent } from "../trace.js";
import type { Tx } from "../tx.js";
import type { MachineView } from "../view.js";
import { FIRST_CHUNK } from "./trail.js";

/** Seeded jitter on every charge: each cost times (1 ± amount). */
export interface Jitter {
  readonly prng: Prng;
  readonly amount: number;
}

/**
 * An open step scope: who is stepping where, under which footprint
 * (access.ts). The record keeps one per nesting depth, filled again by
 * every scope that opens at that depth.
 */
export interface Scope {
  /** How many scopes enclose it. */
  readonly depth: number;
  id: number;
  cpu: Cpu;
  /** The cpu's current thread. */
  thread: Thread | null;
  /** The thread whose op this is (null in handlers and hooks). */
  stepping: Thread | null;
  /** Declared footprint; null = unrestricted (machine and layer hooks). */
  fp: Footprint | null;
  intr: boolean;
  /** Evaluating enabledness: no recording, no cost. */
  quiet: boolean;
  parent: Scope | null;
  /** The stepping thread asked to block when its closure returns (`tx.block`). */
  block: { waitsOn: string; timeout: TimeoutSpec | undefined } | null;
  /** Cells changed in place (`tx.mutate`, `tx.write`) whose watchers run when the scope closes. */
  dirty: Cell<unknown>[] | null;
}

export interface Core {
  // ------------------------------------------- configuration, fixed at creation
  readonly ncpus: number;
  readonly cost: CostTable;
  /** Guard shared objects and verify footprints. */
  readonly checkMode: boolean;
  readonly tracing: boolean;
  readonly maxSteps: number;
  readonly header: ScheduleHeader;
  /** An IPI or timeout handler's wake on an idle cpu resumes the thread in its step (kprim1/kprim2 replays). */
  readonly sameStepDispatch: boolean;
  readonly jitter: Jitter | null;
  /** What strategies, detectors, hooks and `tx.view` see: the machine. */
  readonly view: MachineView;
  /** The one Tx object of the machine: its methods act on the innermost open scope. */
  readonly tx: Tx;

  // ------------------------------------------- set-up, fixed once the run starts
  strategy: Strategy;
  readonly detectors: Detector[];
  readonly hooks: SchedulerHooks[];
  /** The hooks with `onResume`. */
  readonly resumeHooks: SchedulerHooks[];
  /** Per-machine layer state, created on first use (most machines have none). */
  extensions: Map<Extension<unknown>, unknown> | null;
  /** Threads declared interchangeable, in id order. */
  symmetric: Thread[];
  /** Record each step's shared reads and writes. */
  recording: boolean;
  /** Emit events (a trace is kept, or detectors read them). */
  eventsOn: boolean;
  /** Stateful search, attached on demand (states/tracker.ts). */
  tracker: StateTracker | null;
  /** A fresh body generator for each thread, by id (states/snapshot.ts rebuilds threads with them). */
  readonly respawn: (() => Gen<unknown>)[];
  /** Restoring states: each thread's resume log (states/snapshot.ts), or null. */
  resumes: ResumeLog | null;
  /** A thread's generator is being rebuilt: the kernel context's services touch nothing but the thread's counts. */
  rebuilding: boolean;

  // ------------------------------------------- the machine
  readonly cpus: Cpu[];
  readonly threads: Thread[];
  readonly cells: Cell<unknown>[];
  /** The MP lock: owner cpu or -1. */
  readonly mplock: Cell<number>;
  /** Threads that are not daemons and not done. */
  liveThreads: number;

  // ------------------------------------------- the run
  started: boolean;
  finished: boolean;
  outcome: Outcome | null;
  stepCount: number;
  nextCellId: number;
  nextLoop: number;
  nextMsgId: number;
  nextFlow: number;
  nextScopeId: number;
  /** The next trace event's sequence number. */
  seq: number;
  /** The innermost open step scope. */
  scope: Scope | null;
  /** The scopes by depth, reused (access.ts `withScope`). */
  readonly scopes: Scope[];
  /** The thread whose code is executing (for error messages and k.* checks). */
  actor: Thread | null;
  /** A dispatch attempt's log of the cells its resume checks read (the idle cpu watches them). */
  readLog: Cell<unknown>[] | null;

  // ------------------------------------------- logs
  /**
   * The choices taken: `trail` is being filled at `trailAt`, the chunks
   * before it are full. Chunks are never copied as a run grows (pushing onto
   * a huge JS array is slow, and so is copying a huge typed array).
   */
  trail: Int32Array;
  trailAt: number;
  readonly trailChunks: Int32Array[];
  readonly consoleLines: ConsoleLine[];
  /** Every event, when tracing. */
  readonly traceLog: TraceEvent[] | null;
  /** The current step's events (for detectors). */
  stepEvents: TraceEvent[];
  /** The cpus the current step sent an IPI to (bit c: cpu c). */
  stepSends: number;
  /** What detectors see after each step: one record, filled again every step (failure.ts). */
  readonly stepRecord: { -readonly [K in keyof StepRecord]: StepRecord[K] };
  /** The current step's footprint (cell ids), when recording. */
  readonly fpReads: number[];
  readonly fpWrites: number[];
  /** Violations reported during the current step. */
  reports: DetectorReport[];
  /** Every event kind emitted so far, kept even when events are off (explorers ask after a run). */
  kindsEmitted: Set<string> | null;
  /** The enabled choices, refilled before each step. */
  readonly choiceBuf: Choice[];
}

export interface CoreOptions {
  readonly ncpus: number;
  readonly cost: CostTable;
  readonly cpus: Cpu[];
  readonly checkMode: boolean;
  readonly tracing: boolean;
  readonly maxSteps: number;
  readonly header: ScheduleHeader;
  readonly sameStepDispatch: boolean;
  readonly jitter: Jitter | null;
  readonly strategy: Strategy;
  readonly detectors: Detector[];
  readonly recording: boolean;
  readonly view: MachineView;
  readonly tx: Tx;
}

/** A fresh record (every field set here, in one order: one hidden class for every machine). */
export function createCore(o: CoreOptions): Core {
  // The MP lock is the first cell of every machine.
  const mplock = new Cell<number>(0, "mplock", -1, -1);
  mplock.code = "cpu";
  return {
    ncpus: o.ncpus,
    cost: o.cost,
    checkMode: o.checkMode,
    tracing: o.tracing,
    maxSteps: o.maxSteps,
    header: o.header,
    sameStepDispatch: o.sameStepDispatch,
    jitter: o.jitter,
    view: o.view,
    tx: o.tx,
    strategy: o.strategy,
    detectors: o.detectors,
    hooks: [],
    resumeHooks: [],
    extensions: null,
    symmetric: [],
    recording: o.recording,
    eventsOn: o.tracing || o.detectors.some((d) => d.events !== false),
    tracker: null,
    respawn: [],
    resumes: null,
    rebuilding: false,
    cpus: o.cpus,
    threads: [],
    cells: [mplock as Cell<unknown>],
    mplock,
    liveThreads: 0,
    started: false,
    finished: false,
    outcome: null,
    stepCount: 0,
    nextCellId: 1,
    nextLoop: 0,
    nextMsgId: 0,
    nextFlow: 0,
    nextScopeId: 0,
    seq: 0,
    scope: null,
    scopes: [],
    actor: null,
    readLog: null,
    trail: new Int32Array(FIRST_CHUNK),
    trailAt: 0,
    trailChunks: [],
    consoleLines: [],
    traceLog: o.tracing ? [] : null,
    stepEvents: [],
    stepSends: 0,
    stepRecord: { index: 0, choice: 0 as Choice, cpu: 0, thread: -1, events: [], reads: [], writes: [], sends: 0 },
    fpReads: [],
    fpWrites: [],
    reports: [],
    kindsEmitted: null,
    choiceBuf: [],
  };
}

/** A cell of the record: shared (`cpu` -1) or local to a cpu; `code` says what its number names. */
export function newCell<T>(core: Core, name: string, value: T, cpu: number, code?: CellCode): Cell<T> {
  const c = new Cell<T>(core.nextCellId++, name, value, cpu);
  if (code !== undefined) c.code = code;
  core.cells.push(c as Cell<unknown>);
  return c;
}
