/**
 * The deterministic SMP machine: set-up, the run, the view.
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
 * This class is a facade over one plain record (`runtime/core.ts`) and the
 * functions over it, one file per mechanism under `runtime/` (the rules each
 * keeps are in its header); stateful search lives under `states/`. What
 * layers built on the machine need beyond set-up, run and view is under
 * `@kprim/machine/internal`.
 *
 * Calling context: set up, then `run()` once; `run()` is synchronous and
 * owns the machine until it returns. Nothing here reads clocks, randomness or
 * promises; the same inputs give a byte-identical trace.
 */
import type { Cell } from "./cell.js";
import type { Choice } from "./choice.js";
import { addCounters, type CostTable, type Counters, defaultCostTable, zeroCounters } from "./cost.js";
import { Cpu } from "./cpu.js";
import { type Detector, type Explanation, explainRun } from "./detector.js";
import { MachineConfigError } from "./errors.js";
import type { Extension } from "./extension.js";
import type { SchedulerHooks } from "./hooks.js";
import { KernelContext } from "./kernel.js";
import type { Gen } from "./ops.js";
import type { Outcome } from "./outcome.js";
import { CUT } from "./drive.js";
import { Prng } from "./prng.js";
import { unguard } from "./runtime/access.js";
import { choiceTime, collectChoices, describeChoice } from "./runtime/choices.js";
import { type Core, createCore, newCell } from "./runtime/core.js";
import { emitted } from "./runtime/events.js";
import { quiesce } from "./runtime/failure.js";
import { enqueue, startRun } from "./runtime/lwkt.js";
import { take } from "./runtime/step.js";
import { scheduleOf } from "./runtime/trail.js";
import { TxImpl } from "./runtime/tx.js";
import { type DispatchModel, emptyHeader, type Schedule, type ScheduleHeader } from "./schedule.js";
import type { CellCode, FingerprintInput } from "./states/fingerprint.js";
import type { VectorTable } from "./states/intern.js";
import type { Histories } from "./states/histories.js";
import { Identities, stateKey } from "./states/stateKey.js";
import { StateTracker } from "./states/tracker.js";
import type { Strategy } from "./strategy.js";
import { roundRobin } from "./strategies/roundRobin.js";
import { PRI, Thread, type ThreadKind } from "./thread.js";
import type { ConsoleLine, TraceEvent, TraceEventKind } from "./trace.js";
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
  /**
   * How an idle cpu switches to a thread that an IPI or timeout handler made
   * runnable there: "separate", a dispatch choice of its own (the model), or
   * "same-step", in the handler's step — the model kprim1 and kprim2 schedules
   * were recorded with, for replaying them. Default: the header's `dispatch`,
   * else "separate". The run's schedule header says which (a same-step run
   * prints as kprim2).
   */
  readonly dispatch?: DispatchModel;
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
  /** When `trace` was on: the detectors' evidence for console lines, the panic and reports without any. */
  readonly explanations: readonly Explanation[];
  readonly steps: number;
  /** Largest cpu clock at the end (simulated cycles). */
  readonly makespan: number;
}

const DEFAULT_MAX_STEPS = 100_000;

/** The explanations of an untraced run. */
const NO_EXPLANATIONS: readonly Explanation[] = Object.freeze([]);

/** The console of a run that printed nothing. */
const NO_LINES: readonly ConsoleLine[] = Object.freeze([]);

/** A cpu's counters as a new record (field by field: a spread is slower). */
function copyOfCounters(c: Counters): Counters {
  return {
    steps: c.steps,
    ipisSent: c.ipisSent,
    ipisTaken: c.ipisTaken,
    switches: c.switches,
    preemptions: c.preemptions,
    spinCycles: c.spinCycles,
    transfers: c.transfers,
    atomics: c.atomics,
    idleCycles: c.idleCycles,
  };
}

/** The extensions of a machine that has none. */
const NO_EXTENSIONS: ReadonlyMap<Extension<unknown>, unknown> = new Map();

let checkDefault: boolean | undefined;

/** The run's header, saying the dispatch model when it is not the default (absent: "separate"). */
function headerFor(header: ScheduleHeader, dispatch: DispatchModel): ScheduleHeader {
  if (dispatch === "same-step") return header.dispatch === "same-step" ? header : { ...header, dispatch };
  if (header.dispatch === undefined) return header;
  const { dispatch: _given, ...rest } = header;
  return rest;
}

/** KPRIM_CHECK=1 turns check mode on by default; read once (machines are built per execution). */
function envCheckDefault(): boolean {
  checkDefault ??= typeof process !== "undefined" && process.env["KPRIM_CHECK"] === "1";
  return checkDefault;
}

export class Machine implements MachineView {
  readonly ncpus: number;
  readonly cost: CostTable;
  readonly cpus: readonly Cpu[];
  readonly threads: readonly Thread[];
  readonly checkMode: boolean;
  /** The MP lock: owner cpu or -1. */
  readonly mplock: Cell<number>;

  /** The record the run changes (`runtime/core.ts`). */
  private readonly core: Core;
  /** Identities for `stateKey` (made on first use). */
  private identities: Identities | null = null;
  /** Who ran, for results: fixed once the run starts (a machine reset between runs reports the same). */
  private threadInfos: readonly ThreadInfo[] | null = null;

  constructor(opts: MachineOptions) {
    if (!Number.isInteger(opts.cpus) || opts.cpus < 1 || opts.cpus > 32) {
      throw new MachineConfigError(`a machine has 1 to 32 cpus, not ${String(opts.cpus)}`);
    }
    const detectors = opts.detectors ? [...opts.detectors] : [];
    const dispatch = opts.dispatch ?? opts.header?.dispatch ?? "separate";
    if (dispatch !== "separate" && dispatch !== "same-step") {
      throw new MachineConfigError(`dispatch must be "separate" or "same-step", got ${JSON.stringify(dispatch)}`);
    }
    const tx = new TxImpl();
    const core = createCore({
      ncpus: opts.cpus,
      cost: opts.cost ? Object.freeze({ ...defaultCostTable, ...opts.cost }) : defaultCostTable,
      cpus: Array.from({ length: opts.cpus }, (_, i) => new Cpu(i, opts.cpus)),
      checkMode: opts.check ?? envCheckDefault(),
      tracing: opts.trace ?? false,
      maxSteps: opts.maxSteps ?? DEFAULT_MAX_STEPS,
      header: headerFor(opts.header ?? emptyHeader(), dispatch),
      sameStepDispatch: dispatch === "same-step",
      jitter: opts.jitter ? { prng: new Prng(opts.jitter.seed), amount: opts.jitter.amount } : null,
      strategy: opts.strategy ?? roundRobin(),
      detectors,
      recording: (opts.recordFootprints ?? false) || detectors.some((d) => d.footprints === true),
      view: this,
      tx,
    });
    tx.core = core;
    this.core = core;
    this.ncpus = core.ncpus;
    this.cost = core.cost;
    this.cpus = core.cpus;
    this.threads = core.threads;
    this.checkMode = core.checkMode;
    this.mplock = core.mplock;
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
    return newCell(this.core, name, value, cpu, opts.code);
  }

  /** Set a cell's initial value during set-up (before the run starts). */
  preset<T>(cell: Cell<T>, value: T): void {
    if (this.core.started) throw new MachineConfigError(`preset ${cell.name}: the machine has already started`);
    cell.v = value;
    cell.key = null;
  }

  spawn(o: SpawnOptions): Thread {
    const core = this.core;
    if (core.started) throw new MachineConfigError(`spawn ${o.name}: the machine has already started`);
    if (!Number.isInteger(o.cpu) || o.cpu < 0 || o.cpu >= this.ncpus) {
      throw new MachineConfigError(`spawn ${o.name}: no cpu ${String(o.cpu)} on a ${this.ncpus}-cpu machine`);
    }
    const kind = o.kind ?? "kernel";
    const pri = o.pri ?? (kind === "interrupt" ? PRI.INT_MED : PRI.KERN_DAEMON);
    if (!Number.isInteger(pri) || pri < 0 || pri > 31) throw new MachineConfigError(`spawn ${o.name}: priority ${pri}`);
    const t = new Thread(core.threads.length, o.name, o.cpu, pri, kind, o.daemon ?? false);
    const body = o.body;
    // One context for every body the thread is given (resets and restores respawn it): it holds no state of its own.
    const kc = new KernelContext(this, core, t);
    const respawn = (): Gen<unknown> => body(kc);
    t.generators.push(respawn());
    core.respawn.push(respawn);
    core.threads.push(t);
    if (!t.daemon) core.liveThreads++;
    const cpu = core.cpus[o.cpu]!;
    if (kind === "interrupt") {
      cpu.ithreads.push(t);
      cpu.moreChoices = true;
      t.irq = newCell(core, `irq ${o.name}`, o.runnable || o.armed === false ? 0 : 1, -1);
      if (o.runnable) {
        t.state = "runnable";
        enqueue(cpu, t);
      } else if (o.armed === false) {
        t.state = "dormant";
      }
    } else {
      enqueue(cpu, t);
    }
    return t;
  }

  addDetector(d: Detector): void {
    const core = this.core;
    if (core.started) throw new MachineConfigError(`detector ${d.name}: the machine has already started`);
    core.detectors.push(d);
    if (d.events !== false) core.eventsOn = true;
    if (d.footprints === true) core.recording = true;
  }

  addHooks(h: SchedulerHooks): void {
    this.core.hooks.push(h);
    if (h.onResume) this.core.resumeHooks.push(h);
  }

  /** A layer's per-machine state, created on first use. */
  ext<T>(e: Extension<T>): T {
    const exts = (this.core.extensions ??= new Map());
    let v = exts.get(e as Extension<unknown>);
    if (v === undefined) {
      v = e.create(this);
      exts.set(e as Extension<unknown>, v);
    }
    return v as T;
  }

  /** A layer's per-machine state if it has been created (state displays read it without making it). */
  peekExt<T>(e: Extension<T>): T | undefined {
    return this.core.extensions?.get(e as Extension<unknown>) as T | undefined;
  }

  /** Replace the strategy before the run starts (the explorer wraps strategies). */
  setStrategy(s: Strategy): void {
    if (this.core.started) throw new MachineConfigError("the strategy is fixed once the machine has started");
    this.core.strategy = s;
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
    if (this.core.started) throw new MachineConfigError("symmetric: the machine has already started");
    const cpus = new Set(threads.map((t) => t.cpu));
    const first = threads[0];
    if (first === undefined) return;
    if (cpus.size !== threads.length) throw new MachineConfigError("symmetric: each thread must have a cpu of its own");
    for (const t of threads) {
      if (t.kind !== first.kind || t.pri !== first.pri || t.daemon !== first.daemon) {
        throw new MachineConfigError(`symmetric: ${t.name} differs from ${first.name} in kind or priority`);
      }
    }
    this.core.symmetric = [...threads].sort((a, b) => a.id - b.id);
  }

  /**
   * Keep what `fingerprint()` needs: attach a state tracker (each thread's
   * history of resume values, interned in `histories`, one table for a whole
   * search). Before the run.
   */
  trackStates(histories: Histories, opts: { symmetry?: boolean } = {}): void {
    if (this.core.started) throw new MachineConfigError("trackStates: the machine has already started");
    this.core.tracker = new StateTracker(histories, opts.symmetry ?? true);
  }

  // ------------------------------------------------------------ the view

  get step(): number {
    return this.core.stepCount;
  }

  get console(): readonly ConsoleLine[] {
    return this.core.consoleLines;
  }

  thread(id: number): Thread {
    const t = this.core.threads[id];
    if (t === undefined) throw new MachineConfigError(`no thread ${id}`);
    return t;
  }

  peek<T>(cell: Cell<T>): T {
    return cell.v;
  }

  choiceTime(c: Choice): number {
    return choiceTime(this.core, c);
  }

  describeChoice(c: Choice): string {
    return describeChoice(this.core, c);
  }

  /** Whether any step so far emitted an event of this kind (known with tracing and detectors off). */
  emitted(kind: TraceEventKind): boolean {
    return emitted(this.core, kind);
  }

  /**
   * A key for the current state when some thread is inside a declared loop
   * (see states/stateKey.ts), else null: equal keys are equal states, so an
   * execution that meets its own key again has gone round a cycle.
   */
  stateKey(): string | null {
    this.identities ??= new Identities();
    const core = this.core;
    return stateKey(core.cells, core.cpus, core.threads, this.identities);
  }

  /**
   * A key of the whole state, comparable across executions of the same
   * factory (see states/fingerprint.ts): equal keys, same behaviour from
   * here on. Needs `trackStates` before the run, and a `stateKey` on every
   * detector.
   */
  fingerprint(): string {
    const core = this.core;
    const tracker = core.tracker;
    if (tracker === null || tracker.canon === null) {
      throw new MachineConfigError("fingerprint: call trackStates before the run starts");
    }
    return tracker.fingerprint(fingerprintInput(core, tracker));
  }

  // --------------------------------------------------------------- the run

  run(): RunResult {
    this.start();
    this.steps();
    return this.result();
  }

  /** The run begins: every cpu dispatches its first thread. */
  private start(): void {
    const core = this.core;
    if (core.finished || core.started) throw new MachineConfigError("a machine runs once");
    core.started = true;
    if (core.tracker !== null) this.startTracker(core.tracker);
    startRun(core);
  }

  /** The run from where it is: to its end, or until the strategy throws. */
  private loop(): RunResult {
    this.steps(false);
    return this.result();
  }

  /**
   * Take steps until the run ends (or the strategy throws); `cuttable`: the
   * strategy may also stop the run where it is by choosing `CUT` (then
   * false, and the run is neither finished nor ended: a restore follows).
   */
  private steps(cuttable = false): boolean {
    const core = this.core;
    // Both are fixed for the run: held here, V8 need not reload them after each step.
    const strategy = core.strategy;
    const choices = core.choiceBuf;
    while (core.outcome === null) {
      if (core.stepCount >= core.maxSteps) {
        core.outcome = { kind: "step-limit", step: core.stepCount };
        break;
      }
      const n = collectChoices(core);
      if (n === 0) {
        quiesce(core);
        break;
      }
      const idx = strategy.choose(choices, this);
      const choice = choices[idx];
      if (choice === undefined) {
        if (idx === CUT && cuttable) return false;
        throw new MachineConfigError(`strategy ${strategy.name} chose ${idx} of ${n} choices`);
      }
      take(core, choice);
    }
    core.finished = true;
    core.strategy.end?.(this);
    return true;
  }

  /** Number what set-up left reachable, so that fingerprints name it the same way in every execution. */
  private startTracker(tracker: StateTracker): void {
    const core = this.core;
    const roots: unknown[] = [];
    const exts = Array.from(core.extensions ?? NO_EXTENSIONS).sort((a, b) =>
      a[0].name < b[0].name ? -1 : a[0].name > b[0].name ? 1 : 0,
    );
    for (const [, v] of exts) roots.push(v);
    for (const c of core.cells) roots.push(c.v);
    const owned = core.threads.map((t) => t.localsForKey());
    roots.push(...owned);
    tracker.start(
      core.nextCellId,
      (o) => unguard(o),
      (o) => (o === this || o === core ? "M" : o instanceof Cpu ? `P${o.index}` : undefined),
      roots,
      exts.map(([, v]) => v),
      owned,
    );
    if (tracker.symmetry) {
      for (const s of core.symmetric) {
        const other = core.threads.find((t) => t.cpu === s.cpu && t !== s);
        if (other !== undefined) {
          throw new MachineConfigError(`symmetric: ${s.name} shares cpu ${s.cpu} with ${other.name}`);
        }
      }
    }
  }

  private result(): RunResult {
    const core = this.core;
    const cpus = core.cpus;
    const total = zeroCounters();
    const perCpu = new Array<Counters>(cpus.length);
    let makespan = 0;
    for (let i = 0; i < cpus.length; i++) {
      const c = cpus[i]!;
      addCounters(total, c.counters);
      perCpu[i] = copyOfCounters(c.counters);
      if (c.clock > makespan) makespan = c.clock;
    }
    return {
      ncpus: core.ncpus,
      threads: (this.threadInfos ??= core.threads.map((t) => ({
        id: t.id,
        name: t.name,
        cpu: t.cpu,
        kind: t.kind,
        pri: t.pri,
      }))),
      outcome: core.outcome!,
      // A run that printed nothing shares one empty list: a reset machine then keeps its own for the next run.
      console: core.consoleLines.length === 0 ? NO_LINES : core.consoleLines,
      counters: { total, perCpu },
      schedule: scheduleOf(core),
      trace: core.traceLog,
      explanations:
        core.traceLog === null
          ? NO_EXPLANATIONS
          : explainRun(core.detectors, core.view, core.traceLog, core.outcome!, core.consoleLines),
      steps: core.stepCount,
      makespan,
    };
  }
}

/** What a fingerprint reads of the record. */
function fingerprintInput(core: Core, tracker: StateTracker): FingerprintInput {
  return {
    cells: core.cells,
    cpus: core.cpus,
    threads: core.threads,
    extensions: core.extensions ?? NO_EXTENSIONS,
    detectors: core.detectors,
    symmetric: tracker.symmetry ? core.symmetric : [],
  };
}

/**
 * @internal the state's number in `states` (for `@kprim/machine/internal`):
 * its `fingerprint()` as a vector of parts interned in the search's
 * `Histories` (states/intern.ts) — equal numbers exactly when the
 * fingerprints are equal; a number not seen before is `states.size - 1`.
 */
export function stateId(m: Machine, states: VectorTable): number {
  const core = m["core"];
  const tracker = core.tracker;
  if (tracker === null || tracker.canon === null) {
    throw new MachineConfigError("stateId: call trackStates before the run starts");
  }
  return tracker.stateId(fingerprintInput(core, tracker), states);
}

/** Create a machine (see `MachineOptions`). */
export function createMachine(opts: MachineOptions): Machine {
  return new Machine(opts);
}
