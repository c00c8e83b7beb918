/**
 * Cells: the only shared state of a simulated kernel.
 *
 * A cell holds one value — a machine word or a plain object/array (a struct).
 * Kernel code touches a cell only inside a step: a single-cell op (load,
 * store, cas, swap, fetch-add, add, or, and) or an atomic closure whose
 * footprint declares the cell. In check mode, an object read out of a cell is
 * a guarded view that throws when used after its step or written through a
 * read access.
 *
 * A cell is either shared (any cpu may touch it inside a step that declares
 * it) or local to one cpu (per-cpu kernel state such as run queues and sleep
 * queues: only code running on that cpu may touch it, with no declaration —
 * every choice on a cpu is dependent on every other choice on that cpu
 * anyway).
 *
 * Invariants: ids are sequential per machine; `lastWriter`/`sharers` are cost
 * bookkeeping only and never influence behaviour.
 */

import type { Cpu } from "./cpu.js";
import type { CellCode } from "./states/fingerprint.js";
import type { Thread } from "./thread.js";

/** What a write wakes (runtime/access.ts): an idle cpu waiting to dispatch, a thread spinning on the cell. */
export type CellWatcher = Cpu | Thread;

export class Cell<T = unknown> {
  /** @internal current value; touch only through a step */
  v: T;
  /** @internal cpu that last wrote the line (-1: none yet) */
  lastWriter = -1;
  /** @internal cpus holding a valid copy of the line (bit mask) */
  sharers = 0;
  /** @internal simulated time of the last write (for woken spinners) */
  writeTime = 0;
  /** @internal watchers to notify on write */
  watchers: CellWatcher[] | null = null;
  /** @internal the value's fingerprint key (states/fingerprint.ts), dropped on every write */
  key: string | null = null;
  /** @internal the key names threads or cells (symmetry must rename it) */
  keyRefs = false;
  /** What the value's number means when it names a thread or cpu (set with `machine.cell`). */
  code: CellCode | null = null;
  /** @internal for an IPI FIFO's cell: its two cpus */
  fifo: { readonly from: number; readonly to: number } | null = null;
  /** @internal restoring states: the log that saves the cell before it changes (states/undo.ts), or null */
  undo: CellUndo | null = null;
  /** @internal the log's segment the cell was last saved in, and for a write in (with its value's containers) */
  undoGen = 0;
  undoWrite = 0;
  /** @internal the cell's entry in the log in that segment */
  undoAt = 0;

  /** @internal use `machine.cell(...)` */
  constructor(
    readonly id: number,
    readonly name: string,
    value: T,
    /** -1 for a shared cell, else the cpu it is local to */
    readonly cpu: number,
  ) {
    this.v = value;
  }

  get shared(): boolean {
    return this.cpu < 0;
  }

  toString(): string {
    return this.name;
  }
}

/** @internal what saves a cell before it changes, while states may be restored (states/undo.ts) */
export interface CellUndo {
  readonly gen: number;
  /** `write`: the value may change (its containers are saved too). */
  save(c: Cell<unknown>, write: boolean): void;
}

/** @internal */
export function addWatcher(cell: Cell<unknown>, w: CellWatcher): void {
  if (cell.undo !== null && cell.undoGen !== cell.undo.gen) cell.undo.save(cell, false);
  if (cell.watchers === null) cell.watchers = [w];
  else if (!cell.watchers.includes(w)) cell.watchers.push(w);
}

/** @internal */
export function removeWatcher(cell: Cell<unknown>, w: CellWatcher): void {
  const ws = cell.watchers;
  if (ws === null) return;
  if (cell.undo !== null && cell.undoGen !== cell.undo.gen) cell.undo.save(cell, false);
  const i = ws.indexOf(w);
  if (i >= 0) ws.splice(i, 1);
  if (ws.length === 0) cell.watchers = null;
}

/** What a step may touch: cells it reads, cells it writes (a write implies a read). */
export interface Footprint {
  readonly reads?: readonly Cell<any>[];
  readonly writes?: readonly Cell<any>[];
}
