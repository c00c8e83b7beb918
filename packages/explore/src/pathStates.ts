/**
 * The states met on one execution path, as vectors of numbers (cycle keys,
 * @kprim/machine/internal's `CycleKeys`), each with the step it was first
 * met at: the machine's exact vector table, whose entries go in path order
 * and come out last first — going back to an earlier step of the path (a
 * restored branch point) forgets the states met after it.
 *
 * Invariants: entry i of the table is the i-th distinct state of the path;
 * `steps[i]` is the step it was first met at. Nothing here depends on
 * anything but the vectors added.
 */
import { VectorTable } from "@kprim/machine/internal";

export class PathStates {
  private readonly table = new VectorTable();
  private steps: Int32Array = new Int32Array(256);

  /** Entries stored. */
  get size(): number {
    return this.table.size;
  }

  /** The step `v[0..n)` was first met at, or −1 after adding it as met at `step`. */
  visit(v: Int32Array, n: number, step: number): number {
    const before = this.table.size;
    const e = this.table.id(v, n);
    if (e < before) return this.steps[e]!;
    if (e === this.steps.length) {
      const b = new Int32Array(this.steps.length * 2);
      b.set(this.steps);
      this.steps = b;
    }
    this.steps[e] = step;
    return -1;
  }

  /** Forget the newest entries, down to `size` of them. */
  truncate(size: number): void {
    this.table.truncate(size);
  }

  clear(): void {
    this.table.clear();
  }
}
