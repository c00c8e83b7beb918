/**
 * The cells' undo log, for restored states (snapshot.ts): a cell is saved
 * the first time it is touched after a mark — its value, cost bookkeeping,
 * watchers, cached key, and the contents of the containers its value
 * reaches (written back into the same objects) — so going back to a mark
 * costs what changed since, not a pass over every cell. A snapshot is a
 * mark; restoring one pops the entries above it, newest first, so each
 * cell ends with what it held at the mark.
 *
 * Where the log is written: `access` (runtime/access.ts, every access but a
 * quiet one's value read changes at least the line bookkeeping) and
 * `addWatcher`/`removeWatcher` (cell.ts) — the only places a cell changes
 * once the run has started. Each looks at the cell's own `undo`/`undoGen`:
 * a machine that restores nothing pays one null test per access.
 *
 * Invariants: entries above a live mark are the first changes, per cell,
 * since that mark (or since a later one); `gen` is never reused, so a
 * cell saved in a segment that was undone is saved again; marks are live
 * while their position is below the top (a mark above the top was undone
 * past: restoring it is refused).
 *
 * Calling context: snapshot.ts, between steps (mark, undo); the access
 * path during steps (save).
 */
import type { Cell, CellUndo, CellWatcher } from "../cell.js";
import { Contents, type Saved } from "./contents.js";

/** A position in the log (see `UndoLog.mark`). */
export interface UndoMark {
  /** The segment the mark opened (never reused). */
  readonly gen: number;
  /** Entries below it. */
  readonly at: number;
}

/** Fields saved per entry, by number: lastWriter, sharers, writeTime, keyRefs. */
const NUMS = 4;

export class UndoLog implements CellUndo {
  /** The current segment: a cell whose `undoGen` is this one was saved since the last mark. */
  gen = 1;
  private top = 0;
  private readonly cells: Cell<unknown>[] = [];
  private readonly vals: unknown[] = [];
  private readonly keys: (string | null)[] = [];
  private readonly nums: number[] = [];
  private readonly watchers: (CellWatcher[] | null)[] = [];
  private readonly saved: (Saved | null)[] = [];
  /** Live marks, oldest first. */
  private readonly marks: UndoMark[] = [];
  /** Cells given this log so far (a prefix of `cells`, the record's). */
  private covered = 0;
  /**
   * Cells saved or put back since the state vector was last written
   * (vector.ts updates those alone; `tick` after each vector makes the next
   * change of any cell save it again, so none is missed). Null when too
   * many to be worth it: the vector is then written whole.
   */
  dirty: Cell<unknown>[] | null = [];

  constructor(
    private readonly all: Cell<unknown>[],
    /** What `Contents` leaves unwalked (the machine). */
    private readonly machine: object,
  ) {
    this.cover();
  }

  /** Entries in the log. */
  get size(): number {
    return this.top;
  }

  /**
   * Save `c` before its first change in this segment (the access path calls
   * it); `write`: its value may change, so the containers it reaches are
   * saved too (a read changes the line bookkeeping alone) — added to the
   * cell's entry when it was first saved for a read.
   */
  save(c: Cell<unknown>, write: boolean): void {
    const v = c.v;
    if (c.undoGen === this.gen) {
      // Saved in this segment for a read: its value's containers now.
      if (write && c.undoWrite !== this.gen) {
        c.undoWrite = this.gen;
        if (typeof v === "object" && v !== null) this.saved[c.undoAt] = Contents.of(v, this.machine);
      }
      return;
    }
    c.undoGen = this.gen;
    const i = this.top++;
    c.undoAt = i;
    this.cells[i] = c;
    this.vals[i] = v;
    this.keys[i] = c.key;
    const n = i * NUMS;
    const nums = this.nums;
    nums[n] = c.lastWriter;
    nums[n + 1] = c.sharers;
    nums[n + 2] = c.writeTime;
    nums[n + 3] = c.keyRefs ? 1 : 0;
    this.watchers[i] = c.watchers === null ? null : c.watchers.slice();
    if (write) c.undoWrite = this.gen;
    this.saved[i] = write && typeof v === "object" && v !== null ? Contents.of(v, this.machine) : null;
    this.touched(c);
  }

  private touched(c: Cell<unknown>): void {
    const d = this.dirty;
    if (d === null) return;
    if (d.length < 256) d.push(c);
    else this.dirty = null;
  }

  /** The state vector was written: changes from here on are new (see `dirty`). */
  tick(): void {
    this.gen++;
    const d = this.dirty;
    if (d === null) this.dirty = [];
    // By pop: setting an array's length is a slow builtin (a step changes a few cells).
    else while (d.length !== 0) d.pop();
  }

  /** A new segment: what changes from here on is saved, and `undo(mark)` comes back here. */
  mark(): UndoMark {
    this.cover();
    const m: UndoMark = { gen: ++this.gen, at: this.top };
    this.marks.push(m);
    return m;
  }

  /** Put every cell back as it was at `m`: false (nothing done) when `m` was undone past. */
  undo(m: UndoMark): boolean {
    const marks = this.marks;
    let i = marks.length - 1;
    while (i >= 0 && marks[i] !== m) i--;
    if (i < 0) return false;
    // By pop: setting an array's length is a slow builtin, even to the length it has.
    while (marks.length > i + 1) marks.pop();
    const nums = this.nums;
    for (let e = this.top - 1; e >= m.at; e--) {
      const c = this.cells[e]!;
      c.v = this.vals[e];
      c.key = this.keys[e]!;
      const n = e * NUMS;
      c.lastWriter = nums[n]!;
      c.sharers = nums[n + 1]!;
      c.writeTime = nums[n + 2]!;
      c.keyRefs = nums[n + 3] === 1;
      // The saved copy leaves the log here: the cell may have it.
      c.watchers = this.watchers[e]!;
      const s = this.saved[e]!;
      if (s !== null) Contents.apply(s.objs, s.data);
      this.touched(c);
      this.vals[e] = undefined;
      this.saved[e] = null;
    }
    this.top = m.at;
    // A fresh segment: cells saved above the mark are saved again when next changed.
    this.gen++;
    return true;
  }

  /** Cells made since the last look get this log (a cell made during the run, such as an IPI FIFO's). */
  private cover(): void {
    const all = this.all;
    for (let i = this.covered; i < all.length; i++) all[i]!.undo = this;
    this.covered = all.length;
  }

  /** The record's cells were cut back to `n` (a restore): cells made later get the log when made again. */
  cut(n: number): void {
    if (this.covered > n) this.covered = n;
  }
}
