/**
 * Exact interning for stateful search: strings and vectors of small numbers
 * made into small numbers, in tables one search shares (numbers compare
 * across its executions and machines).
 *
 * A state is stored as the vector of its parts' numbers (states/
 * fingerprint.ts: the set-up cells, each cpu with its cells, each thread,
 * the extensions, each detector) — SPIN's "collapse" compression: each
 * part's key is written and interned once per distinct value, and a stored
 * state costs a few numbers. Equality is exact (a hit compares the whole
 * vector), so no two different states are ever taken for one; the hash only
 * picks the slot.
 *
 * Invariants: ids are dense from 0 in first-seen order; nothing is ever
 * removed; a table is deterministic (insertion order decides every id).
 */

/** Strings as dense numbers (first seen, first numbered). */
export class StringTable {
  private readonly ids = new Map<string, number>();

  /** The number of `s` (a new one if unseen). */
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.ids.size;
      this.ids.set(s, i);
    }
    return i;
  }

  get size(): number {
    return this.ids.size;
  }
}

const EMPTY = -1;

/**
 * Vectors of 32-bit integers as dense numbers, compared exactly (open
 * addressing over a flat pool). A slot holds its entry's hash beside the
 * entry's number, and an entry's start and length sit side by side, so a
 * probe reads the slot alone until the hashes match, and a match reads one
 * more place before the vector itself (the store of a large search is far
 * bigger than the caches: each read elsewhere is a miss).
 */
export class VectorTable {
  private pool: Int32Array = new Int32Array(1 << 12);
  private top = 0;
  /** Per entry e: where its vector starts in the pool (2e), its length (2e + 1). */
  private at: Int32Array = new Int32Array(512);
  /** Per entry: its hash (for rehashing and truncating). */
  private hashes: Int32Array = new Int32Array(256);
  private count = 0;
  /** Slot s: the entry number or EMPTY (2s), the entry's hash (2s + 1); at most half the slots full. */
  private slots: Int32Array = emptySlots(512);
  private mask = 511;

  /** Distinct vectors stored. */
  get size(): number {
    return this.count;
  }

  /** The number of `v[0..n)`: the stored one's, or a new one (then `size` grew by one). */
  id(v: Int32Array, n: number): number {
    const h = hashOf(v, n);
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const e = slots[2 * s]!;
      if (e === EMPTY) break;
      if (slots[2 * s + 1] === h && this.same(e, v, n)) return e;
      s = (s + 1) & mask;
    }
    const e = this.count++;
    if (e === this.hashes.length) this.growEntries();
    if (this.top + n > this.pool.length) this.growPool(n);
    this.pool.set(n === v.length ? v : v.subarray(0, n), this.top);
    this.at[2 * e] = this.top;
    this.at[2 * e + 1] = n;
    this.hashes[e] = h;
    this.top += n;
    slots[2 * s] = e;
    slots[2 * s + 1] = h;
    if (this.count * 2 > this.mask + 1) this.rehash();
    return e;
  }

  /**
   * Forget the newest vectors, down to `size` of them (their numbers will be
   * given again). Safe newest first: an older entry's probe never ran over a
   * slot filled after it (and `rehash` re-inserts in entry order).
   */
  truncate(size: number): void {
    const slots = this.slots;
    const mask = this.mask;
    while (this.count > size) {
      const e = --this.count;
      let s = this.hashes[e]! & mask;
      while (slots[2 * s] !== e) s = (s + 1) & mask;
      slots[2 * s] = EMPTY;
      this.top = this.at[2 * e]!;
    }
  }

  /** Forget every vector. */
  clear(): void {
    if (this.count === 0) return;
    this.slots.fill(EMPTY);
    this.count = 0;
    this.top = 0;
  }

  private same(e: number, v: Int32Array, n: number): boolean {
    if (this.at[2 * e + 1] !== n) return false;
    const p = this.pool;
    const at = this.at[2 * e]!;
    for (let i = 0; i < n; i++) if (p[at + i] !== v[i]) return false;
    return true;
  }

  private growEntries(): void {
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.at = grow(this.at);
    this.hashes = grow(this.hashes);
  }

  private growPool(n: number): void {
    let size = this.pool.length * 2;
    while (size < this.top + n) size *= 2;
    const b = new Int32Array(size);
    b.set(this.pool.subarray(0, this.top));
    this.pool = b;
  }

  private rehash(): void {
    const count = (this.mask + 1) * 2;
    const slots = emptySlots(count);
    const mask = count - 1;
    for (let e = 0; e < this.count; e++) {
      const h = this.hashes[e]!;
      let s = h & mask;
      while (slots[2 * s] !== EMPTY) s = (s + 1) & mask;
      slots[2 * s] = e;
      slots[2 * s + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** `count` empty slots (two numbers each: see `VectorTable.slots`). */
function emptySlots(count: number): Int32Array {
  return new Int32Array(2 * count).fill(EMPTY);
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

/** A growable vector of numbers, written from the start for each key (reused). */
export class VectorBuffer {
  v: Int32Array = new Int32Array(64);
  n = 0;

  reset(): void {
    this.n = 0;
  }

  push(x: number): void {
    if (this.n === this.v.length) {
      const b = new Int32Array(this.v.length * 2);
      b.set(this.v);
      this.v = b;
    }
    this.v[this.n++] = x;
  }
}

/** The tables one stateful search shares: every part's key, and the vectors of parts (cells of a cpu, …). */
export class KeyTables {
  readonly strings = new StringTable();
  readonly vectors = new VectorTable();
  /** Primitive values (but -0, symbols and bigints) by value: the number of their key in `strings`. */
  readonly primitives = new Map<unknown, number>();
}
