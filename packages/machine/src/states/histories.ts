/**
 * Interned thread histories for stateful search. A thread body is a
 * deterministic function of the values the machine resumed it with, so a
 * thread is keyed by that sequence — interned here as a small number, in a
 * table the whole search shares (one per search: numbers compare across its
 * executions).
 */

import { KeyTables } from "./intern.js";

/** Interned thread histories: (history, next resume value) → history. Share one table per search. */
export class Histories {
  private readonly ids = new Map<string, number>();
  /** @internal the search's interned state parts (states as vectors of numbers; intern.ts) */
  readonly tables = new KeyTables();
  /** Distinct histories so far (the empty one is 0). */
  get size(): number {
    return this.ids.size + 1;
  }
  /** The history after `h` followed by a value whose key is `value`. */
  extend(h: number, value: string): number {
    const k = `${h}|${value}`;
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(k, id);
    }
    return id;
  }
}
