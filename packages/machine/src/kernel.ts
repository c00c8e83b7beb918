/**
 * The kernel context a thread body receives: typed single-step helpers (use
 * with `yield*`), and the thread-local services that are not steps — critical
 * sections, the console, panics.
 *
 * Calling context: only the thread that owns the context may use it, and only
 * while it runs. Critical-section changes take effect at the next step
 * boundary: leaving the outermost section makes every IPI that waited owed
 * before the thread's next step (crit_exit → splz).
 *
 * While a thread's generator is rebuilt after a restored state
 * (states/snapshot.ts) its services are quiet: critical sections only count,
 * and nothing is emitted, printed, charged or owed — the steps already
 * happened, and the record is put back as saved once the thread is rebuilt.
 */
import type { Cell, Footprint } from "./cell.js";
import { KernelPanic, MachineConfigError } from "./errors.js";
import type { Machine } from "./machine.js";
import { type Gen, type Op, op } from "./ops.js";
import type { Core } from "./runtime/core.js";
import { emit, printf } from "./runtime/events.js";
import { checkActor } from "./runtime/failure.js";
import { critEnter, critExit } from "./runtime/lwkt.js";
import type { Thread, ThreadLocalKey } from "./thread.js";
import type { TraceEventKind } from "./trace.js";
import type { Tx } from "./tx.js";

export class KernelContext {
  /** The machine's record (private: a thread body sees the machine, its thread and these helpers). */
  readonly #core: Core;

  /** @internal use `machine.spawn` */
  constructor(
    readonly machine: Machine,
    core: Core,
    readonly thread: Thread,
  ) {
    this.#core = core;
  }

  /** This thread's cpu (threads never migrate). */
  get cpu(): number {
    return this.thread.cpu;
  }

  // ---------------------------------------------------------------- steps
  // Each helper is one op, handed to `yield*` as a one-op iterator (below)
  // rather than made by a generator function: the same protocol, at the
  // cost of one small object instead of a generator and its results.

  load<T>(cell: Cell<T>): Gen<T> {
    return new OneOp<T>(op.load(cell), true);
  }
  store<T>(cell: Cell<T>, value: T): Gen<void> {
    return new OneOp<void>(op.store(cell, value), false);
  }
  cas(cell: Cell<number>, expect: number, value: number): Gen<boolean> {
    return new OneOp<boolean>(op.cas(cell, expect, value), true);
  }
  /** Compare-and-exchange: stores `value` iff the cell held `expect`; returns the old value. */
  cmpxchg(cell: Cell<number>, expect: number, value: number): Gen<number> {
    return new OneOp<number>(op.cmpxchg(cell, expect, value), true);
  }
  swap<T>(cell: Cell<T>, value: T): Gen<T> {
    return new OneOp<T>(op.swap(cell, value), true);
  }
  fetchAdd(cell: Cell<number>, delta: number): Gen<number> {
    return new OneOp<number>(op.fetchAdd(cell, delta), true);
  }
  /** `atomic_add_int`: no result. */
  add(cell: Cell<number>, delta: number): Gen<void> {
    return new OneOp<void>(op.add(cell, delta), false);
  }
  /** `atomic_set_int`: no result. */
  or(cell: Cell<number>, bits: number): Gen<void> {
    return new OneOp<void>(op.or(cell, bits), false);
  }
  /** `atomic_clear_int` (pass the bits to keep): no result. */
  and(cell: Cell<number>, bits: number): Gen<void> {
    return new OneOp<void>(op.and(cell, bits), false);
  }
  /** One indivisible step that may touch every cell of `fp` (a function: evaluated when the step runs). */
  atomic<R>(label: string, fp: Footprint | (() => Footprint), fn: (tx: Tx) => R): Gen<R> {
    return new OneOp<R>(op.atomic(label, fp, fn), true);
  }
  /**
   * Wait until `test` holds (one step). Returns false only when woken by an
   * IPI arriving (`wakeOnIpi`) while the test is still false.
   */
  spinUntil(
    label: string,
    watch: readonly Cell<any>[],
    test: (tx: Tx) => boolean,
    opts: { wakeOnIpi?: boolean; describe?: () => string } = {},
  ): Gen<boolean> {
    return new OneOp<boolean>(op.spin(label, watch, test, opts), true);
  }
  /** `lwkt_yield`: a blocking point. */
  yieldCpu(label?: string): Gen<void> {
    return new OneOp<void>(op.yield(label), false);
  }
  /** Run every queued IPI now, even inside a critical section (`lwkt_process_ipiq`). */
  processIpis(label = "lwkt_process_ipiq"): Gen<void> {
    return new OneOp<void>(op.ipiPoint(label), false);
  }
  mpLock(): Gen<void> {
    return new OneOp<void>(op.mpLock(), false);
  }
  mpUnlock(): Gen<void> {
    return new OneOp<void>(op.mpUnlock(), false);
  }
  /** A step touching no shared state. */
  nop(label: string, cycles = 1): Gen<void> {
    return new OneOp<void>(op.nop(label, cycles), false);
  }

  // ------------------------------------------ thread-local, not steps

  /**
   * Declare that this thread's locals stay the same from one iteration of
   * the loop it is entering to the next, until `leaveLoop`. Not a step.
   * Exhaustive exploration may then recognise a return to an earlier machine
   * state as a cycle (see states/stateKey.ts). A promise the machine cannot check:
   * use it only for loops whose iterations differ in shared state alone.
   */
  enterLoop(): void {
    if (this.#core.rebuilding) return;
    this.thread.loop = ++this.#core.nextLoop;
  }
  leaveLoop(): void {
    if (this.#core.rebuilding) return;
    this.thread.loop = 0;
  }

  /**
   * Run `body` (with `yield*`) as a call whose inner results reach this
   * thread only through its return value: stateful search then keys the
   * thread, once the call returns, by its history before the call and the
   * returned value — a spinlock taken after two failed tries or after none
   * leaves the same thread behind. Not a step. A promise the machine cannot
   * check: `body` changes nothing of its caller's except through what it
   * returns (thread-locals, cells and extensions are keyed anyway).
   */
  call<T>(body: Gen<T>): Gen<T> {
    return new Call<T>(this.thread, this.#core, body);
  }

  /**
   * Declare that from here on the body of the innermost `call` depends on
   * nothing it has seen inside the call but `label`: stateful search keys
   * the thread by its history before the call followed by `label`. At the
   * head of a retry loop whose iterations carry nothing over, every
   * iteration then leaves the same thread behind, whoever held the lock and
   * however many tries failed. Not a step. The promise of `call`, and more:
   * no local the rest of the body reads was set from a value seen before
   * this point in the call.
   */
  settle(label: string): void {
    if (this.thread.callMark < 0) {
      throw new MachineConfigError(`settle("${label}"): ${this.thread.name} is not inside k.call`);
    }
    this.#core.tracker?.settled(this.thread, label);
  }

  /** `crit_enter`. */
  critEnter(): void {
    if (this.#core.rebuilding) this.thread.crit++;
    else critEnter(this.#core, this.thread);
  }
  /** `crit_exit`; at zero, queued IPIs run before the next step. */
  critExit(): void {
    if (this.#core.rebuilding) this.thread.crit = Math.max(0, this.thread.crit - 1);
    else critExit(this.#core, this.thread);
  }
  /** The critical section count. */
  get crit(): number {
    return this.thread.crit;
  }
  /** This cpu's clock in simulated cycles (for statistics; never for decisions). */
  get now(): number {
    return this.#core.cpus[this.thread.cpu]!.clock;
  }
  /** `gd_intr_nesting_level` of this cpu (zero in thread context). */
  get intrNestingLevel(): number {
    return this.#core.cpus[this.thread.cpu]!.intrLevel;
  }
  /** Print a line on the kernel console (an observation, not a failure). */
  printf(text: string): void {
    if (this.#core.rebuilding) return;
    checkActor(this.#core, this.thread, "printf");
    printf(this.#core, this.thread.cpu, this.thread, text);
  }
  event(kind: TraceEventKind, obj?: string, detail?: string, target?: number): void {
    if (this.#core.rebuilding) return;
    emit(this.#core, this.thread.cpu, this.thread, kind, obj, detail, target);
  }
  panic(message: string): never {
    throw new KernelPanic(message);
  }
  assert(cond: unknown, message: string): asserts cond {
    if (!cond) throw new KernelPanic(message);
  }
  local<T>(key: ThreadLocalKey<T>): T {
    return this.thread.local(key);
  }

  /**
   * An object this thread's code makes between its yields that outlives
   * the step — a reference it will link on a shared list, a new cell —
   * made by `build` once. Not a step. A generator rebuilt for a restored
   * state (states/snapshot.ts) replays the thread's code: it gets the same
   * object back here, and what `build` changes (a layer's counter, the
   * machine's cells) is not changed a second time. Made directly instead,
   * the rebuilt thread would hold another object than the one the restored
   * state links. `build` must not yield, and reads nothing that a handler
   * may change while the thread waits but through what it is given.
   */
  make<T>(build: () => T): T {
    const log = this.#core.resumes;
    if (log === null) return build();
    if (this.#core.rebuilding) return log.remade(this.thread, build) as T;
    const v = build();
    log.made(this.thread, v);
    return v;
  }

  /**
   * A value this thread's code reads between its yields from outside the
   * thread — its preempted chain (`thread.preempted`), another thread's
   * thread-locals — that decides what it does next. Not a step: `read` runs
   * once, and a generator rebuilt for a restored state (states/snapshot.ts)
   * gets the value it gave then, where reading again would see the state the
   * machine was in before the restore. Read directly instead, the rebuilt
   * thread may take another way than the first time (the restore then
   * refuses). `read` changes nothing.
   */
  observe<T>(read: () => T): T {
    return this.make(read);
  }
}

/**
 * `KernelContext.call` as an iterator rather than a generator (as `OneOp`,
 * the protocol `yield*` expects, without a generator of its own): hands on
 * `body`'s ops, and when `body` returns, keys the thread by its history
 * before the call and the returned value. A spinlock's every acquire and
 * release goes through one, and a thread rebuilt for a restored state
 * (states/snapshot.ts) makes one per call on its way back.
 */
class Call<R> implements Generator<Op, R, unknown> {
  value: unknown = undefined;
  done = false;
  /** The history at the call's start (−2: not started; the first `next` starts it). */
  #mark = -2;
  #outer = -1;
  readonly #thread: Thread;
  readonly #core: Core;
  readonly #body: Gen<R>;

  constructor(thread: Thread, core: Core, body: Gen<R>) {
    this.#thread = thread;
    this.#core = core;
    this.#body = body;
  }

  next(v?: unknown): IteratorResult<Op, R> {
    if (this.done) {
      this.value = undefined;
      return this as IteratorResult<Op, R>;
    }
    const t = this.#thread;
    if (this.#mark === -2) {
      this.#mark = t.hist;
      this.#outer = t.callMark;
      t.callMark = this.#mark;
      v = undefined;
    }
    const r = this.#body.next(v);
    this.value = r.value;
    if (r.done === true) {
      this.done = true;
      t.callMark = this.#outer;
      this.#core.tracker?.returned(t, this.#mark, r.value);
    }
    return this as IteratorResult<Op, R>;
  }

  return(v: R): IteratorResult<Op, R> {
    this.done = true;
    this.value = v;
    return this as IteratorResult<Op, R>;
  }

  throw(e: unknown): IteratorResult<Op, R> {
    this.done = true;
    throw e;
  }

  [Symbol.iterator](): Generator<Op, R, unknown> {
    return this;
  }
}

/**
 * One op as a generator would give it to `yield*`: the first `next` hands
 * out the op, the second returns the value the thread was resumed with
 * (`result`) or nothing. The iterator is its own result object — `yield*`
 * reads `done` and `value` before asking again, and passes the object on
 * to the machine, which does the same — so a step allocates the op and
 * this, where a generator function costs a generator, its frame and two
 * results. `return` and `throw` end it as they end a suspended generator.
 * Its op is kept in a private field: `yield kc.load(c)` (without the star)
 * yields this object, which is not an op, and is reported as before.
 */
class OneOp<R> implements Generator<Op, R, unknown> {
  value: unknown = undefined;
  done = false;
  #op: Op | null;
  readonly #result: boolean;

  constructor(o: Op, result: boolean) {
    this.#op = o;
    this.#result = result;
  }

  next(v?: unknown): IteratorResult<Op, R> {
    const o = this.#op;
    if (o !== null) {
      this.#op = null;
      this.value = o;
    } else {
      this.value = this.#result && !this.done ? v : undefined;
      this.done = true;
    }
    return this as IteratorResult<Op, R>;
  }

  return(v: R): IteratorResult<Op, R> {
    this.#op = null;
    this.done = true;
    this.value = v;
    return this as IteratorResult<Op, R>;
  }

  throw(e: unknown): IteratorResult<Op, R> {
    this.#op = null;
    this.done = true;
    throw e;
  }

  [Symbol.iterator](): Generator<Op, R, unknown> {
    return this;
  }
}
