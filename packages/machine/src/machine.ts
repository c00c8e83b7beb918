/**
 * The deterministic SMP machine.
 *
 * What it models (spec §1): 1 to 32 cpus, each with a current thread, LWKT
 * run queues in priority order and one incoming IPI FIFO per sending cpu;
 * kernel threads bound to a cpu that run until they block, yield or end;
 * interrupt threads, the only preemptors; critical sections; the MP lock.
 *
 * Execution: at every step boundary the machine lists the enabled choices,
 * each with a stable identity (`choice.ts`), and the strategy picks one.
 * Everything else — switching to the next runnable thread in LWKT order, the
 * dispatch after a block — is deterministic and happens inside the step that
 * caused it. One `yield` of a thread is one atomic step; code between yields
 * is thread-local.
 *
 * Rules kept here:
 * - IPIs to a cpu whose current thread is in a critical section wait. When
 *   the count drops to zero, what waited is owed: the thread takes no step
 *   until those messages have run. A thread that blocks inside a critical
 *   section takes its count with it; the next thread's own count decides.
 * - An explicit IPI-processing point owes every queued message even inside a
 *   critical section.
 * - An interrupt may arrive at any step boundary. Inside a critical section
 *   it only becomes pending; when the section ends (crit_exit → splz) its
 *   preemption is owed before the thread's next step. An interrupt thread
 *   preempts only a lower-priority current thread, and only if it holds no
 *   tokens (hooks).
 *   The preempted thread is parked and resumes the instant the preemptor
 *   blocks or ends; returning to it skips the switch-out hooks (preemption
 *   does not release tokens).
 * - An idle cpu waiting for something to come back (a token, the MP lock)
 *   notices its arrival before it takes any IPI sent after that arrival: its
 *   idle loop retries the switch continuously, while an IPI needs a latency
 *   to arrive. (Without this, two idle cpus could hand a token back and forth
 *   forever in an exhaustive search, a cycle real timing rules out.)
 * - The MP lock is taken by the scheduler before resuming a thread that needs
 *   it and dropped when switching to one that does not; a contended get is a
 *   blocking point.
 * - Reaching a blocking point with spinlocks held is a `spinlock-blocking`
 *   violation at that step; a critical count below zero is `crit-count`.
 *
 * Calling context: `run()` is synchronous and owns the machine until it
 * returns. Nothing here reads clocks, randomness or promises; the same
 * inputs give a byte-identical trace.
 */
import { addWatcher, Cell, type CellWatcher, type Footprint, removeWatcher } from "./cell.js";
import {
  type Choice,
  ChoiceKind,
  type ChoiceKindCode,
  choiceArg,
  choiceCpu,
  choiceKind,
  formatChoice,
  makeChoice,
} from "./choice.js";
import { addCounters, backoffRetest, type CostTable, type Counters, defaultCostTable, zeroCounters } from "./cost.js";
import { Cpu, IPI_FIFO_CAPACITY, type IpiMessage } from "./cpu.js";
import type { Detector, StepRecord } from "./detector.js";
import { FootprintError, KernelPanic, MachineConfigError, ModelError } from "./errors.js";
import type { Extension } from "./extension.js";
import { KernelContext } from "./kernel.js";
import {
  describeOp,
  type Gen,
  type LoadOp,
  type Op,
  op,
  type RmwOp,
  type SpinOp,
  type StoreOp,
  unreachable,
} from "./ops.js";
import type { DetectorReport, Outcome, Waiter } from "./outcome.js";
import { Prng } from "./prng.js";
import { emptyHeader, type Schedule, type ScheduleHeader } from "./schedule.js";
import type { CellCode } from "./states/fingerprint.js";
import type { Histories } from "./states/histories.js";
import { Identities, stateKey } from "./states/stateKey.js";
import { StateTracker } from "./states/tracker.js";
import type { Strategy } from "./strategy.js";
import { roundRobin } from "./strategies/roundRobin.js";
import { PRI, Thread, type ThreadKind, type TimeoutSpec } from "./thread.js";
import type { ConsoleLine, TraceEvent, TraceEventKind } from "./trace.js";
import type { Tx } from "./tx.js";
import type { MachineView } from "./view.js";

export interface MachineOptions {
  /** Number of cpus, 1 to 32. */
  readonly cpus: number;
  /** Picks among the enabled choices; default round-robin. */
  readonly strategy?: Strategy;
  /** Guard shared objects and verify footprints (default: env KPRIM_CHECK=1). */
  readonly check?: boolean;
  /** Keep every trace event in the result. */
  readonly trace?: boolean;
  /** A run that keeps taking steps ends with `step-limit` here (default 100,000). */
  readonly maxSteps?: number;
  /** Overrides of the default cost table. */
  readonly cost?: Partial<CostTable>;
  /** Seeded jitter on every charge: each cost times (1 ± amount). */
  readonly jitter?: { readonly seed: number; readonly amount: number };
  readonly detectors?: readonly Detector[];
  /** Record each step's shared reads and writes (the explorer needs them). */
  readonly recordFootprints?: boolean;
  /** Identifies the run in its schedule header. */
  readonly header?: ScheduleHeader;
}

export interface SpawnOptions {
  readonly cpu: number;
  readonly name: string;
  readonly body: (k: KernelContext) => Gen<unknown>;
  /** LWKT priority 0..31 (default: kernel daemon 12, interrupt 28). */
  readonly pri?: number;
  /** Kernel threads start runnable; interrupt threads start armed. */
  readonly kind?: ThreadKind;
  /** May remain asleep at the end without it being a deadlock. */
  readonly daemon?: boolean;
  /** An interrupt thread that is runnable from the start instead of armed. */
  readonly runnable?: boolean;
  /** An interrupt thread whose interrupt can arrive only after `tx.arm` (default true: armed at once). */
  readonly armed?: boolean;
}

/** Scheduler hooks a layer registers once per machine (the token layer's). */
export type ResumeOutlook = "runs" | "acts" | "waits";

export interface SchedulerHooks {
  readonly name: string;
  /** `lwkt_switch` before choosing the next thread (not when returning to a preempted thread). */
  onSwitchOut?(tx: Tx, outgoing: Thread): void;
  /** Before resuming `t` on this cpu: are all its resources here? May send requests. */
  canResume?(tx: Tx, t: Thread): boolean;
  /**
   * Read-only forecast of `canResume(t)` now: "runs" (true, changing
   * nothing), "acts" (it would change shared state — send a request — or
   * cannot tell), "waits" (false, changing nothing). An idle cpu whose every
   * runnable thread would only wait is not offered a dispatch: the re-check
   * could change nothing. Without it the machine assumes "acts".
   */
  resumeOutlook?(view: MachineView, t: Thread): ResumeOutlook;
  /** May `t` preempt (`lwkt_preempt` refuses targets holding tokens)? */
  canPreempt?(t: Thread): boolean;
  /** Why a runnable thread cannot be resumed, for deadlock reports. */
  describeWait?(t: Thread): string | undefined;
  /**
   * Just before the machine runs `t`'s own code (its body, up to its next
   * step or its end). Observation only: it must not touch the machine. A
   * watchdog outside the run uses it to name a thread whose body never
   * yields (the machine is synchronous and cannot interrupt one itself).
   */
  onResume?(t: Thread): void;
}

export interface RunCounters {
  readonly total: Counters;
  readonly perCpu: readonly Counters[];
}

/** Who ran, for exporters and reports. */
export interface ThreadInfo {
  readonly id: number;
  readonly name: string;
  readonly cpu: number;
  readonly kind: ThreadKind;
  readonly pri: number;
}

export interface RunResult {
  readonly ncpus: number;
  readonly threads: readonly ThreadInfo[];
  readonly outcome: Outcome;
  readonly console: readonly ConsoleLine[];
  readonly counters: RunCounters;
  readonly schedule: Schedule;
  /** Every event, when `trace` was on. */
  readonly trace: readonly TraceEvent[] | null;
  readonly steps: number;
  /** Largest cpu clock at the end (simulated cycles). */
  readonly makespan: number;
}

/** Returned by `perform` when the thread left its cpu (no resume this step). */
const LEFT: unique symbol = Symbol("left");

interface Scope {
  readonly id: number;
  readonly cpu: Cpu;
  /** The cpu's current thread. */
  readonly thread: Thread | null;
  /** The thread whose op this is (null in handlers and hooks). */
  readonly stepping: Thread | null;
  /** Declared footprint; null = unrestricted (machine and layer hooks). */
  readonly fp: Footprint | null;
  readonly intr: boolean;
  /** Evaluating enabledness: no recording, no cost. */
  readonly quiet: boolean;
  readonly parent: Scope | null;
  block: { waitsOn: string; timeout: TimeoutSpec | undefined } | null;
  dirty: Cell<unknown>[] | null;
}

const DEFAULT_MAX_STEPS = 100_000;

/** The extensions of a machine that has none (it makes its map on first use). */
const NO_EXTENSIONS: ReadonlyMap<Extension<unknown>, unknown> = new Map();

let checkDefault: boolean | undefined;

/** KPRIM_CHECK=1 turns check mode on by default; read once (machines are built per execution). */
function envCheckDefault(): boolean {
  checkDefault ??= typeof process !== "undefined" && process.env["KPRIM_CHECK"] === "1";
  return checkDefault;
}

export class Machine implements MachineView {
  readonly ncpus: number;
  readonly cost: CostTable;
  readonly cpus: Cpu[];
  readonly threads: Thread[] = [];
  readonly checkMode: boolean;
  /** The MP lock: owner cpu or -1. */
  readonly mplock: Cell<number>;

  private strategy: Strategy;
  private readonly maxSteps: number;
  private readonly tracing: boolean;
  private recording: boolean;
  private readonly detectors: Detector[];
  private readonly hooks: SchedulerHooks[] = [];
  private readonly resumeHooks: SchedulerHooks[] = [];
  /** Created on first use (most machines have none; machines are built per execution). */
  private extensions: Map<Extension<unknown>, unknown> | null = null;
  private readonly jitter: { prng: Prng; amount: number } | null;
  private readonly header: ScheduleHeader;

  private stepCount = 0;
  private started = false;
  private finished = false;
  private outcome: Outcome | null = null;
  private nextCellId = 0;
  private readonly cellList: Cell<unknown>[] = [];
  private identities: Identities | null = null;
  /** Stateful search (states/tracker.ts), attached by `trackStates`. */
  private tracker: StateTracker | null = null;
  /** Threads declared interchangeable (`symmetric`), in id order; used when states are tracked with symmetry. */
  private symmetry: Thread[] = [];
  private nextLoop = 0;
  private nextMsgId = 0;
  private nextFlow = 0;
  private nextScopeId = 0;
  private seq = 0;
  private liveThreads = 0;

  private readonly choiceBuf: Choice[] = [];
  /**
   * The choices taken: `trail` is being filled at `trailAt`, the chunks before
   * it are full. Chunks are never copied as a run grows (pushing onto a huge
   * JS array is slow, and so is copying a huge typed array).
   */
  private trail = new Int32Array(16);
  private trailAt = 0;
  private readonly trailChunks: Int32Array[] = [];
  private readonly consoleLines: ConsoleLine[] = [];
  private readonly traceLog: TraceEvent[] | null;
  private stepEvents: TraceEvent[] = [];
  private eventsOn: boolean;
  private readonly fpReads: number[] = [];
  private readonly fpWrites: number[] = [];
  private reports: DetectorReport[] = [];
  /** Every event kind emitted so far, kept even when events are off (cheap: explorers ask after a run). */
  private kindsEmitted: Set<string> | null = null;

  /** The innermost open step scope. */
  private scope: Scope | null = null;
  /** The thread whose code is executing (for error messages and k.* checks). */
  private actor: Thread | null = null;
  private readonly txImpl: TxImpl;

  constructor(opts: MachineOptions) {
    if (!Number.isInteger(opts.cpus) || opts.cpus < 1 || opts.cpus > 32) {
      throw new MachineConfigError(`a machine has 1 to 32 cpus, not ${String(opts.cpus)}`);
    }
    this.ncpus = opts.cpus;
    this.cost = opts.cost ? Object.freeze({ ...defaultCostTable, ...opts.cost }) : defaultCostTable;
    const nextMsgId = (): number => this.nextMsgId;
    this.cpus = Array.from({ length: opts.cpus }, (_, i) => new Cpu(i, opts.cpus, nextMsgId));
    this.strategy = opts.strategy ?? roundRobin();
    this.checkMode = opts.check ?? envCheckDefault();
    this.tracing = opts.trace ?? false;
    this.traceLog = this.tracing ? [] : null;
    this.recording = (opts.recordFootprints ?? false) || (opts.detectors ?? []).some((d) => d.footprints === true);
    this.maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
    this.detectors = opts.detectors ? [...opts.detectors] : [];
    this.eventsOn = this.tracing || this.detectors.length > 0;
    this.jitter = opts.jitter ? { prng: new Prng(opts.jitter.seed), amount: opts.jitter.amount } : null;
    this.header = opts.header ?? emptyHeader();
    this.mplock = this.cell("mplock", -1, { code: "cpu" });
    this.txImpl = new TxImpl(this);
  }

  // ---------------------------------------------------------------- set-up

  /**
   * A shared cell, or one local to `cpu`. `code` says that the cell's number
   * names a thread (`thread+1`, 0 for none), a cpu (`cpu`, negative for
   * none) or a set of cpus (`cpumask`), so that symmetry can rename it.
   */
  cell<T>(name: string, value: T, opts: { cpu?: number; code?: CellCode } = {}): Cell<T> {
    const cpu = opts.cpu ?? -1;
    if (cpu >= this.ncpus) throw new MachineConfigError(`cell ${name}: no cpu ${cpu}`);
    const c = new Cell<T>(this.nextCellId++, name, value, cpu);
    if (opts.code !== undefined) c.code = opts.code;
    this.cellList.push(c as Cell<unknown>);
    return c;
  }

  /**
   * A key for the current state when some thread is inside a declared loop
   * (see stateKey.ts), else null: equal keys are equal states, so an
   * execution that meets its own key again has gone round a cycle.
   */
  stateKey(): string | null {
    this.identities ??= new Identities();
    return stateKey(
      this.cellList,
      this.cpus,
      this.threads,
      this.threads.map((t) => t.stack),
      this.identities,
    );
  }

  /**
   * Keep what `fingerprint()` needs: each thread's history of resume values,
   * interned in `histories` (one table for a whole search). Before the run.
   */
  trackStates(histories: Histories, opts: { symmetry?: boolean } = {}): void {
    if (this.started) throw new MachineConfigError("trackStates: the machine has already started");
    this.tracker = new StateTracker(histories, opts.symmetry ?? true);
  }

  /**
   * Declare `threads` interchangeable: the same code with the same
   * parameters, each alone on its own cpu, so that swapping two of them
   * together with their cpus maps a reachable state to a reachable one.
   * Stateful search then keys a state and its images as one (symmetry
   * reduction). A promise the machine checks only in part (kinds, cpus,
   * priorities): a number that names one of them or its cpu must live in a
   * cell that says so (`code`), and no value a thread keeps across steps may
   * name another of them.
   */
  symmetric(threads: readonly Thread[]): void {
    if (this.started) throw new MachineConfigError("symmetric: the machine has already started");
    const cpus = new Set(threads.map((t) => t.cpu));
    const first = threads[0];
    if (first === undefined) return;
    if (cpus.size !== threads.length) throw new MachineConfigError("symmetric: each thread must have a cpu of its own");
    for (const t of threads) {
      if (t.kind !== first.kind || t.pri !== first.pri || t.daemon !== first.daemon) {
        throw new MachineConfigError(`symmetric: ${t.name} differs from ${first.name} in kind or priority`);
      }
    }
    this.symmetry = [...threads].sort((a, b) => a.id - b.id);
  }

  /**
   * A key of the whole state, comparable across executions of the same
   * factory (see fingerprint.ts): equal keys, same behaviour from here on.
   * Needs `trackStates` before the run, and a `stateKey` on every detector.
   */
  fingerprint(): string {
    const tracker = this.tracker;
    if (tracker === null || tracker.canon === null) {
      throw new MachineConfigError("fingerprint: call trackStates before the run starts");
    }
    return tracker.fingerprint({
      cells: this.cellList,
      cpus: this.cpus,
      threads: this.threads,
      extensions: this.extensions ?? NO_EXTENSIONS,
      detectors: this.detectors,
      symmetric: tracker.symmetry ? this.symmetry : [],
    });
  }

  /** @internal `KernelContext.call` returned `value`: the thread's history is the one before the call, and the value. */
  returned(t: Thread, mark: number, value: unknown): void {
    this.tracker?.returned(t, mark, value);
  }

  /** @internal `KernelContext.settle`: the history is the one at the start of the innermost call, and the label. */
  settled(t: Thread, label: string): void {
    this.tracker?.settled(t, label);
  }

  /** @internal a fresh number for a loop entry (`KernelContext.enterLoop`) */
  loopEntry(): number {
    return ++this.nextLoop;
  }

  /** Set a cell's initial value during set-up (before the run starts). */
  preset<T>(cell: Cell<T>, value: T): void {
    if (this.started) throw new MachineConfigError(`preset ${cell.name}: the machine has already started`);
    cell.v = value;
    cell.key = null;
  }

  spawn(o: SpawnOptions): Thread {
    if (this.started) throw new MachineConfigError(`spawn ${o.name}: the machine has already started`);
    if (!Number.isInteger(o.cpu) || o.cpu < 0 || o.cpu >= this.ncpus) {
      throw new MachineConfigError(`spawn ${o.name}: no cpu ${String(o.cpu)} on a ${this.ncpus}-cpu machine`);
    }
    const kind = o.kind ?? "kernel";
    const pri = o.pri ?? (kind === "interrupt" ? PRI.INT_MED : PRI.KERN_DAEMON);
    if (!Number.isInteger(pri) || pri < 0 || pri > 31) throw new MachineConfigError(`spawn ${o.name}: priority ${pri}`);
    const t = new Thread(this.threads.length, o.name, o.cpu, pri, kind, o.daemon ?? false);
    const k = new KernelContext(this, t);
    t.stack.push(o.body(k));
    this.threads.push(t);
    if (!t.daemon) this.liveThreads++;
    const cpu = this.cpus[o.cpu]!;
    if (kind === "interrupt") {
      cpu.ithreads.push(t);
      cpu.moreChoices = true;
      t.irq = this.cell(`irq ${o.name}`, o.runnable || o.armed === false ? 0 : 1);
      if (o.runnable) {
        t.state = "runnable";
        cpu.enqueue(t);
      } else if (o.armed === false) {
        t.state = "dormant";
      }
    } else {
      cpu.enqueue(t);
    }
    return t;
  }

  addDetector(d: Detector): void {
    if (this.started) throw new MachineConfigError(`detector ${d.name}: the machine has already started`);
    this.detectors.push(d);
    this.eventsOn = true;
    if (d.footprints === true) this.recording = true;
  }

  addHooks(h: SchedulerHooks): void {
    this.hooks.push(h);
    if (h.onResume) this.resumeHooks.push(h);
  }

  ext<T>(e: Extension<T>): T {
    this.extensions ??= new Map();
    let v = this.extensions.get(e as Extension<unknown>);
    if (v === undefined) {
      v = e.create(this);
      this.extensions.set(e as Extension<unknown>, v);
    }
    return v as T;
  }

  /** Replace the strategy before the run starts (the explorer wraps strategies). */
  setStrategy(s: Strategy): void {
    if (this.started) throw new MachineConfigError("the strategy is fixed once the machine has started");
    this.strategy = s;
  }

  // ------------------------------------------------------------ the view

  get step(): number {
    return this.stepCount;
  }

  get console(): readonly ConsoleLine[] {
    return this.consoleLines;
  }

  thread(id: number): Thread {
    const t = this.threads[id];
    if (t === undefined) throw new MachineConfigError(`no thread ${id}`);
    return t;
  }

  peek<T>(cell: Cell<T>): T {
    return cell.v;
  }

  choiceTime(c: Choice): number {
    const cpu = this.cpus[choiceCpu(c)]!;
    switch (choiceKind(c)) {
      case ChoiceKind.step: {
        const t = cpu.current!;
        return t.op !== null && t.op.op === "spin" && t.spinSince > 0 ? Math.max(cpu.clock, t.spinReadyAt) : cpu.clock;
      }
      case ChoiceKind.ipi: {
        const head = cpu.incoming[choiceArg(c)]![0]!;
        return Math.max(cpu.clock, head.sentAt + this.cost.ipiLatency);
      }
      case ChoiceKind.timeout: {
        const t = this.threads[choiceArg(c)]!;
        const w = t.wait!;
        return Math.max(cpu.clock, w.since + (w.timeout?.ticks ?? 0) * this.cost.tick);
      }
      case ChoiceKind.dispatch:
        return Math.max(cpu.clock, cpu.dispatchReadyAt);
      case ChoiceKind.interrupt:
        return cpu.clock;
      default:
        return cpu.clock;
    }
  }

  describeChoice(c: Choice): string {
    const cpu = this.cpus[choiceCpu(c)]!;
    const arg = choiceArg(c);
    switch (choiceKind(c)) {
      case ChoiceKind.step: {
        const t = cpu.current;
        return `cpu${cpu.index}: step ${t?.name ?? "?"}${t?.op ? ` (${describeOp(t.op)})` : ""}`;
      }
      case ChoiceKind.ipi: {
        const head = cpu.incoming[arg]?.[0];
        return `cpu${cpu.index}: take IPI from cpu${arg}${head ? ` (${head.label})` : ""}`;
      }
      case ChoiceKind.interrupt:
        return `cpu${cpu.index}: interrupt thread ${this.threads[arg]?.name ?? arg}`;
      case ChoiceKind.timeout:
        return `cpu${cpu.index}: timeout of ${this.threads[arg]?.name ?? arg}`;
      case ChoiceKind.dispatch:
        return `cpu${cpu.index}: retry dispatch`;
      default:
        return formatChoice(c);
    }
  }

  // --------------------------------------------------------------- the run

  run(): RunResult {
    if (this.finished || this.started) throw new MachineConfigError("a machine runs once");
    this.started = true;
    if (this.tracker !== null) this.startTracker(this.tracker);
    this.guarded(null, () => {
      for (const cpu of this.cpus) if (cpu.current === null) this.dispatch(cpu);
    });
    // Both are fixed for the run: held here, V8 need not reload them after each step.
    const strategy = this.strategy;
    const choices = this.choiceBuf;
    while (this.outcome === null) {
      if (this.stepCount >= this.maxSteps) {
        this.outcome = { kind: "step-limit", step: this.stepCount };
        break;
      }
      const n = this.collectChoices();
      if (n === 0) {
        this.quiesce();
        break;
      }
      const idx = strategy.choose(choices, this);
      const choice = choices[idx];
      if (choice === undefined) {
        throw new MachineConfigError(`strategy ${strategy.name} chose ${idx} of ${n} choices`);
      }
      this.take(choice);
    }
    this.finished = true;
    this.strategy.end?.(this);
    return this.result();
  }

  /** Number what set-up left reachable, so that fingerprints name it the same way in every execution. */
  private startTracker(tracker: StateTracker): void {
    const roots: unknown[] = [];
    const exts = Array.from(this.extensions ?? NO_EXTENSIONS).sort((a, b) =>
      a[0].name < b[0].name ? -1 : a[0].name > b[0].name ? 1 : 0,
    );
    for (const [, v] of exts) roots.push(v);
    for (const c of this.cellList) roots.push(c.v);
    for (const t of this.threads) roots.push(t.localsForKey());
    tracker.start(
      this.nextCellId,
      (o) => unguard(o),
      (o) => (o === this ? "M" : o instanceof Cpu ? `P${o.index}` : undefined),
      roots,
    );
    if (tracker.symmetry) {
      for (const s of this.symmetry) {
        const other = this.threads.find((t) => t.cpu === s.cpu && t !== s);
        if (other !== undefined) {
          throw new MachineConfigError(`symmetric: ${s.name} shares cpu ${s.cpu} with ${other.name}`);
        }
      }
    }
  }

  private result(): RunResult {
    const total = zeroCounters();
    for (const c of this.cpus) addCounters(total, c.counters);
    let makespan = 0;
    for (const c of this.cpus) makespan = Math.max(makespan, c.clock);
    return {
      ncpus: this.ncpus,
      threads: this.threads.map((t) => ({ id: t.id, name: t.name, cpu: t.cpu, kind: t.kind, pri: t.pri })),
      outcome: this.outcome!,
      console: this.consoleLines,
      counters: { total, perCpu: this.cpus.map((c) => ({ ...c.counters })) },
      schedule: new TrailSchedule(this.header, this.trailChunks, this.trail, this.trailAt),
      trace: this.traceLog,
      steps: this.stepCount,
      makespan,
    };
  }

  /** Fill `choiceBuf` with the enabled choices, in cpu order. */
  private collectChoices(): number {
    const buf = this.choiceBuf;
    const cpus = this.cpus;
    let n = 0;
    for (let i = 0; i < cpus.length; i++) {
      const cpu = cpus[i]!;
      // The common case, kept small enough to inline into the run loop: a cpu
      // with no IPI queued, no interrupt thread, no timeout armed and no
      // dispatch pending can only step its current thread.
      if (cpu.moreChoices) {
        n = this.collectCpuChoices(cpu, buf, n);
      } else if (cpu.current !== null && cpu.owedTotal === 0 && !cpu.current.spinning && cpu.current.op !== null) {
        buf[n++] = cpu.stepChoice;
      }
    }
    // Setting an array's length is a slow builtin: only when the count changed.
    if (buf.length !== n) buf.length = n;
    return n;
  }

  /** Append the enabled choices of one cpu to `buf` from index `n`; returns the new count. */
  private collectCpuChoices(cpu: Cpu, buf: Choice[], n: number): number {
    const i = cpu.index;
    const cur = cpu.current;
    // A change that cannot let any runnable thread run (nor make its check
    // do anything) is forgotten: the idle cpu keeps watching.
    if (cpu.dispatchReady && cur === null && !this.dispatchMayAct(cpu)) cpu.dispatchReady = false;
    let stepAt = -1;
    if (cur !== null && cpu.owedTotal === 0 && !cur.spinning && cur.op !== null) {
      stepAt = n;
      buf[n++] = cpu.stepChoice;
    }
    if (cpu.inbox !== 0) {
      const open = cur === null || cur.crit === 0;
      const seen = cur === null && cpu.dispatchReady ? cpu.dispatchReadyMsg : Infinity;
      for (let m = cpu.inbox, s = 0; m !== 0; m >>>= 1, s++) {
        if ((m & 1) !== 0 && (open || cpu.owed[s]! > 0) && cpu.incoming[s]![0]!.id < seen) {
          buf[n++] = makeChoice(i, ChoiceKind.ipi, s);
        }
      }
    }
    if (cpu.ithreads.length !== 0) {
      // An armed interrupt may arrive at any boundary (inside a critical
      // section it becomes pending); a pending one preempts when allowed.
      let owedPreempt = false;
      for (const it of cpu.ithreads) {
        if (it.state === "armed") {
          buf[n++] = makeChoice(i, ChoiceKind.interrupt, it.id);
        } else if (
          it.state === "runnable" &&
          cur !== null &&
          cpu.owedTotal === 0 &&
          (cur.crit === 0 || cpu.intrOwed) &&
          this.preemptOk(cpu, it, cur)
        ) {
          buf[n++] = makeChoice(i, ChoiceKind.interrupt, it.id);
          if (cpu.intrOwed) owedPreempt = true;
        }
      }
      if (cpu.intrOwed && !owedPreempt) cpu.intrOwed = false;
      // The owed preemption comes before the thread's next step.
      if (owedPreempt && stepAt >= 0) {
        buf.splice(stepAt, 1);
        n--;
      }
    }
    if (cpu.timed.length !== 0 && (cur === null || (cur.crit === 0 && cpu.owedTotal === 0))) {
      for (const t of cpu.timed) buf[n++] = makeChoice(i, ChoiceKind.timeout, t.id);
    }
    if (cpu.dispatchReady && cur === null) buf[n++] = makeChoice(i, ChoiceKind.dispatch);
    cpu.moreChoices = cpu.inbox !== 0 || cpu.dispatchReady || cpu.ithreads.length !== 0 || cpu.timed.length !== 0;
    return n;
  }

  /**
   * Could a dispatch attempt on idle `cpu` do anything now — resume a thread,
   * or run a resume check that changes shared state? A thread needing the MP
   * lock another cpu holds fails having only read it.
   */
  private dispatchMayAct(cpu: Cpu): boolean {
    for (let mask = cpu.runqMask; mask !== 0;) {
      const pri = 31 - Math.clz32(mask);
      mask &= ~(1 << pri);
      for (const t of cpu.runq[pri]!) {
        if (t.mpcount > 0 && this.mplock.v !== -1 && this.mplock.v !== cpu.index) continue;
        if (this.resumeOutlook(t) !== "waits") return true;
      }
    }
    return false;
  }

  private resumeOutlook(t: Thread): ResumeOutlook {
    for (const h of this.hooks) {
      if (!h.canResume) continue;
      const o = h.resumeOutlook ? h.resumeOutlook(this, t) : "acts";
      if (o !== "runs") return o;
    }
    return "runs";
  }

  /** `lwkt_preempt`'s conditions on the preemptor (priority, no tokens, MP lock), the critical section aside. */
  private preemptOk(cpu: Cpu, it: Thread, cur: Thread): boolean {
    if (it.pri <= cur.pri) return false;
    for (const h of this.hooks) if (h.canPreempt && !h.canPreempt(it)) return false;
    if (it.mpcount > 0 && this.mplock.v !== -1 && this.mplock.v !== cpu.index) return false;
    return true;
  }

  /** May `it` preempt `cur` now: outside a critical section, or owed at its end. */
  private canPreempt(cpu: Cpu, it: Thread, cur: Thread): boolean {
    if (cpu.owedTotal !== 0 || (cur.crit !== 0 && !cpu.intrOwed)) return false;
    return this.preemptOk(cpu, it, cur);
  }

  private take(choice: Choice): void {
    const cpu = this.cpus[choiceCpu(choice)]!;
    const kind = choiceKind(choice);
    const stepper = kind === ChoiceKind.step ? cpu.current! : null;
    // A thread's step happens now; anything else (and a woken spinner's
    // re-test) may have to wait for its time.
    if (stepper === null || stepper.spinSince !== 0) this.waitFor(cpu, this.choiceTime(choice));
    this.stepCount++;
    if (this.trailAt === this.trail.length) this.nextTrailChunk();
    this.trail[this.trailAt++] = choice;
    if (this.eventsOn || this.recording) this.newStepRecord();
    cpu.counters.steps++;
    if (this.tracker !== null) this.tracker.step(kind, cpu, choice, stepper, this.threads);
    try {
      if (stepper !== null) this.stepThread(cpu, stepper);
      else this.takeOther(cpu, kind, choice);
      // An idle cpu whose run queue gained a thread during this step (an IPI
      // or timeout handler made one runnable) dispatches it now.
      if (cpu.current === null && cpu.runqMask !== 0 && (cpu.runqGrew || cpu.dispatchStep !== this.stepCount)) {
        this.dispatch(cpu);
      }
      this.actor = null;
    } catch (e) {
      this.failed(e, stepper);
      this.actor = null;
    }
    if (this.outcome === null && (this.detectors.length !== 0 || this.reports.length !== 0)) {
      this.afterStep(choice, cpu, stepper);
    }
  }

  /** Fresh per-step event and footprint logs (for detectors; a trace alone needs no step's events). */
  private newStepRecord(): void {
    if (this.detectors.length !== 0) this.stepEvents = [];
    if (this.recording) {
      if (this.fpReads.length !== 0) this.fpReads.length = 0;
      if (this.fpWrites.length !== 0) this.fpWrites.length = 0;
    }
  }

  /** Move the cpu's clock on to `t0` if that is later (idle cycles if it has no thread). */
  private waitFor(cpu: Cpu, t0: number): void {
    if (t0 > cpu.clock) {
      if (cpu.current === null) cpu.counters.idleCycles += t0 - cpu.clock;
      cpu.clock = t0;
    }
  }

  /** A choice other than a thread step. */
  private takeOther(cpu: Cpu, kind: ChoiceKindCode, choice: Choice): void {
    switch (kind) {
      case ChoiceKind.ipi:
        this.takeIpi(cpu, choiceArg(choice));
        break;
      case ChoiceKind.interrupt:
        this.fireInterrupt(cpu, this.threads[choiceArg(choice)]!);
        break;
      case ChoiceKind.timeout:
        this.fireTimeout(cpu, this.threads[choiceArg(choice)]!);
        break;
      case ChoiceKind.dispatch:
        cpu.dispatchReady = false;
        this.dispatch(cpu);
        break;
      default:
        throw new MachineConfigError(`bad choice ${choice}`);
    }
  }

  /** The trail's chunk is full: start another, twice as long up to 64K choices (small runs stay small). */
  private nextTrailChunk(): void {
    this.trailChunks.push(this.trail);
    this.trail = new Int32Array(Math.min(this.trail.length * 2, 1 << 16));
    this.trailAt = 0;
  }

  /** Run `fn` outside a step (machine start), with the same error handling. */
  private guarded(stepper: Thread | null, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.failed(e, stepper);
    } finally {
      this.actor = null;
    }
  }

  /** A kernel panic becomes the panic outcome; anything else is a ModelError. */
  private failed(e: unknown, stepper: Thread | null): void {
    const who = this.actor?.name ?? stepper?.name ?? (this.scope ? `cpu${this.scope.cpu.index}` : "machine");
    this.scope = null;
    if (e instanceof KernelPanic) {
      this.emitFor(this.actor?.cpu ?? 0, this.actor, "panic", undefined, e.message);
      this.outcome = { kind: "panic", message: e.message, thread: who, step: this.stepCount };
      return;
    }
    const choices = this.choicesTaken();
    if (e instanceof ModelError) throw new ModelError(e.message, e.thread, e.step, { cause: e.cause, choices });
    if (e instanceof FootprintError || e instanceof MachineConfigError) {
      throw new ModelError(`${e.message} (thread ${who}, step ${this.stepCount})`, who, this.stepCount, {
        cause: e,
        choices,
      });
    }
    const msg = e instanceof Error ? e.message : String(e);
    throw new ModelError(`${who} threw at step ${this.stepCount}: ${msg}`, who, this.stepCount, { cause: e, choices });
  }

  /** The choices taken so far. */
  private choicesTaken(): readonly Choice[] {
    return new TrailSchedule(this.header, this.trailChunks, this.trail, this.trailAt).choices;
  }

  private afterStep(choice: Choice, cpu: Cpu, stepper: Thread | null): void {
    if (this.detectors.length !== 0) {
      const rec: StepRecord = {
        index: this.stepCount,
        choice,
        cpu: cpu.index,
        thread: stepper?.id ?? -1,
        events: this.stepEvents,
        reads: this.fpReads,
        writes: this.fpWrites,
      };
      for (const d of this.detectors) {
        const f = d.onStep?.(rec, this);
        if (f) this.reports.push({ detector: d.name, message: f.message, threads: f.threads ?? [] });
      }
    }
    if (this.reports.length !== 0) this.endWithViolation();
  }

  private endWithViolation(): void {
    const reports = this.reports;
    this.reports = [];
    const first = reports[0]!;
    const threads = [...new Set(reports.flatMap((r) => r.threads))];
    for (const r of reports) this.emitFor(0, null, "violation", r.detector, r.message);
    this.outcome = {
      kind: "violation",
      detector: first.detector,
      message: first.message,
      step: this.stepCount,
      threads,
      reports,
    };
  }

  private quiesce(): void {
    for (const d of this.detectors) {
      const f = d.atQuiescence?.(this);
      if (f) this.reports.push({ detector: d.name, message: f.message, threads: f.threads ?? [] });
    }
    if (this.reports.length !== 0) {
      this.endWithViolation();
      return;
    }
    const waiters: Waiter[] = [];
    for (const t of this.threads) {
      if (t.state === "done" || t.daemon) continue;
      waiters.push({ thread: t.id, name: t.name, cpu: t.cpu, waitsOn: this.describeWaiter(t) });
    }
    this.outcome = waiters.length === 0 ? { kind: "ok" } : { kind: "deadlock", waiters, step: this.stepCount };
  }

  private describeWaiter(t: Thread): string {
    switch (t.state) {
      case "running": {
        const o = t.op;
        if (o !== null && o.op === "spin") {
          const more = o.describe?.();
          return `spinning on ${o.label}${more ? ` ${more}` : ""}`;
        }
        return "running with nothing enabled";
      }
      case "blocked":
        return t.wait?.waitsOn ?? "blocked";
      case "runnable": {
        for (const h of this.hooks) {
          const d = h.describeWait?.(t);
          if (d) return d;
        }
        if (t.mpcount > 0 && this.mplock.v !== t.cpu) return `waiting for the MP lock held by cpu${this.mplock.v}`;
        return "runnable but never dispatched";
      }
      case "preempted":
        return "preempted";
      case "armed":
        return "interrupt pending while its cpu stays in a critical section";
      case "dormant":
        return "interrupt never armed";
      case "done":
        return "done";
      default:
        return unreachable(t.state as never);
    }
  }

  // ------------------------------------------------------- thread steps

  private stepThread(cpu: Cpu, t: Thread): void {
    const o = t.op!;
    t.op = null;
    t.performed++;
    this.actor = t;
    if (this.eventsOn) this.emitOp(cpu, t, o);
    const r = this.perform(cpu, t, o);
    if (r !== LEFT) this.advance(cpu, t, r);
  }

  private emitOp(cpu: Cpu, t: Thread, o: Op): void {
    this.emitFor(cpu.index, t, "op", opObject(o), "cell" in o ? o.op : describeOp(o));
  }

  /** The plain accesses here, small enough for V8 to inline into the step; every other op in `performOther`. */
  private perform(cpu: Cpu, t: Thread, o: Op): unknown {
    switch (o.op) {
      case "load":
        return this.access(cpu, o.cell, false, 0);
      case "store":
        this.access(cpu, o.cell, true, 0);
        this.store(cpu, o.cell, o.value);
        return undefined;
      case "add":
      case "or":
      case "and": {
        const old = this.access(cpu, o.cell, true, this.cost.atomic) as number;
        const v = o.op === "add" ? old + o.operand : o.op === "or" ? (old | o.operand) >>> 0 : (old & o.operand) >>> 0;
        this.store(cpu, o.cell, v);
        return undefined;
      }
      default:
        return this.performOther(cpu, t, o);
    }
  }

  private performOther(cpu: Cpu, t: Thread, o: Exclude<Op, LoadOp | StoreOp | RmwOp>): unknown {
    switch (o.op) {
      case "cas": {
        const cur = this.access(cpu, o.cell, true, this.cost.atomic) as number;
        if (cur === o.expect) {
          this.store(cpu, o.cell, o.value);
          return true;
        }
        this.failedRmw(o.cell);
        return false;
      }
      case "cmpxchg": {
        const old = this.access(cpu, o.cell, true, this.cost.atomic) as number;
        if (old === o.expect) this.store(cpu, o.cell, o.value);
        else this.failedRmw(o.cell);
        return old;
      }
      case "swap": {
        const old = this.access(cpu, o.cell, true, this.cost.atomic);
        this.store(cpu, o.cell, o.value);
        return old;
      }
      case "fetch-add": {
        const old = this.access(cpu, o.cell, true, this.cost.atomic) as number;
        this.store(cpu, o.cell, old + o.delta);
        return old;
      }
      case "atomic":
        return this.runAtomic(cpu, t, typeof o.fp === "function" ? o.fp() : o.fp, o.fn);
      case "spin":
        return this.finishSpin(cpu, t, o);
      case "yield":
        t.state = "runnable";
        cpu.enqueue(t);
        this.leave(cpu, t, o.label ?? "lwkt_yield");
        return LEFT;
      case "ipi-point":
        this.oweAll(cpu);
        if (this.eventsOn) this.emitFor(cpu.index, t, "ipi-point", undefined, o.label);
        return undefined;
      case "mp-lock":
        return this.mpLock(cpu, t);
      case "mp-unlock":
        this.mpUnlock(cpu, t);
        return undefined;
      case "nop":
        this.charge(cpu, o.cycles);
        return undefined;
      default:
        return unreachable(o);
    }
  }

  /** Resume the thread's generator with `value` until its next op, or its end. */
  private advance(cpu: Cpu, t: Thread, value: unknown): void {
    this.actor = t;
    if (t.fresh || t.drainTarget >= 0) value = this.beforeResume(cpu, t, value);
    if (this.resumeHooks.length !== 0) this.callResumeHooks(t);
    if (this.tracker !== null) this.tracker.resumed(t, value);
    const stack = t.stack;
    let r = stack[stack.length - 1]!.next(value);
    while (r.done === true) {
      stack.pop();
      if (stack.length === 0) {
        this.exit(cpu, t);
        return;
      }
      r = stack[stack.length - 1]!.next(r.value);
    }
    const o = r.value;
    if (this.checkMode) this.checkOp(t, o);
    t.op = o;
    if (o.op === "spin") this.beginSpin(cpu, t, o);
  }

  private callResumeHooks(t: Thread): void {
    for (const h of this.resumeHooks) h.onResume!(t);
  }

  /** First run of a thread, or a FIFO drain to push before it resumes. */
  private beforeResume(cpu: Cpu, t: Thread, value: unknown): unknown {
    if (t.fresh) {
      t.fresh = false;
      if (this.eventsOn) this.emitFor(cpu.index, t, "thread-start");
    }
    if (t.drainTarget >= 0) {
      t.stack.push(drainFifo(this, cpu.index, t.drainTarget, value));
      t.drainTarget = -1;
      return undefined;
    }
    return value;
  }

  private checkOp(t: Thread, o: unknown): void {
    if (typeof o !== "object" || o === null || typeof (o as { op?: unknown }).op !== "string") {
      throw new ModelError(
        `${t.name} yielded ${String(o)}, which is not an op (did you mean yield* ?)`,
        t.name,
        this.stepCount,
      );
    }
  }

  private exit(cpu: Cpu, t: Thread): void {
    t.state = "done";
    t.op = null;
    if (t.spinlocks > 0) throw new KernelPanic(`${t.name} exited holding ${t.spinlocks} spinlock(s)`);
    if (t.crit !== 0) throw new KernelPanic(`${t.name} exited inside a critical section (count ${t.crit})`);
    if (t.mpcount !== 0) throw new KernelPanic(`${t.name} exited holding the MP lock`);
    if (this.eventsOn) this.emitFor(cpu.index, t, "thread-exit");
    if (!t.daemon) this.liveThreads--;
    cpu.current = null;
    this.switchFrom(cpu, t);
  }

  /** The thread leaves its cpu at a blocking point. */
  private leave(cpu: Cpu, t: Thread, why: string): void {
    if (this.eventsOn) this.emitFor(cpu.index, t, "block", undefined, why);
    if (t.spinlocks > 0) {
      this.report(
        "spinlock-blocking",
        `${t.name} reached a blocking point (${why}) holding ${t.spinlocks} spinlock(s)`,
        [t.id],
      );
    }
    if (cpu.intrLevel > 0) throw new KernelPanic(`${t.name} blocked at interrupt level (${why})`);
    cpu.current = null;
    this.switchFrom(cpu, t);
  }

  /** `lwkt_switch` after `t` left: back to the thread it preempted, or the next runnable one. */
  private switchFrom(cpu: Cpu, t: Thread): void {
    cpu.counters.switches++;
    this.charge(cpu, this.cost.contextSwitch);
    const p = t.preempted;
    if (p !== null) {
      t.preempted = null;
      p.state = "running";
      cpu.current = p;
      if (this.eventsOn) this.emitFor(cpu.index, p, "resume", undefined, `after ${t.name}`, t.id);
      this.switchedIn(cpu, p);
      return;
    }
    if (this.hooks.length !== 0) {
      this.withScope(cpu, t, null, null, false, false, (tx) => {
        for (const h of this.hooks) h.onSwitchOut?.(tx, t);
      });
    }
    this.dispatch(cpu);
  }

  /** The incoming thread leaves lwkt_switch's critical section: outside its own, what waited is owed. */
  private switchedIn(cpu: Cpu, t: Thread): void {
    if (t.crit === 0) this.oweAll(cpu);
  }

  /** Choose and resume the next thread on an idle cpu. */
  private dispatch(cpu: Cpu): void {
    cpu.dispatchReady = false;
    cpu.intrOwed = false;
    cpu.runqGrew = false;
    cpu.dispatchStep = this.stepCount;
    this.unwatchDispatch(cpu);
    if (cpu.current !== null) return;
    let chosen: Thread | null = null;
    const readLog: Cell<unknown>[] = [];
    for (let mask = cpu.runqMask; mask !== 0 && chosen === null;) {
      const pri = 31 - Math.clz32(mask);
      mask &= ~(1 << pri);
      for (const t of cpu.runq[pri]!) {
        if (this.canRun(cpu, t, readLog)) {
          chosen = t;
          break;
        }
      }
    }
    if (chosen === null) {
      if (this.mplock.v === cpu.index) this.releaseMp(cpu, null);
      if (cpu.runqMask !== 0) {
        cpu.dispatchWaiting = true;
        readLog.push(this.mplock);
        cpu.dispatchCells = readLog;
        for (const c of readLog) addWatcher(c, cpu);
      }
      if (this.eventsOn) this.emitFor(cpu.index, null, "idle");
      return;
    }
    cpu.dequeue(chosen);
    if (chosen.mpcount > 0) {
      if (this.mplock.v !== cpu.index) {
        this.access(cpu, this.mplock, true, this.cost.atomic);
        this.store(cpu, this.mplock, cpu.index);
        if (this.eventsOn) this.emitFor(cpu.index, chosen, "mp-acquire", "mplock");
      }
    } else if (this.mplock.v === cpu.index) {
      this.releaseMp(cpu, chosen);
    }
    chosen.state = "running";
    cpu.current = chosen;
    if (this.eventsOn) {
      this.emitFor(
        cpu.index,
        chosen,
        "switch",
        undefined,
        undefined,
        chosen.id,
        chosen.wakeFlow >= 0 ? chosen.wakeFlow : undefined,
      );
    }
    chosen.wakeFlow = -1;
    this.switchedIn(cpu, chosen);
    if (chosen.op === null) {
      const v = chosen.resumeValue;
      chosen.resumeValue = undefined;
      this.advance(cpu, chosen, v);
    }
  }

  private canRun(cpu: Cpu, t: Thread, readLog: Cell<unknown>[]): boolean {
    if (t.mpcount > 0) {
      this.access(cpu, this.mplock, false, 0);
      const owner = this.mplock.v;
      if (owner !== -1 && owner !== cpu.index) return false;
    }
    if (this.hooks.length === 0) return true;
    let ok = true;
    this.withScope(
      cpu,
      t,
      null,
      null,
      false,
      false,
      (tx) => {
        for (const h of this.hooks) {
          if (h.canResume && !h.canResume(tx, t)) {
            ok = false;
            return;
          }
        }
      },
      readLog,
    );
    return ok;
  }

  private unwatchDispatch(cpu: Cpu): void {
    cpu.dispatchWaiting = false;
    if (cpu.dispatchCells.length === 0) return;
    for (const c of cpu.dispatchCells) removeWatcher(c, cpu);
    cpu.dispatchCells = [];
  }

  private releaseMp(cpu: Cpu, next: Thread | null): void {
    this.access(cpu, this.mplock, true, 0);
    this.store(cpu, this.mplock, -1);
    if (this.eventsOn) this.emitFor(cpu.index, next, "mp-release", "mplock");
  }

  private mpLock(cpu: Cpu, t: Thread): unknown {
    t.mpcount++;
    if (t.mpcount > 1) return undefined;
    const owner = this.access(cpu, this.mplock, true, this.cost.atomic) as number;
    if (owner === cpu.index) return undefined;
    if (owner === -1) {
      this.store(cpu, this.mplock, cpu.index);
      if (this.eventsOn) this.emitFor(cpu.index, t, "mp-acquire", "mplock");
      return undefined;
    }
    if (this.eventsOn) this.emitFor(cpu.index, t, "mp-contended", "mplock", `held by cpu${owner}`);
    t.state = "runnable";
    cpu.enqueue(t);
    this.leave(cpu, t, "get_mplock contended");
    return LEFT;
  }

  private mpUnlock(cpu: Cpu, t: Thread): void {
    if (t.mpcount <= 0) throw new KernelPanic(`rel_mplock: ${t.name} does not hold the MP lock`);
    t.mpcount--;
    if (t.mpcount !== 0 || this.mplock.v !== cpu.index) return;
    for (let p = t.preempted; p !== null; p = p.preempted) if (p.mpcount > 0) return;
    this.releaseMp(cpu, t);
  }

  // ------------------------------------------------------------- spinning

  private beginSpin(cpu: Cpu, t: Thread, o: SpinOp): void {
    const w = t.spinWatcher ?? this.makeSpinWatcher(t);
    for (const c of o.watch) addWatcher(c, w);
    if (o.wakeOnIpi) cpu.ipiWatchers.push(t);
    t.spinSince = 0;
    this.reevaluateSpin(cpu, t, o, cpu.clock);
  }

  private makeSpinWatcher(t: Thread): CellWatcher {
    const w: CellWatcher = {
      onCellWrite: (cell) => {
        const o = t.op;
        if (o === null || o.op !== "spin") return;
        this.reevaluateSpin(this.cpus[t.cpu]!, t, o, cell.writeTime);
      },
    };
    t.spinWatcher = w;
    return w;
  }

  /** Enabled iff the test holds (or, for `wakeOnIpi`, an IPI is queued on the cpu). */
  private reevaluateSpin(cpu: Cpu, t: Thread, o: SpinOp, at: number): void {
    let ok = o.wakeOnIpi && cpu.inbox !== 0;
    if (!ok) {
      ok = this.withScope(cpu, t, t, { reads: o.watch }, false, true, (tx) => o.test(tx));
    }
    if (!ok) {
      if (!t.spinning) {
        t.spinning = true;
        if (t.spinSince === 0) {
          t.spinSince = Math.max(cpu.clock, 1);
          if (this.eventsOn) this.emitFor(cpu.index, t, "spin-wait", o.label, o.describe?.());
        }
      }
    } else if (t.spinning) {
      t.spinning = false;
      t.spinReadyAt = backoffRetest(t.spinSince, at, this.cost);
    } else if (t.spinSince === 0) {
      t.spinReadyAt = cpu.clock;
    }
  }

  private finishSpin(cpu: Cpu, t: Thread, o: SpinOp): boolean {
    const w = t.spinWatcher!;
    for (const c of o.watch) removeWatcher(c, w);
    if (o.wakeOnIpi) {
      const i = cpu.ipiWatchers.indexOf(t);
      if (i >= 0) cpu.ipiWatchers.splice(i, 1);
    }
    const ok = this.withScope(cpu, t, t, { reads: o.watch }, false, false, (tx) => o.test(tx));
    if (t.spinSince > 0) {
      cpu.counters.spinCycles += Math.max(0, cpu.clock - t.spinSince);
      if (this.eventsOn) this.emitFor(cpu.index, t, "spin-done", o.label);
      t.spinSince = 0;
    }
    return ok;
  }

  private notifyIpiWatchers(cpu: Cpu, at: number): void {
    if (cpu.ipiWatchers.length === 0) return;
    for (const t of cpu.ipiWatchers.slice()) {
      const o = t.op;
      if (o !== null && o.op === "spin") this.reevaluateSpin(cpu, t, o, at);
    }
  }

  // ------------------------------------------------------------------ IPIs

  /** @internal */
  sendIpi(
    from: Cpu,
    to: number,
    label: string,
    fn: (tx: Tx) => void,
    fp: Footprint | undefined,
    nowait: boolean,
  ): boolean {
    if (!Number.isInteger(to) || to < 0 || to >= this.ncpus) {
      throw new MachineConfigError(`IPI to cpu ${String(to)} on a ${this.ncpus}-cpu machine`);
    }
    const scope = this.scope!;
    if (to === from.index) {
      this.withScope(from, scope.thread, scope.stepping, fp ?? null, scope.intr, false, fn);
      return true;
    }
    const target = this.cpus[to]!;
    const q = target.fifoFrom(from.index);
    const half = IPI_FIFO_CAPACITY / 2;
    if (nowait && q.length + 1 > half) return false;
    if (q.length >= IPI_FIFO_CAPACITY) {
      throw new KernelPanic(`lwkt_send_ipiq: FIFO cpu${from.index}->cpu${to} overflow`);
    }
    const origin = this.tracker === null ? null : this.tracker.sent(to);
    const msg: IpiMessage = { id: this.nextMsgId++, from: from.index, to, label, fn, fp, sentAt: from.clock, origin };
    q.push(msg);
    target.inbox |= 1 << from.index;
    target.moreChoices = true;
    const fc = this.fifoCell(from.index, to);
    this.access(from, fc, true, this.cost.ipiSend);
    this.store(from, fc, q.length);
    from.counters.ipisSent++;
    if (this.eventsOn) this.emitFor(from.index, scope.thread, "ipi-send", label, `to cpu${to}`, to, msg.id);
    this.notifyIpiWatchers(target, from.clock);
    const stepping = scope.stepping;
    if (!nowait && q.length > half && stepping !== null && !scope.intr) stepping.drainTarget = to;
    return true;
  }

  /** @internal the shared cell standing for the FIFO from `from` to `to` (its value: queued count). */
  fifoCell(from: number, to: number): Cell<number> {
    const target = this.cpus[to]!;
    let c = target.fifoCells[from];
    if (c === undefined) {
      c = this.cell(`ipiq${from}->${to}`, 0);
      c.fifo = { from, to };
      target.fifoCells[from] = c;
    }
    return c;
  }

  private takeIpi(cpu: Cpu, from: number): void {
    const q = cpu.incoming[from]!;
    const msg = q.shift()!;
    if (q.length === 0) cpu.inbox &= ~(1 << from);
    if (cpu.owed[from]! > 0) {
      cpu.owed[from]!--;
      cpu.owedTotal--;
    }
    const fc = this.fifoCell(from, cpu.index);
    this.access(cpu, fc, true, this.cost.ipiTake);
    this.store(cpu, fc, q.length);
    cpu.counters.ipisTaken++;
    if (this.eventsOn) this.emitFor(cpu.index, cpu.current, "ipi-take", msg.label, `from cpu${from}`, from, msg.id);
    cpu.intrLevel++;
    try {
      this.withScope(cpu, cpu.current, null, msg.fp ?? { reads: [], writes: [] }, true, false, msg.fn);
    } finally {
      cpu.intrLevel--;
    }
    this.notifyIpiWatchers(cpu, cpu.clock);
  }

  private oweAll(cpu: Cpu): void {
    if (cpu.inbox === 0) return;
    let total = 0;
    for (let s = 0; s < this.ncpus; s++) {
      const n = cpu.incoming[s]!.length;
      cpu.owed[s] = n;
      total += n;
    }
    cpu.owedTotal = total;
  }

  // ----------------------------------------------- interrupts and timeouts

  private fireInterrupt(cpu: Cpu, it: Thread): void {
    if (it.state === "armed") {
      this.access(cpu, it.irq!, true, 0);
      this.store(cpu, it.irq!, 0);
      it.state = "runnable";
      cpu.enqueue(it);
      if (this.eventsOn) this.emitFor(cpu.index, it, "interrupt", it.name);
    }
    const cur = cpu.current;
    if (cur === null) {
      this.dispatch(cpu);
      return;
    }
    if (!this.canPreempt(cpu, it, cur)) {
      // Inside a critical section (or behind owed IPIs): pending until it ends.
      if (this.eventsOn) this.emitFor(cpu.index, it, "interrupt", it.name, "pending");
      return;
    }
    cpu.intrOwed = false;
    cpu.dequeue(it);
    cur.state = "preempted";
    it.preempted = cur;
    it.state = "running";
    cpu.current = it;
    cpu.counters.preemptions++;
    this.charge(cpu, this.cost.contextSwitch);
    if (this.eventsOn) this.emitFor(cpu.index, it, "preempt", cur.name, undefined, cur.id);
    this.switchedIn(cpu, it);
    if (it.op === null) {
      const v = it.resumeValue;
      it.resumeValue = undefined;
      this.advance(cpu, it, v);
    }
  }

  private fireTimeout(cpu: Cpu, t: Thread): void {
    const w = t.wait!;
    const spec = w.timeout!;
    w.timeout = null;
    removeFrom(cpu.timed, t);
    if (this.eventsOn) this.emitFor(cpu.index, cpu.current, "timeout", spec.label, t.name, t.id);
    cpu.intrLevel++;
    try {
      this.withScope(cpu, cpu.current, null, spec.fp ?? { reads: [], writes: [] }, true, false, spec.fire);
    } finally {
      cpu.intrLevel--;
    }
  }

  /** @internal `lwkt_schedule` from a step on `from`. */
  schedule(from: Cpu, t: Thread): void {
    if (t.cpu !== from.index) {
      this.sendIpi(from, t.cpu, `lwkt_schedule(${t.name})`, (tx) => tx.schedule(t), undefined, false);
      return;
    }
    if (t.state !== "blocked") return;
    t.state = "runnable";
    if (t.wait?.timeout) removeFrom(from.timed, t);
    t.wait = null;
    t.wakeFlow = this.nextFlow++;
    from.enqueue(t);
    if (this.eventsOn)
      this.emitFor(from.index, this.scope?.thread ?? null, "wake", t.name, undefined, t.id, t.wakeFlow);
  }

  // ------------------------------------------------------ atomic closures

  private runAtomic(cpu: Cpu, t: Thread, fp: Footprint, fn: (tx: Tx) => unknown): unknown {
    let blockReq: Scope["block"] = null;
    const r = this.withScope(cpu, t, t, fp, false, false, fn, undefined, (s) => {
      blockReq = s.block;
    });
    if (blockReq !== null) {
      const b = blockReq as NonNullable<Scope["block"]>;
      t.state = "blocked";
      t.wait = { waitsOn: b.waitsOn, timeout: b.timeout ?? null, since: cpu.clock };
      if (b.timeout) {
        cpu.timed.push(t);
        cpu.moreChoices = true;
      }
      t.resumeValue = r;
      this.leave(cpu, t, b.waitsOn);
      return LEFT;
    }
    return r;
  }

  /** @internal `tx.arm`: a dormant interrupt thread's interrupt may now arrive. */
  arm(from: Cpu, it: Thread): void {
    if (it.kind !== "interrupt") throw new MachineConfigError(`arm ${it.name}: not an interrupt thread`);
    if (it.state !== "dormant") return;
    this.access(from, it.irq!, true, 0);
    this.store(from, it.irq!, 1);
    it.state = "armed";
    if (this.eventsOn) this.emitFor(from.index, this.scope?.thread ?? null, "interrupt", it.name, "armed", it.id);
  }

  /** @internal request that the stepping thread block when its closure returns. */
  requestBlock(waitsOn: string, timeout: TimeoutSpec | undefined): void {
    const s = this.scope!;
    if (s.intr || s.cpu.intrLevel > 0) {
      throw new KernelPanic(`blocking (${waitsOn}) at interrupt level ${s.cpu.intrLevel}`);
    }
    if (s.stepping === null) throw new ModelError(`only a thread step may block (${waitsOn})`, null, this.stepCount);
    s.block = { waitsOn, timeout };
  }

  private withScope<R>(
    cpu: Cpu,
    thread: Thread | null,
    stepping: Thread | null,
    fp: Footprint | null,
    intr: boolean,
    quiet: boolean,
    fn: (tx: Tx) => R,
    readLog?: Cell<unknown>[],
    onClose?: (s: Scope) => void,
  ): R {
    const s: Scope = {
      id: ++this.nextScopeId,
      cpu,
      thread,
      stepping,
      fp,
      intr,
      quiet,
      parent: this.scope,
      block: null,
      dirty: null,
    };
    const savedLog = this.readLog;
    if (readLog) this.readLog = readLog;
    this.scope = s;
    let r: R;
    try {
      r = fn(this.txImpl);
    } finally {
      this.scope = s.parent;
      this.readLog = savedLog;
    }
    onClose?.(s);
    if (s.dirty !== null) for (const c of s.dirty) this.notify(c);
    return r;
  }

  private readLog: Cell<unknown>[] | null = null;

  // -------------------------------------------------------- cell accesses

  /**
   * A compare-and-swap that failed changed nothing: for dependence it is a
   * read of the cell (it still paid for taking the line exclusively).
   */
  private failedRmw(c: Cell<unknown>): void {
    if (!this.recording || c.cpu >= 0 || (this.scope !== null && this.scope.quiet)) return;
    const i = this.fpWrites.lastIndexOf(c.id);
    if (i < 0) return;
    this.fpWrites.splice(i, 1);
    this.fpReads.push(c.id);
  }

  /**
   * Account for an access to `c` from `cpu` and return its value. This runs
   * at nearly every step: what most runs never need (local cells, logs,
   * jitter) is out of line, so V8 can inline the rest into the step.
   */
  private access(cpu: Cpu, c: Cell<unknown>, write: boolean, extra: number): unknown {
    if (c.cpu >= 0) return this.accessLocal(cpu, c, extra);
    const s = this.scope;
    if (s !== null && s.quiet) return c.v;
    if (this.readLog !== null || this.recording) this.logAccess(c, write);
    const bit = 1 << cpu.index;
    let cost = this.cost.local + extra;
    if (write) {
      if ((c.lastWriter !== cpu.index && c.lastWriter !== -1) || (c.sharers & ~bit) !== 0) {
        cost += this.cost.transfer;
        cpu.counters.transfers++;
      }
      c.lastWriter = cpu.index;
      c.sharers = bit;
    } else {
      if ((c.sharers & bit) === 0 && c.lastWriter !== -1 && c.lastWriter !== cpu.index) {
        cost += this.cost.transfer;
        cpu.counters.transfers++;
      }
      c.sharers |= bit;
    }
    if (extra >= this.cost.atomic && extra > 0) cpu.counters.atomics++;
    // Not quiet (checked above): straight to the clock.
    this.tick(cpu, cost);
    return c.v;
  }

  private accessLocal(cpu: Cpu, c: Cell<unknown>, extra: number): unknown {
    if (this.checkMode && c.cpu !== cpu.index) {
      throw new FootprintError(`${c.name} is local to cpu${c.cpu} but was touched on cpu${cpu.index}`);
    }
    this.charge(cpu, this.cost.local + extra);
    return c.v;
  }

  /** A dispatch attempt's read log, and the step's footprint when recording. */
  private logAccess(c: Cell<unknown>, write: boolean): void {
    if (this.readLog !== null) this.readLog.push(c);
    if (this.recording) (write ? this.fpWrites : this.fpReads).push(c.id);
  }

  /** Write a value (after `access`), then wake what watches the cell. */
  private store(cpu: Cpu, c: Cell<unknown>, v: unknown): void {
    c.v = v;
    c.key = null;
    c.writeTime = cpu.clock;
    if (c.watchers !== null) this.notify(c);
  }

  private notify(c: Cell<unknown>): void {
    const ws = c.watchers;
    if (ws === null) return;
    for (const w of ws.slice()) w.onCellWrite(c);
  }

  /** @internal tx.read / tx.write / tx.mutate land here. */
  txAccess(c: Cell<unknown>, mode: "r" | "w" | "m"): unknown {
    const s = this.scope;
    if (s === null) throw new FootprintError(`${c.name} accessed outside a step`);
    const write = mode !== "r";
    if (this.checkMode && c.cpu < 0 && !this.allowed(s, c, write)) {
      throw new FootprintError(`${c.name} ${write ? "written" : "read"} outside the declared footprint of the step`);
    }
    const v = this.access(s.cpu, c, write, 0);
    if (mode === "m") {
      c.key = null;
      (s.dirty ??= []).push(c);
      c.writeTime = s.cpu.clock;
    }
    if (this.checkMode && typeof v === "object" && v !== null && isPlain(v)) {
      return guardObject(this, v, c, mode === "r" ? "r" : "w", s.id);
    }
    return v;
  }

  /** @internal */
  txWrite(c: Cell<unknown>, v: unknown): void {
    this.txAccess(c, "w");
    c.v = this.checkMode ? unguard(v) : v;
    c.key = null;
    const s = this.scope!;
    c.writeTime = s.cpu.clock;
    if (c.watchers !== null) (s.dirty ??= []).push(c);
  }

  private allowed(s: Scope | null, c: Cell<unknown>, write: boolean): boolean {
    for (; s !== null; s = s.parent) {
      const fp = s.fp;
      if (fp === null) return true;
      if (fp.writes?.includes(c)) return true;
      if (!write && fp.reads?.includes(c)) return true;
    }
    return false;
  }

  /** @internal check mode: may a guarded object read in scope `scopeId` still be used? */
  checkGuard(c: Cell<unknown>, scopeId: number, write: boolean, mode: "r" | "w", what: PropertyKey): void {
    let ok = false;
    for (let s = this.scope; s !== null; s = s.parent) {
      if (s.id === scopeId) {
        ok = true;
        break;
      }
    }
    if (!ok) {
      throw new FootprintError(
        `${c.name}.${String(what)} used outside the step that read it (shared state may only be touched inside an op)`,
      );
    }
    if (write && mode === "r") {
      throw new FootprintError(`${c.name}.${String(what)} written through a read access (use tx.mutate)`);
    }
  }

  /** @internal */
  currentScopeInfo(): { cpu: Cpu; thread: Thread | null; intr: boolean } {
    const s = this.scope;
    if (s === null) throw new FootprintError("tx used outside its step");
    return { cpu: s.cpu, thread: s.thread, intr: s.intr || s.cpu.intrLevel > 0 };
  }

  // ------------------------------------------------ thread-local services

  /** @internal k.critEnter */
  critEnter(t: Thread): void {
    this.checkActor(t, "crit_enter");
    t.crit++;
    const cpu = this.cpus[t.cpu]!;
    this.charge(cpu, this.cost.critSection);
    if (this.eventsOn) this.emitFor(t.cpu, t, "crit-enter", undefined, String(t.crit));
  }

  /** @internal k.critExit */
  critExit(t: Thread): void {
    this.checkActor(t, "crit_exit");
    t.crit--;
    const cpu = this.cpus[t.cpu]!;
    this.charge(cpu, this.cost.critSection);
    if (this.eventsOn) this.emitFor(t.cpu, t, "crit-exit", undefined, String(t.crit));
    if (t.crit < 0) {
      this.report("crit-count", `${t.name}: crit_exit without a matching crit_enter (count ${t.crit})`, [t.id]);
      t.crit = 0;
    } else if (t.crit === 0 && cpu.current === t) {
      this.oweAll(cpu);
      // splz: a pending interrupt that may preempt now does so before the next step.
      for (const it of cpu.ithreads) {
        if (it.state === "runnable" && this.preemptOk(cpu, it, t)) cpu.intrOwed = true;
      }
    }
  }

  /** @internal */
  checkActor(t: Thread, what: string): void {
    if (this.actor !== t) {
      throw new ModelError(
        `${what} called for ${t.name} while ${this.actor?.name ?? "no thread"} is running (a kernel context was used outside its thread)`,
        t.name,
        this.stepCount,
      );
    }
  }

  /** @internal a machine rule reports a violation at the current step */
  report(detector: string, message: string, threads: readonly number[]): void {
    this.reports.push({ detector, message, threads });
  }

  /** @internal */
  printf(cpu: number, t: Thread | null, text: string): void {
    this.consoleLines.push({ step: this.stepCount, cpu, thread: t?.name ?? `cpu${cpu}`, text });
    if (this.eventsOn) this.emitFor(cpu, t, "printf", undefined, text);
  }

  /** Whether any step so far emitted an event of this kind (known with tracing and detectors off). */
  emitted(kind: TraceEventKind): boolean {
    return this.kindsEmitted?.has(kind) ?? false;
  }

  /** @internal */
  emitFor(
    cpu: number,
    t: Thread | null,
    kind: TraceEventKind,
    obj?: string,
    detail?: string,
    target?: number,
    flow?: number,
  ): void {
    (this.kindsEmitted ??= new Set()).add(kind);
    if (!this.eventsOn) return;
    const ev: TraceEvent = {
      seq: this.seq++,
      step: this.stepCount,
      cycle: this.cpus[cpu]?.clock ?? 0,
      cpu,
      thread: t?.id ?? -1,
      kind,
      obj,
      detail,
      target,
      flow,
    };
    if (this.detectors.length !== 0) this.stepEvents.push(ev);
    this.traceLog?.push(ev);
  }

  /** Charge `cycles` to a cpu's clock (with jitter, if configured). */
  charge(cpu: Cpu, cycles: number): void {
    if (this.scope?.quiet) return;
    this.tick(cpu, cycles);
  }

  /** `charge` outside a quiet scope. */
  private tick(cpu: Cpu, cycles: number): void {
    cpu.clock += this.jitter === null ? cycles : this.jittered(cycles);
  }

  private jittered(cycles: number): number {
    const j = this.jitter!;
    return Math.max(0, Math.round(cycles * (1 + j.amount * (2 * j.prng.nextFloat() - 1))));
  }

  get actorThread(): Thread | null {
    return this.actor;
  }

  get txContext(): Tx {
    return this.txImpl;
  }
}

// ---------------------------------------------------------------- helpers

function removeFrom<T>(arr: T[], x: T): void {
  const i = arr.indexOf(x);
  if (i >= 0) arr.splice(i, 1);
}

/**
 * A run's schedule, its choice list built from the trail on first read: most
 * runs (an explorer's, a benchmark's) never look at it, and a long run's list
 * is a large array. `choices` is an own enumerable accessor, so spreads, JSON
 * and structured clones (worker threads) still see a plain array. Every
 * schedule shares the one accessor, and with it one hidden class: a getter
 * made per object would give each object a map of its own, which V8 keeps in
 * old space with everything the getter holds until the next full collection.
 */
class TrailSchedule implements Schedule {
  declare readonly choices: readonly Choice[];
  readonly #full: readonly Int32Array[];
  readonly #last: Int32Array;
  readonly #n: number;
  #choices: Choice[] | undefined = undefined;

  constructor(
    readonly header: ScheduleHeader,
    full: readonly Int32Array[],
    last: Int32Array,
    n: number,
  ) {
    this.#full = full;
    this.#last = last;
    this.#n = n;
    Object.defineProperty(this, "choices", CHOICES);
  }

  static choicesOf(s: TrailSchedule): Choice[] {
    if (s.#choices === undefined) {
      const out: Choice[] = [];
      for (const chunk of s.#full) for (let i = 0; i < chunk.length; i++) out.push(chunk[i] as Choice);
      for (let i = 0; i < s.#n; i++) out.push(s.#last[i] as Choice);
      s.#choices = out;
    }
    return s.#choices;
  }
}

const CHOICES: PropertyDescriptor = {
  enumerable: true,
  get(this: TrailSchedule): readonly Choice[] {
    return TrailSchedule.choicesOf(this);
  },
};

function opObject(o: Op): string | undefined {
  return "cell" in o ? o.cell.name : undefined;
}

/** `lwkt_send_ipiq` over half full: process own incoming IPIs until the FIFO drains to a quarter. */
function* drainFifo(m: Machine, me: number, target: number, value: unknown): Gen<unknown> {
  const fc = m.fifoCell(me, target);
  for (;;) {
    yield op.ipiPoint(`lwkt_send_ipiq: FIFO to cpu${target} over half full`);
    const len = (yield op.load(fc)) as number;
    if (len <= IPI_FIFO_CAPACITY / 4) return value;
    yield op.spin(`ipiq${me}->${target} drain`, [fc], (tx) => tx.read(fc) <= IPI_FIFO_CAPACITY / 4, {
      wakeOnIpi: true,
    });
  }
}

function isPlain(v: object): boolean {
  if (Array.isArray(v)) return true;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

const proxyTargets = new WeakMap<object, object>();

function unguard<T>(v: T): T {
  if (typeof v === "object" && v !== null) {
    const t = proxyTargets.get(v);
    if (t !== undefined) return t as T;
  }
  return v;
}

function guardObject(m: Machine, target: object, cell: Cell<unknown>, mode: "r" | "w", scopeId: number): object {
  const cache = new WeakMap<object, object>();
  const wrap = (o: object): object => {
    let p = cache.get(o);
    if (p !== undefined) return p;
    p = new Proxy(o, {
      get(t, prop, recv) {
        m.checkGuard(cell, scopeId, false, mode, prop);
        const v = Reflect.get(t, prop, recv) as unknown;
        if (typeof v === "object" && v !== null && isPlain(v)) return wrap(v);
        return v;
      },
      set(t, prop, v) {
        m.checkGuard(cell, scopeId, true, mode, prop);
        return Reflect.set(t, prop, unguard(v));
      },
      deleteProperty(t, prop) {
        m.checkGuard(cell, scopeId, true, mode, prop);
        return Reflect.deleteProperty(t, prop);
      },
      has(t, prop) {
        m.checkGuard(cell, scopeId, false, mode, prop);
        return Reflect.has(t, prop);
      },
      ownKeys(t) {
        m.checkGuard(cell, scopeId, false, mode, "(keys)");
        return Reflect.ownKeys(t);
      },
    });
    cache.set(o, p);
    proxyTargets.set(p, o);
    return p;
  };
  return wrap(target);
}

/** The one Tx object of a machine; every method acts on the innermost open scope. */
class TxImpl implements Tx {
  constructor(private readonly m: Machine) {}

  get cpu(): number {
    return this.m.currentScopeInfo().cpu.index;
  }
  get thread(): Thread | null {
    return this.m.currentScopeInfo().thread;
  }
  get inInterrupt(): boolean {
    return this.m.currentScopeInfo().intr;
  }
  get now(): number {
    return this.m.currentScopeInfo().cpu.clock;
  }
  get view(): MachineView {
    return this.m;
  }
  read<T>(cell: Cell<T>): T {
    return this.m.txAccess(cell as Cell<unknown>, "r") as T;
  }
  write<T>(cell: Cell<T>, value: T): void {
    this.m.txWrite(cell as Cell<unknown>, value);
  }
  mutate<T extends object>(cell: Cell<T>): T {
    return this.m.txAccess(cell as Cell<unknown>, "m") as T;
  }
  schedule(thread: Thread): void {
    this.m.schedule(this.m.currentScopeInfo().cpu, thread);
  }
  arm(thread: Thread): void {
    this.m.arm(this.m.currentScopeInfo().cpu, thread);
  }
  block(waitsOn: string, timeout?: TimeoutSpec): void {
    this.m.requestBlock(waitsOn, timeout);
  }
  sendIpi(target: number, label: string, fn: (tx: Tx) => void, fp?: Footprint): void {
    this.m.sendIpi(this.m.currentScopeInfo().cpu, target, label, fn, fp, false);
  }
  sendIpiNowait(target: number, label: string, fn: (tx: Tx) => void, fp?: Footprint): boolean {
    return this.m.sendIpi(this.m.currentScopeInfo().cpu, target, label, fn, fp, true);
  }
  printf(text: string): void {
    const s = this.m.currentScopeInfo();
    this.m.printf(s.cpu.index, s.thread, text);
  }
  event(kind: TraceEventKind, obj?: string, detail?: string, target?: number): void {
    const s = this.m.currentScopeInfo();
    this.m.emitFor(s.cpu.index, s.thread, kind, obj, detail, target);
  }
  panic(message: string): never {
    throw new KernelPanic(message);
  }
  assert(cond: unknown, message: string): asserts cond {
    if (!cond) throw new KernelPanic(message);
  }
}

/** Create a machine (see `MachineOptions`). */
export function createMachine(opts: MachineOptions): Machine {
  return new Machine(opts);
}
