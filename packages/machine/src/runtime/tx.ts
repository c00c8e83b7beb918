/**
 * The Tx object: what an atomic closure, an IPI or timeout handler, a spin
 * test or a scheduler hook receives. A machine has one; every method acts on
 * the innermost open scope (access.ts), so nothing a closure does can reach
 * past its own step.
 */
import type { Cell, Footprint } from "../cell.js";
import { KernelPanic } from "../errors.js";
import type { Thread, TimeoutSpec } from "../thread.js";
import type { TraceEventKind } from "../trace.js";
import type { Tx } from "../tx.js";
import type { MachineView } from "../view.js";
import { openScope, txAccess, txWrite } from "./access.js";
import type { Core } from "./core.js";
import { emit, printf } from "./events.js";
import { sendIpi } from "./ipiq.js";
import { arm, schedule } from "./lwkt.js";
import { requestBlock } from "./step.js";

export class TxImpl implements Tx {
  /** The record it acts on (set once, when the record is made). */
  core: Core = null as unknown as Core;

  get cpu(): number {
    return openScope(this.core).cpu.index;
  }
  get thread(): Thread | null {
    return openScope(this.core).thread;
  }
  get inInterrupt(): boolean {
    const s = openScope(this.core);
    return s.intr || s.cpu.intrLevel > 0;
  }
  get now(): number {
    return openScope(this.core).cpu.clock;
  }
  get view(): MachineView {
    return this.core.view;
  }
  read<T>(cell: Cell<T>): T {
    return txAccess(this.core, cell as Cell<unknown>, "r") as T;
  }
  write<T>(cell: Cell<T>, value: T): void {
    txWrite(this.core, cell as Cell<unknown>, value);
  }
  mutate<T extends object>(cell: Cell<T>): T {
    return txAccess(this.core, cell as Cell<unknown>, "m") as T;
  }
  schedule(thread: Thread): void {
    schedule(this.core, openScope(this.core).cpu, thread);
  }
  arm(thread: Thread): void {
    arm(this.core, openScope(this.core).cpu, thread);
  }
  block(waitsOn: string, timeout?: TimeoutSpec): void {
    requestBlock(this.core, waitsOn, timeout);
  }
  sendIpi(target: number, label: string, fn: (tx: Tx) => void, fp?: Footprint): void {
    sendIpi(this.core, openScope(this.core).cpu, target, label, fn, fp, false);
  }
  sendIpiNowait(target: number, label: string, fn: (tx: Tx) => void, fp?: Footprint): boolean {
    return sendIpi(this.core, openScope(this.core).cpu, target, label, fn, fp, true);
  }
  printf(text: string): void {
    const s = openScope(this.core);
    printf(this.core, s.cpu.index, s.thread, text);
  }
  event(kind: TraceEventKind, obj?: string, detail?: string, target?: number): void {
    const s = openScope(this.core);
    emit(this.core, s.cpu.index, s.thread, kind, obj, detail, target);
  }
  panic(message: string): never {
    throw new KernelPanic(message);
  }
  assert(cond: unknown, message: string): asserts cond {
    if (!cond) throw new KernelPanic(message);
  }
}
