/**
 * A long vector of numbers interned in chunks, for a state vector's part
 * that is long and changes a few places at a time (vector.ts: the set-up
 * cells, a hundred or more, of which a step writes a few): each chunk of
 * CHUNK numbers is interned on its own, and the vector is the vector of its
 * chunks' numbers. A change re-interns its chunk and the short vector of
 * chunk numbers, not the whole vector.
 *
 * Exact: two vectors of one length have equal chunk numbers exactly when
 * they are equal, so the number of the chunks' vector is equal exactly
 * when the vectors are (vectors of different lengths differ in how many
 * chunks they have, or in the length of the last one).
 *
 * Calling context: a state vector's writer (vector.ts), with one table for
 * the life of the group (the numbers it keeps are that table's).
 */
import type { VectorTable } from "./intern.js";

const SHIFT = 4;
/** Numbers per chunk. */
export const CHUNK = 1 << SHIFT;

export class ChunkedGroup {
  /** The numbers, by position (as set; a chunk marked changed is interned again by `id`). */
  private nums = new Int32Array(0);
  private n = -1;
  /** Each chunk's number (-1: not interned yet), and whether it changed since. */
  private chunkIds = new Int32Array(0);
  private changed = new Uint8Array(0);
  /** Some chunk changed since the group's number was last taken. */
  private any = true;
  /** The number of the chunks' vector, when taken last. */
  private top = -1;
  private readonly buf = new Int32Array(CHUNK);

  /** The number of `v[0..n)`, written whole (chunks the same as at the last call are not interned again). */
  whole(v: Int32Array, n: number, t: VectorTable): number {
    if (n !== this.n) this.resize(n);
    const nums = this.nums;
    for (let c = 0, from = 0; from < n; c++, from += CHUNK) {
      const to = Math.min(n, from + CHUNK);
      for (let i = from; i < to; i++) {
        if (nums[i] !== v[i]) {
          for (let j = i; j < to; j++) nums[j] = v[j]!;
          this.changed[c] = 1;
          this.any = true;
          break;
        }
      }
    }
    return this.id(t);
  }

  /** Position `i` now holds `x` (`id` then interns its chunk again if that changed it). */
  set(i: number, x: number): void {
    if (this.nums[i] === x) return;
    this.nums[i] = x;
    this.changed[i >> SHIFT] = 1;
    this.any = true;
  }

  /** The vector's number as it stands. */
  id(t: VectorTable): number {
    if (!this.any) return this.top;
    const { nums, buf, chunkIds, changed, n } = this;
    for (let c = 0; c < chunkIds.length; c++) {
      if (changed[c] === 0) continue;
      changed[c] = 0;
      const from = c << SHIFT;
      const len = Math.min(n - from, CHUNK);
      for (let i = 0; i < len; i++) buf[i] = nums[from + i]!;
      chunkIds[c] = t.id(buf, len);
    }
    this.any = false;
    this.top = t.id(chunkIds, chunkIds.length);
    return this.top;
  }

  private resize(n: number): void {
    const k = (n + CHUNK - 1) >> SHIFT;
    this.n = n;
    this.nums = new Int32Array(n);
    this.chunkIds = new Int32Array(k).fill(-1);
    this.changed = new Uint8Array(k).fill(1);
    this.any = true;
  }
}
