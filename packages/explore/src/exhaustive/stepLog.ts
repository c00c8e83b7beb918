/**
 * The step log: what each step of one execution touched, recorded by a
 * detector the explorer adds to every machine it builds with
 * `recordFootprints`. Flat typed arrays, reused between executions.
 *
 * Dependence (what DPOR and sleep sets use). Two steps are dependent iff
 * - they run on the same cpu (every choice on a cpu changes that cpu's
 *   scheduler state: current thread, run queues, critical-section debts), or
 * - one of them sends an IPI to the other's cpu (a send changes the target's
 *   FIFOs, its pending-IPI bits and the enabledness of its spinners and of
 *   its IPI choices, none of which is a cell), or
 * - their shared-cell footprints conflict (same cell, at least one write).
 * As objects: a step writes its own cpu, reads the cpu of every IPI target,
 * and reads/writes its cells; dependent = some object in common with at least
 * one write. Two sends to one cpu from different cpus stay independent.
 *
 * Spin-until steps. A spinner's step is disabled while its test is false, so
 * a write can disable it as well as enable it. A spin step is logged with the
 * whole watch set as its reads and flagged `spin`; the race analysis pairs it
 * with every earlier writer of a watched cell, not only the last one (placing
 * the spin before the last writer may find it disabled, which would stop the
 * usual chain of reversals). A spinner still disabled when an execution ends
 * is logged as a *virtual* spin step after the real ones, for the same
 * analysis (the spinner's pending op is read from the view's thread).
 *
 * An interrupt choice also counts as reading the MP lock cell (whether an
 * interrupt thread may preempt depends on it, and the machine reads it
 * without recording). A step the detectors did not see — the step that
 * panicked ends the run before detectors run — is logged as *universal*:
 * dependent with every other step (sound, merely less reduction).
 */
import { type Choice, ChoiceKind, choiceCpu, choiceKind, type Detector, type StepRecord } from "@kprim/machine";

/** A persisted footprint: a choice as it was executed from one state (sleep-set entries). */
export interface Footprint {
  readonly choice: Choice;
  /** A commutative read-modify-write (1 add, 2 or, 3 and) on `rmwCell`, or 0. */
  readonly rmw: number;
  readonly rmwCell: number;
  readonly cpu: number;
  /** Bit c set: the step sent an IPI to cpu c. */
  readonly sends: number;
  readonly reads: readonly number[];
  readonly writes: readonly number[];
  readonly universal: boolean;
}

/** A footprint `footprint` made, which `footprintInto` may fill again (the search's node records own such: nodes.ts). */
type Refillable = { -readonly [K in keyof Footprint]: Footprint[K] } & { reads: number[]; writes: number[] };

export class StepLog {
  /** Events logged in this execution. */
  n = 0;
  choice = new Int32Array(256);
  cpu = new Int32Array(256);
  /** The thread that stepped (step choices), else -1. */
  thread = new Int32Array(256);
  sends = new Int32Array(256);
  universal = new Uint8Array(256);
  /** Commutative read-modify-write kind (1 add, 2 or, 3 and; 0: none) and its cell. */
  rmw = new Uint8Array(256);
  rmwCell = new Int32Array(256);
  /** 1: a virtual step (pending when the execution ended). */
  virtual = new Uint8Array(256);
  /** Real steps logged (virtual ones come after them). */
  real = 0;
  /** reads of event k: pool[rs[k] .. ws[k]); writes: pool[ws[k] .. we[k]). */
  rs = new Int32Array(256);
  ws = new Int32Array(256);
  we = new Int32Array(256);
  pool = new Int32Array(1024);
  top = 0;
  /** Largest cell id seen (sizes the race analysis tables). */
  maxCell = -1;
  private mplock = -1;
  /** Watch set of the spin step about to be taken (set by the engine's strategy). */
  nextSpin: readonly number[] | null = null;
  /** The commutative RMW about to be taken (set by the engine's strategy), or null. */
  nextRmw: { readonly kind: number; readonly cell: number } | null = null;
  /** Called after each logged step with its index. */
  afterStep: ((k: number) => void) | null = null;
  readonly detector: Detector;

  constructor() {
    // It records, it never reports: nothing of its state decides a finding.
    this.detector = {
      name: "explore:footprints",
      // What it logs comes with every step record: the machine need make no events for it.
      events: false,
      onStep: (rec) => this.record(rec),
      stateKey: () => "",
      stateStamp: () => 0,
      // A restored state: the log goes back to the steps taken up to it (what follows is overwritten).
      snapshot: () => [this.n, this.real, this.top],
      restore: (s) => {
        const [n, real, top] = s as [number, number, number];
        this.n = n;
        this.real = real;
        this.top = top;
        this.nextSpin = null;
        this.nextRmw = null;
      },
    };
  }

  /** Start a new execution on a machine whose MP lock cell has id `mplock`. */
  reset(mplock: number): void {
    this.n = 0;
    this.real = 0;
    this.top = 0;
    this.mplock = mplock;
    this.nextSpin = null;
    this.nextRmw = null;
  }

  /** Start logging step k = n: its identity and kind; reads and writes follow. */
  private open(choice: Choice, cpu: number, thread: number, universal: boolean, virtual: boolean): number {
    const k = this.n;
    this.ensure(k + 1);
    this.choice[k] = choice;
    this.cpu[k] = cpu;
    this.thread[k] = thread;
    this.universal[k] = universal ? 1 : 0;
    this.virtual[k] = virtual ? 1 : 0;
    this.rmw[k] = 0;
    this.rmwCell[k] = -1;
    this.sends[k] = 0;
    this.rs[k] = this.ws[k] = this.we[k] = this.top;
    return k;
  }

  private record(rec: StepRecord): void {
    const k = this.open(rec.choice, rec.cpu, rec.thread, false, false);
    if (this.nextRmw !== null) {
      this.rmw[k] = this.nextRmw.kind;
      this.rmwCell[k] = this.nextRmw.cell;
      this.nextRmw = null;
    }
    this.sends[k] = rec.sends;
    this.rs[k] = this.top;
    this.copy(rec.reads);
    if (choiceKind(rec.choice) === ChoiceKind.interrupt && this.mplock >= 0) this.push(this.mplock, this.rs[k]!);
    if (this.nextSpin !== null) {
      for (const id of this.nextSpin) this.push(id, this.rs[k]!);
      this.nextSpin = null;
    }
    this.ws[k] = this.top;
    this.copy(rec.writes);
    this.we[k] = this.top;
    this.n = this.real = k + 1;
    this.afterStep?.(k);
  }

  /** Log a step the detectors did not see (the panicking last step) as universal. */
  logUnseen(choice: Choice, thread: number): void {
    const k = this.open(choice, choiceCpu(choice), thread, true, false);
    this.n = this.real = k + 1;
    this.nextSpin = null;
    this.nextRmw = null;
  }

  /**
   * Log a choice pending at the end of the execution (after every real
   * step): open it, add its reads (`virtualRead`), `endVirtualReads`, add
   * its writes (`virtualWrite`), close it (pending.ts's `logPending`).
   * `rmw`, `rmwCell`: a commutative result-less RMW's kind (0: none) and cell.
   */
  openVirtual(choice: Choice, thread: number, rmw: number, rmwCell: number): void {
    const k = this.open(choice, choiceCpu(choice), thread, false, true);
    this.rmw[k] = rmw;
    this.rmwCell[k] = rmwCell;
  }

  virtualRead(id: number): void {
    this.push(id, this.rs[this.n]!);
  }

  endVirtualReads(): void {
    this.ws[this.n] = this.top;
  }

  virtualWrite(id: number): void {
    this.push(id, this.ws[this.n]!);
  }

  closeVirtual(): void {
    this.we[this.n] = this.top;
    this.n++;
  }

  /** The footprint of event k, persisted (for sleep sets). */
  footprint(k: number): Footprint {
    const f: Refillable = {
      choice: 0 as Choice,
      rmw: 0,
      rmwCell: -1,
      cpu: 0,
      sends: 0,
      reads: [],
      writes: [],
      universal: false,
    };
    this.footprintInto(k, f);
    return f;
  }

  /** Fill `f` (made by `footprint`, no longer read by anyone) again with the footprint of event k. */
  footprintInto(k: number, footprint: Footprint): void {
    const f = footprint as Refillable;
    f.choice = this.choice[k]! as Choice;
    f.rmw = this.rmw[k]!;
    f.rmwCell = this.rmwCell[k]!;
    f.cpu = this.cpu[k]!;
    f.sends = this.sends[k]!;
    f.universal = this.universal[k] === 1;
    // Emptied by pops, their storage kept.
    while (f.reads.length > 0) f.reads.pop();
    while (f.writes.length > 0) f.writes.pop();
    for (let p = this.rs[k]!, e = this.ws[k]!; p < e; p++) f.reads.push(this.pool[p]!);
    for (let p = this.ws[k]!, e = this.we[k]!; p < e; p++) f.writes.push(this.pool[p]!);
  }

  /** Are logged events x and y dependent? */
  dependent(x: number, y: number): boolean {
    if (this.universal[x] === 1 || this.universal[y] === 1) return true;
    const cx = this.cpu[x]!;
    const cy = this.cpu[y]!;
    if (cx === cy || ((this.sends[x]! >>> cy) & 1) !== 0 || ((this.sends[y]! >>> cx) & 1) !== 0) return true;
    const pool = this.pool;
    const has = (id: number, from: number, to: number): boolean => {
      for (let p = from; p < to; p++) if (pool[p] === id) return true;
      return false;
    };
    const commute = this.rmw[x] !== 0 && this.rmw[x] === this.rmw[y] ? this.rmwCell[x]! : -1;
    for (let p = this.ws[x]!, e = this.we[x]!; p < e; p++) {
      const id = pool[p]!;
      if (has(id, this.rs[y]!, this.ws[y]!)) return true;
      if (id !== commute || this.rmwCell[y] !== id) {
        if (has(id, this.ws[y]!, this.we[y]!)) return true;
      }
    }
    for (let p = this.ws[y]!, e = this.we[y]!; p < e; p++) if (has(pool[p]!, this.rs[x]!, this.ws[x]!)) return true;
    return false;
  }

  /** Is footprint `f` independent of logged event k? */
  independent(f: Footprint, k: number): boolean {
    if (f.universal || this.universal[k] === 1) return false;
    const c = this.cpu[k]!;
    if (f.cpu === c) return false;
    if (((f.sends >>> c) & 1) !== 0 || ((this.sends[k]! >>> f.cpu) & 1) !== 0) return false;
    const pool = this.pool;
    const commute = f.rmw !== 0 && f.rmw === this.rmw[k] && f.rmwCell === this.rmwCell[k] ? f.rmwCell : -1;
    for (let p = this.rs[k]!, e = this.ws[k]!; p < e; p++) if (f.writes.includes(pool[p]!)) return false;
    for (let p = this.ws[k]!, e = this.we[k]!; p < e; p++) {
      const x = pool[p]!;
      if (f.reads.includes(x) || (x !== commute && f.writes.includes(x))) return false;
    }
    return true;
  }

  private copy(ids: readonly number[]): void {
    const start = this.top;
    for (let i = 0; i < ids.length; i++) this.push(ids[i]!, start);
  }

  /** Append a cell id to the current slice (which began at `start`) unless already there. */
  private push(id: number, start: number): void {
    const pool = this.pool;
    for (let p = start; p < this.top; p++) if (pool[p] === id) return;
    if (this.top === pool.length) {
      const bigger = new Int32Array(pool.length * 2);
      bigger.set(pool);
      this.pool = bigger;
    }
    this.pool[this.top++] = id;
    if (id > this.maxCell) this.maxCell = id;
  }

  private ensure(n: number): void {
    if (n <= this.choice.length) return;
    const size = Math.max(n, this.choice.length * 2);
    const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.choice = grow(this.choice);
    this.cpu = grow(this.cpu);
    this.thread = grow(this.thread);
    this.sends = grow(this.sends);
    this.universal = grow(this.universal);
    this.virtual = grow(this.virtual);
    this.rmw = grow(this.rmw);
    this.rmwCell = grow(this.rmwCell);
    this.rs = grow(this.rs);
    this.ws = grow(this.ws);
    this.we = grow(this.we);
  }
}
