/**
 * The states met on one execution path, as vectors of numbers (cycle keys,
 * @kprim/machine/internal's `CycleKeys`), each with the step it was first
 * met at: a hash table compared exactly, whose entries go in path order and
 * come out last first — going back to an earlier step of the path (a
 * restored branch point) forgets the states met after it.
 *
 * Invariants: entries are numbered in the order they were added; each
 * bucket's chain runs from its newest entry to its oldest, so the newest
 * entry of the table is always the head of its chain (popping it is O(1)).
 * Nothing here depends on anything but the vectors added.
 */
export class PathStates {
  private pool: Int32Array = new Int32Array(4096);
  private top = 0;
  /** Per entry: where its vector starts in the pool, its length, its hash, its step, the next entry of its chain. */
  private start: Int32Array = new Int32Array(256);
  private len: Int32Array = new Int32Array(256);
  private hashes: Int32Array = new Int32Array(256);
  private steps: Int32Array = new Int32Array(256);
  private next: Int32Array = new Int32Array(256);
  private heads: Int32Array = new Int32Array(256).fill(-1);
  /** Entries stored. */
  size = 0;

  /** The step `v[0..n)` was first met at, or −1 after adding it as met at `step`. */
  visit(v: Int32Array, n: number, step: number): number {
    const h = hashOf(v, n);
    const heads = this.heads;
    for (let e = heads[h & (heads.length - 1)]!; e >= 0; e = this.next[e]!) {
      if (this.hashes[e] === h && this.len[e] === n && this.same(e, v, n)) return this.steps[e]!;
    }
    const e = this.size;
    if (e === this.start.length) this.grow();
    if (this.top + n > this.pool.length) this.growPool(n);
    this.pool.set(n === v.length ? v : v.subarray(0, n), this.top);
    this.start[e] = this.top;
    this.len[e] = n;
    this.hashes[e] = h;
    this.steps[e] = step;
    this.top += n;
    this.size = e + 1;
    if (this.size > this.heads.length) this.rehash();
    else {
      const b = h & (this.heads.length - 1);
      this.next[e] = this.heads[b]!;
      this.heads[b] = e;
    }
    return -1;
  }

  /** Forget the newest entries, down to `size` of them. */
  truncate(size: number): void {
    const heads = this.heads;
    const mask = heads.length - 1;
    while (this.size > size) {
      const e = --this.size;
      heads[this.hashes[e]! & mask] = this.next[e]!;
      this.top = this.start[e]!;
    }
  }

  clear(): void {
    this.truncate(0);
  }

  private same(e: number, v: Int32Array, n: number): boolean {
    const p = this.pool;
    const at = this.start[e]!;
    for (let i = 0; i < n; i++) if (p[at + i] !== v[i]) return false;
    return true;
  }

  private grow(): void {
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.start = grow(this.start);
    this.len = grow(this.len);
    this.hashes = grow(this.hashes);
    this.steps = grow(this.steps);
    this.next = grow(this.next);
  }

  private growPool(n: number): void {
    let size = this.pool.length * 2;
    while (size < this.top + n) size *= 2;
    const b = new Int32Array(size);
    b.set(this.pool.subarray(0, this.top));
    this.pool = b;
  }

  /** Twice the buckets; chains rebuilt oldest first, so each still runs newest to oldest. */
  private rehash(): void {
    const heads = new Int32Array(this.heads.length * 2).fill(-1);
    const mask = heads.length - 1;
    for (let e = 0; e < this.size; e++) {
      const b = this.hashes[e]! & mask;
      this.next[e] = heads[b]!;
      heads[b] = e;
    }
    this.heads = heads;
  }
}

/** A 32-bit hash of `v[0..n)` (multiply-xor per word, murmur3's finaliser). */
function hashOf(v: Int32Array, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ v[i]!, 0x9e3779b1);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
