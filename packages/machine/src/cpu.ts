/**
 * Per-cpu state (`struct globaldata`): the current thread, 32 priority run
 * queues, one incoming IPI FIFO per sending cpu, the clock and counters.
 * Each cpu schedules only its own threads; other cpus reach it through IPIs.
 * A record: the run queues are changed by runtime/lwkt.ts, the FIFOs by
 * runtime/ipiq.ts, the idle-dispatch watch by runtime/access.ts.
 */
import type { Cell } from "./cell.js";
import type { Counters } from "./cost.js";
import { zeroCounters } from "./cost.js";
import type { Thread } from "./thread.js";
import type { Tx } from "./tx.js";
import type { Footprint } from "./cell.js";
import { type Choice, ChoiceKind, makeChoice } from "./choice.js";
import type { Origin } from "./states/fingerprint.js";

/** A queued IPI: run `fn` on the target cpu. */
export interface IpiMessage {
  readonly id: number;
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly fn: (tx: Tx) => void;
  readonly fp: Footprint | undefined;
  /** Sender's clock at send. */
  readonly sentAt: number;
  /** Where it was sent from, for state fingerprints (null unless the machine tracks states). */
  readonly origin: Origin | null;
}

/** Ring capacity per (sender, target) pair (spec §1.5: 32 in that era). */
export const IPI_FIFO_CAPACITY = 32;

/** The run queue of a priority no thread has used yet: never written. */
export const NO_THREADS: Thread[] = [];

/** The FIFO from a cpu that has not sent to this one yet: never written. */
export const NO_MESSAGES: IpiMessage[] = [];

export class Cpu {
  current: Thread | null = null;
  /** 32 FIFO run queues, one per priority; a queue never used is the shared empty one (machines are built per execution). */
  readonly runq: Thread[][] = new Array<Thread[]>(32).fill(NO_THREADS);
  /** Bit p set iff runq[p] is non-empty. */
  runqMask = 0;
  /** incoming[s] = FIFO from cpu s to this cpu; a FIFO never used is the shared empty one. */
  readonly incoming: IpiMessage[][];
  /** Bit s set iff incoming[s] is non-empty. */
  inbox = 0;
  /** owed[s]: messages from s that must be taken before the current thread's next step. */
  readonly owed: Int32Array;
  owedTotal = 0;
  /** An interrupt became pending inside a critical section that has since ended: it preempts before the current thread's next step. */
  intrOwed = false;
  /** Simulated cycles. */
  clock = 0;
  /** `gd_intr_nesting_level`: above zero only while an IPI or timeout handler runs. */
  intrLevel = 0;
  /** Interrupt threads bound to this cpu. */
  readonly ithreads: Thread[] = [];
  /** Threads of this cpu asleep with a timeout armed. */
  readonly timed: Thread[] = [];
  /** Idle with runnable threads that could not be resumed; watching `dispatchCells`. */
  dispatchWaiting = false;
  /** A watched cell changed, or a wake left runnable threads: the dispatch choice is enabled. */
  dispatchReady = false;
  /** The dispatch follows a wake (an IPI or timeout handler made a thread runnable): kept until taken. */
  dispatchOwed = false;
  /**
   * @internal set when this cpu may have a choice besides stepping its
   * current thread: an IPI queued, an interrupt thread, a timeout armed, a
   * dispatch ready. Whatever makes one possible sets it; listing the choices
   * clears it once none is left, so a cpu without it is listed in a few loads.
   */
  moreChoices = false;
  /** When the change that enabled the dispatch happened. */
  dispatchReadyAt = 0;
  /**
   * IPIs with an id at or above this were sent after the change the idle cpu
   * waited for: its idle loop sees the change first (see runtime/lwkt.ts).
   */
  dispatchReadyMsg = 0;
  /** @internal cells the failed resume checks read (the cpu watches them) */
  dispatchCells: Cell<unknown>[] = [];
  /** @internal spinners on this cpu that wake on IPI arrival */
  ipiWatchers: Thread[] = [];
  readonly counters: Counters = zeroCounters();
  /** @internal per-pair FIFO cells (shared by sender and target), created lazily */
  readonly fifoCells: (Cell<number> | undefined)[];
  /** @internal the choice that steps this cpu's current thread */
  readonly stepChoice: Choice;

  constructor(
    readonly index: number,
    ncpus: number,
  ) {
    this.incoming = new Array<IpiMessage[]>(ncpus).fill(NO_MESSAGES);
    this.owed = new Int32Array(ncpus);
    this.fifoCells = new Array<Cell<number> | undefined>(ncpus).fill(undefined);
    this.stepChoice = makeChoice(index, ChoiceKind.step);
  }

  /** The run queue gained a thread since the last dispatch. */
  runqGrew = false;
  /** Step of the last dispatch on this cpu. */
  dispatchStep = -1;
  /**
   * @internal change stamp: raised whenever this cpu's record or one of its
   * threads' may have changed (a step on the cpu, an IPI queued to it, a
   * watch of it fired, a restore that rewrote it) — never lowered, so an
   * equal stamp means nothing changed (states/vector.ts keys by it).
   */
  ver = 0;

  /** True when the current thread (if any) has a critical section open. */
  get inCritical(): boolean {
    return this.current !== null && this.current.crit > 0;
  }
}
