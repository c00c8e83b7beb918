/**
 * The context of an atomic step: what an atomic closure, an IPI handler, a
 * timeout handler or a scheduler hook may do. Everything here happens inside
 * the one step that is executing; nothing here may be kept and used later.
 */
import type { Cell, Footprint } from "./cell.js";
import type { Thread, TimeoutSpec } from "./thread.js";
import type { TraceEventKind } from "./trace.js";
import type { MachineView } from "./view.js";

export interface Tx {
  /** The cpu the step runs on. */
  readonly cpu: number;
  /** The cpu's current thread (for an IPI, the interrupted thread; may be null when idle). */
  readonly thread: Thread | null;
  /** True inside an IPI or timeout handler (`gd_intr_nesting_level > 0`). */
  readonly inInterrupt: boolean;
  /** This cpu's clock. */
  readonly now: number;
  readonly view: MachineView;

  /** Read a cell. An object value is read-only (guarded in check mode). */
  read<T>(cell: Cell<T>): T;
  /** Replace a cell's value. */
  write<T>(cell: Cell<T>, value: T): void;
  /** Get a cell's object value to change in place. */
  mutate<T extends object>(cell: Cell<T>): T;

  /** `lwkt_schedule`: make a blocked thread runnable; on another cpu this sends an IPI. */
  schedule(thread: Thread): void;
  /** Let a dormant interrupt thread's interrupt arrive from now on (a driver starting its device). */
  arm(thread: Thread): void;
  /** End the step with the stepping thread switched out (a blocking point). Threads only. */
  block(waitsOn: string, timeout?: TimeoutSpec): void;
  /** `lwkt_send_ipiq`: to this cpu, runs `fn` at once; otherwise queues it. Over half full, a thread then drains. */
  sendIpi(target: number, label: string, fn: (tx: Tx) => void, fp?: Footprint): void;
  /** `lwkt_send_ipiq_nowait`: fails (false) instead of waiting when the FIFO is half full. */
  sendIpiNowait(target: number, label: string, fn: (tx: Tx) => void, fp?: Footprint): boolean;

  printf(text: string): void;
  event(kind: TraceEventKind, obj?: string, detail?: string, target?: number): void;
  panic(message: string): never;
  assert(cond: unknown, message: string): asserts cond;
}
