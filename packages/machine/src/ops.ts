/**
 * Ops: what a thread hands the machine at each `yield`. One op is one atomic
 * step. The machine performs it indivisibly, records its footprint, charges
 * its cost and resumes the thread with the result.
 *
 * Two ways to issue an op:
 * - the typed helpers on the kernel context, `const v = yield* k.load(c)`
 *   (readable, checked by the compiler; each is a one-op iterator, not a
 *   generator, so `yield*` of one costs one small object more than a raw op);
 * - the raw constructors here, `const v = (yield op.load(c)) as number`
 *   (the cheapest step, for the hottest loops).
 */
import type { Cell, Footprint } from "./cell.js";
import type { Tx } from "./tx.js";
import type { MachineView } from "./view.js";

export interface LoadOp {
  readonly op: "load";
  readonly cell: Cell<any>;
}
export interface StoreOp {
  readonly op: "store";
  readonly cell: Cell<any>;
  readonly value: unknown;
}
/** Compare-and-swap on a word: result is true iff the cell held `expect`. */
export interface CasOp {
  readonly op: "cas";
  readonly cell: Cell<number>;
  readonly expect: number;
  readonly value: number;
}
/** Compare-and-exchange (x86 `cmpxchg`): store `value` iff the cell held `expect`; result is the old value. */
export interface CmpxchgOp {
  readonly op: "cmpxchg";
  readonly cell: Cell<number>;
  readonly expect: number;
  readonly value: number;
}
/** Atomic exchange: result is the old value. */
export interface SwapOp {
  readonly op: "swap";
  readonly cell: Cell<any>;
  readonly value: unknown;
}
/** Atomic add returning the old value. */
export interface FetchAddOp {
  readonly op: "fetch-add";
  readonly cell: Cell<number>;
  readonly delta: number;
}
/** Result-less commutative read-modify-writes (`atomic_add_int`, `atomic_set_int`, `atomic_clear_int`). */
export interface RmwOp {
  readonly op: "add" | "or" | "and";
  readonly cell: Cell<number>;
  readonly operand: number;
}
/** Several cells changed by one closure, indivisibly. */
export interface AtomicOp {
  readonly op: "atomic";
  readonly label: string;
  /** What the closure may touch; a function is evaluated when the step executes (for footprints that depend on state). */
  readonly fp: Footprint | (() => Footprint);
  readonly fn: (tx: Tx) => unknown;
}
/**
 * Spin until `test` holds. The thread is disabled (takes no step) while the
 * test is false and is re-enabled by a write to a watched cell that makes it
 * true (or, with `wakeOnIpi`, by an IPI queued to its cpu). Taking the step
 * re-evaluates the test. The cost model charges the backoff window.
 */
export interface SpinOp {
  readonly op: "spin";
  readonly label: string;
  readonly watch: readonly Cell<any>[];
  readonly test: (tx: Tx) => boolean;
  readonly wakeOnIpi: boolean;
  /**
   * For deadlock reports and spin-wait events: what the spinner waits for
   * ("S held by T"), read through the machine's view (a description kept
   * with a lock, made once, need not hold its machine).
   */
  readonly describe?: ((view: MachineView) => string) | undefined;
}
/** `lwkt_yield`: go to the tail of the run queue and switch (a blocking point). */
export interface YieldOp {
  readonly op: "yield";
  /** Why, for traces and reports (default "lwkt_yield"). */
  readonly label?: string;
}
/** An explicit IPI-processing point (spec §1.5): queued IPIs run even inside a critical section. */
export interface IpiPointOp {
  readonly op: "ipi-point";
  readonly label: string;
}
/** `get_mplock`: contended is a blocking point. */
export interface MpLockOp {
  readonly op: "mp-lock";
}
/** `rel_mplock`. */
export interface MpUnlockOp {
  readonly op: "mp-unlock";
}
/** A step that touches no shared state (thread-local work worth a scheduling point). */
export interface NopOp {
  readonly op: "nop";
  readonly label: string;
  readonly cycles: number;
}

export type Op =
  | LoadOp
  | StoreOp
  | CasOp
  | CmpxchgOp
  | SwapOp
  | FetchAddOp
  | RmwOp
  | AtomicOp
  | SpinOp
  | YieldOp
  | IpiPointOp
  | MpLockOp
  | MpUnlockOp
  | NopOp;

export type OpKind = Op["op"];

/** A thread body or kernel routine: a generator of ops returning `R`. */
export type Gen<R = void> = Generator<Op, R, unknown>;

const YIELD: YieldOp = Object.freeze({ op: "yield" });
const MP_LOCK: MpLockOp = Object.freeze({ op: "mp-lock" });
const MP_UNLOCK: MpUnlockOp = Object.freeze({ op: "mp-unlock" });

/** Raw op constructors (see the module comment). */
export const op = {
  load: (cell: Cell<any>): LoadOp => ({ op: "load", cell }),
  store: (cell: Cell<any>, value: unknown): StoreOp => ({ op: "store", cell, value }),
  cas: (cell: Cell<number>, expect: number, value: number): CasOp => ({ op: "cas", cell, expect, value }),
  cmpxchg: (cell: Cell<number>, expect: number, value: number): CmpxchgOp => ({ op: "cmpxchg", cell, expect, value }),
  swap: (cell: Cell<any>, value: unknown): SwapOp => ({ op: "swap", cell, value }),
  fetchAdd: (cell: Cell<number>, delta: number): FetchAddOp => ({ op: "fetch-add", cell, delta }),
  add: (cell: Cell<number>, operand: number): RmwOp => ({ op: "add", cell, operand }),
  or: (cell: Cell<number>, operand: number): RmwOp => ({ op: "or", cell, operand }),
  and: (cell: Cell<number>, operand: number): RmwOp => ({ op: "and", cell, operand }),
  atomic: (label: string, fp: Footprint | (() => Footprint), fn: (tx: Tx) => unknown): AtomicOp => ({
    op: "atomic",
    label,
    fp,
    fn,
  }),
  spin: (
    label: string,
    watch: readonly Cell<any>[],
    test: (tx: Tx) => boolean,
    opts: { wakeOnIpi?: boolean; describe?: (view: MachineView) => string } = {},
  ): SpinOp => ({ op: "spin", label, watch, test, wakeOnIpi: opts.wakeOnIpi ?? false, describe: opts.describe }),
  yield: (label?: string): YieldOp => (label === undefined ? YIELD : { op: "yield", label }),
  ipiPoint: (label: string): IpiPointOp => ({ op: "ipi-point", label }),
  mpLock: (): MpLockOp => MP_LOCK,
  mpUnlock: (): MpUnlockOp => MP_UNLOCK,
  nop: (label: string, cycles = 1): NopOp => ({ op: "nop", label, cycles }),
} as const;

/** The ops that touch exactly one cell, named by their `cell` field. */
export type CellOp = LoadOp | StoreOp | CasOp | CmpxchgOp | SwapOp | FetchAddOp | RmwOp;

/** Whether an op touches one named cell — by kind, a switch V8 inlines (`"cell" in o` is a lookup on each op's shape). */
export function isCellOp(o: Op): o is CellOp {
  switch (o.op) {
    case "load":
    case "store":
    case "cas":
    case "cmpxchg":
    case "swap":
    case "fetch-add":
    case "add":
    case "or":
    case "and":
      return true;
    default:
      return false;
  }
}

/** A short human description of an op for traces. */
export function describeOp(o: Op): string {
  if (isCellOp(o)) return `${o.op} ${o.cell.name}`;
  switch (o.op) {
    case "atomic":
    case "spin":
    case "ipi-point":
    case "nop":
      return o.label;
    case "yield":
      return o.label ?? "lwkt_yield";
    case "mp-lock":
      return "get_mplock";
    case "mp-unlock":
      return "rel_mplock";
    default:
      return unreachable(o);
  }
}

export function unreachable(x: never): never {
  throw new Error(`unreachable: ${String((x as { op?: unknown }).op ?? x)}`);
}
