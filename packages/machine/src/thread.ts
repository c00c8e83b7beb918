/**
 * LWKT threads. A thread is bound to one cpu for life (spec §1.2: `td_gd`
 * never changes). Kernel threads run until they block, yield or end; only
 * interrupt threads preempt (spec §1.3).
 *
 * Per-thread counters that kernel code changes between yields — the critical
 * section count, the spinlock count, the MP lock count — are thread-local:
 * only the thread itself changes them, during its own steps.
 *
 * A thread is a record of data, but for one field kept apart and named as
 * such: `generators`, its generator stack (the body at 0, machine
 * continuations above it). A suspended generator is the one part of a run's
 * state that cannot be copied — only rebuilt, by resuming a fresh body with
 * the values the thread was resumed with — and no state key reads it.
 */
import type { Cell, Footprint } from "./cell.js";
import type { Gen, Op } from "./ops.js";
import type { Tx } from "./tx.js";

/** LWKT priorities (spec §1.2; numeric values reconstructed). */
export const PRI = Object.freeze({
  IDLE: 0,
  USER: 10,
  KERN_DAEMON: 12,
  KERN: 20,
  SOFT: 24,
  INT_LOW: 27,
  INT_MED: 28,
  INT_HIGH: 29,
});

export type ThreadKind = "kernel" | "interrupt";

export type ThreadState =
  /** An interrupt thread whose device has not been started (`tx.arm` arms it). */
  | "dormant"
  /** An interrupt thread whose interrupt may arrive at any step boundary. */
  | "armed"
  /** On its cpu's run queue. */
  | "runnable"
  /** Its cpu's current thread. */
  | "running"
  /** Switched out at a blocking point, waiting to be scheduled. */
  | "blocked"
  /** Parked by a preempting interrupt thread; resumes when the preemptor blocks or ends. */
  | "preempted"
  | "done";

/** Why a blocked thread waits, for deadlock reports and detectors. */
export interface WaitInfo {
  /** "asleep on X" */
  readonly waitsOn: string;
  /** Optional timeout, fired by the machine's timeout choice. */
  timeout: TimeoutSpec | null;
  /** Simulated time the thread went to sleep. */
  readonly since: number;
}

export interface TimeoutSpec {
  readonly ticks: number;
  readonly label: string;
  /** Runs on the sleeper's cpu at interrupt level when the timeout fires. */
  readonly fire: (tx: Tx) => void;
  /** Shared cells the handler touches (its cpu's local cells need no declaration). */
  readonly fp?: Footprint;
}

/** Typed per-thread storage for layers (`td_toks`, `td_wchan`, ...). */
export interface ThreadLocalKey<T> {
  readonly name: string;
  readonly init: (t: Thread) => T;
}

export function defineThreadLocal<T>(name: string, init: (t: Thread) => T): ThreadLocalKey<T> {
  return Object.freeze({ name, init });
}

export class Thread {
  state: ThreadState;
  /**
   * @internal the generator stack: the body at 0, machine continuations
   * above it — not data (see the module comment). On the thread rather than
   * in a table beside it because resuming it is the machine's hottest path.
   */
  readonly generators: Gen<unknown>[] = [];
  /** @internal the op yielded and not yet performed */
  op: Op | null = null;
  /** @internal value to resume the generator with when it runs again */
  resumeValue: unknown = undefined;
  /** @internal the generator has not been started */
  fresh = true;
  /** Critical section count (`td_pri / TDPRI_CRIT`). */
  crit = 0;
  /** Spinlocks held (`td_spinlocks`), kept by the spinlock layer. */
  spinlocks = 0;
  /** MP lock recursion count the thread needs (`td_mpcount`). */
  mpcount = 0;
  /** The thread this one preempted (`td_preempted`). */
  preempted: Thread | null = null;
  /** Set while blocked. */
  wait: WaitInfo | null = null;
  /** The pending op is a spin whose test is false. */
  spinning = false;
  /** @internal simulated time the current spin wait started (0: not waiting) */
  spinSince = 0;
  /** @internal when a woken spinner re-tests (end of its backoff window) */
  spinReadyAt = 0;
  /** @internal an interrupt thread's interrupt line (1 = pending), a shared cell so arming is a visible write */
  irq: Cell<number> | null = null;
  /** @internal wake id for trace flows (wakeup → switch-in) */
  wakeFlow = -1;
  /** @internal drain the FIFO to this cpu before resuming (lwkt_send_ipiq over half full) */
  drainTarget = -1;
  /** @internal ops performed so far */
  performed = 0;
  /** @internal interned history of resume values (stateful search; see states/fingerprint.ts) */
  hist = 0;
  /** @internal stateful search: the key of the thread-locals when the thread last stopped at an op */
  localsAtSuspend = "";
  /** @internal the history at the start of the innermost `KernelContext.call` (−1: not in one) */
  callMark = -1;
  /**
   * Non-zero while the thread is inside a loop declared loop-invariant
   * (`KernelContext.enterLoop`): a fresh number for each entry.
   */
  loop = 0;
  /**
   * @internal change stamp of the thread-locals: raised when one is looked
   * up (`local`) or a restore rewrote them (with its cpu's `Cpu.ver`, what
   * states/vector.ts keys the thread by).
   */
  ver = 0;
  private readonly locals = new Map<ThreadLocalKey<unknown>, unknown>();
  /**
   * Thread-locals a restored state had not made yet, kept (set back to
   * their initial contents) so that making one again gives the same object:
   * closures made before the restore may hold it (states/snapshot.ts).
   */
  private dormant: Map<ThreadLocalKey<unknown>, unknown> | null = null;

  /** @internal whether any thread-local was made */
  hasLocals(): boolean {
    return this.locals.size !== 0;
  }

  /** @internal the thread-locals themselves (snapshots write them back by key) */
  localsMap(): Map<ThreadLocalKey<unknown>, unknown> {
    return this.locals;
  }

  /** @internal thread-locals not made in a restored state (see `dormant`) */
  dormantMap(): Map<ThreadLocalKey<unknown>, unknown> {
    return (this.dormant ??= new Map());
  }

  /** @internal thread-local layer data, in creation order, for state keys */
  localsForKey(): unknown[] {
    const out: unknown[] = [];
    for (const [k, v] of this.locals) out.push(k.name, v);
    return out;
  }

  /** @internal use `machine.spawn` */
  constructor(
    readonly id: number,
    readonly name: string,
    readonly cpu: number,
    readonly pri: number,
    readonly kind: ThreadKind,
    /** A daemon may stay asleep at the end of a run without it being a deadlock. */
    readonly daemon: boolean,
  ) {
    this.state = kind === "interrupt" ? "armed" : "runnable";
  }

  /** Per-thread layer data, created on first use. */
  local<T>(key: ThreadLocalKey<T>): T {
    this.ver++;
    let v = this.locals.get(key as ThreadLocalKey<unknown>);
    if (v === undefined && !this.locals.has(key as ThreadLocalKey<unknown>)) {
      const k = key as ThreadLocalKey<unknown>;
      if (this.dormant !== null && this.dormant.has(k)) {
        v = this.dormant.get(k);
        this.dormant.delete(k);
      } else v = key.init(this);
      this.locals.set(k, v);
    }
    return v as T;
  }

  toString(): string {
    return this.name;
  }
}
