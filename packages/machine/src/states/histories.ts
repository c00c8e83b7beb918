/**
 * Interned thread histories for stateful search. A thread body is a
 * deterministic function of the values the machine resumed it with, so a
 * thread is keyed by that sequence — interned here as a small number, in a
 * table the whole search shares (one per search: numbers compare across its
 * executions).
 */

import { KeyTables, StringTable, VectorTable } from "./intern.js";

/** How a history grows (`Histories.grow`). */
export const RESUMED = 0;
export const RESUMED_LOCALS = 1;
export const RETURNED = 2;
export const SETTLED = 3;
const BY_STRING = 4;

/** Interned thread histories: (history, next resume value) → history. Share one table per search. */
export class Histories {
  /** (history, how it grows, one or two key numbers) → history − 1. */
  private readonly steps = new VectorTable();
  private readonly strings = new StringTable();
  private readonly buf = new Int32Array(4);
  /** @internal the search's interned state parts (states as vectors of numbers; intern.ts) */
  readonly tables = new KeyTables();
  /** Distinct histories so far (the empty one is 0). */
  get size(): number {
    return this.steps.size + 1;
  }
  /** The history after `h` followed by a value whose key is `value`. */
  extend(h: number, value: string): number {
    return this.grow(h, BY_STRING, this.strings.id(value), 0);
  }
  /**
   * @internal the history after `h` grown by `kind` (`RESUMED`: a value,
   * `RESUMED_LOCALS`: a value and thread-locals, `RETURNED`: a call's
   * value, `SETTLED`: a label) with key numbers `a` and `b` from `tables`
   */
  grow(h: number, kind: number, a: number, b: number): number {
    const buf = this.buf;
    buf[0] = h;
    buf[1] = kind;
    buf[2] = a;
    buf[3] = b;
    return this.steps.id(buf, 4) + 1;
  }
}
