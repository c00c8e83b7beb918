/**
 * States as vectors of numbers, for stateful search's store: the parts of a
 * fingerprint (fingerprint.ts) — the set-up cells, the cells made during the
 * run, each cpu with its cells, each thread, the extensions, each detector —
 * each written as its key's number in the search's tables (intern.ts; a cpu
 * with its cells and the set-up cells as a whole as the number of their
 * vector). Two states have equal vectors exactly when their fingerprints
 * are equal.
 *
 * A key that cannot have changed is not written again: a cell's is cached
 * until the cell is written (and its number kept while it is the same
 * string), a group's number while its numbers are the same, a cpu's while
 * its change stamp (`Cpu.ver`: moved by a step on the cpu, an IPI queued to
 * it, a watch of it fired, a restore that rewrote it) is the same, a
 * thread's while its cpu's stamp and its own (`Thread.ver`: its
 * thread-locals looked up or restored) are — so a state costs what its step
 * changed, not a look at every cpu and thread — or else while every field
 * it is written from is the same (thread-locals compared field by field
 * when they are plain objects of primitives and frozen leaves; a thread
 * whose locals are anything else is written every time: they may change
 * in place unstamped), and a quiet cpu's — nothing queued, owed, pending
 * or watched — is a function of its current thread. The extensions' and
 * detectors' parts are kept while their own change stamps are (stamps.ts).
 *
 * Calling context: the state tracker (tracker.ts), between steps.
 */
import type { Cell } from "../cell.js";
import type { Cpu, IpiMessage } from "../cpu.js";
import type { Thread } from "../thread.js";
import { type CpuNumbering, pushCpuFields, pushThreadFields, stateNumber, writeCpu, writeThread } from "./fields.js";
import { Canon, type FingerprintInput, inverse, type Renaming } from "./fingerprint.js";
import { ChunkedGroup } from "./chunks.js";
import { type KeyTables, VectorBuffer } from "./intern.js";
import { StampedParts } from "./stamps.js";
import { flatLocals, LOCALS_KEPT, plainResume, sameLocals, ThreadMemo } from "./threadKey.js";
import type { UndoLog } from "./undo.js";

/** A `Canon` that also writes states as vectors of interned numbers (see the module comment). */
export class VectorCanon extends Canon implements CpuNumbering {
  /**
   * State vectors: what each thread's key was written from, and its number
   * (no renaming) — its last few keys (`THREADS_KEPT`), newest first: a
   * thread goes back and forth between a few (a restore puts back an
   * earlier one, sibling branches of a search meet the same ones).
   */
  private readonly threadMemos: (ThreadMemo[] | undefined)[] = [];
  /** State vectors: the number of a quiet cpu's key, by its current thread's id + 1 (see `quiet`). */
  private readonly quietIds: number[] = [];
  /** State vectors: a part's numbers, before the part is interned. */
  private readonly part = new VectorBuffer();
  /**
   * State vectors: each cell's key when last interned, or its value when
   * that is a primitive (`cellPrim` 1: interned by value, no key written),
   * and its number (by cell id).
   */
  private readonly cellKeys: unknown[] = [];
  private readonly cellPrim: number[] = [];
  private readonly cellIds: number[] = [];
  /**
   * State vectors: each group's (0: the cells made during the run, 1 + p:
   * cpu p with its cells) last few vectors of numbers (`GROUPS_KEPT`), the
   * one in the last state vector first, and their numbers.
   */
  private readonly groupParts: Int32Array[][] = [];
  private readonly groupIds: number[][] = [];
  /** State vectors: the numbers of the cells made during the run (scratch), and each one's last (by cell id). */
  private readonly late: number[] = [];
  private readonly lateMemo: ({ cell: Cell<unknown>; key: string; id: number } | undefined)[] = [];
  /** State vectors: each thread's locals as lately keyed (see `flatLocals`) and their keys, newest first (a few). */
  private readonly localsMemo: ({ flat: unknown[]; key: string }[] | undefined)[] = [];
  /** The same for the locals as histories write them (`historyLocals`). */
  private readonly historyMemo: ({ flat: unknown[]; key: string }[] | undefined)[] = [];
  /**
   * State vectors, the set-up cells not local to a cpu: their numbers, in
   * chunks (chunks.ts), updated from the undo log's changed cells when it
   * has them and they were last written with no renaming (`setupKept`),
   * else written whole; each cell's position there (by id; -1: not one of
   * them).
   */
  private readonly setup = new ChunkedGroup();
  private setupKept = false;
  /** State vectors: the extensions' and the detectors' parts (kept while their change stamps are the same). */
  private readonly parts = new StampedParts();
  private readonly valueKey = (v: unknown): string => this.value(v);
  private setupPos: Int32Array = new Int32Array(0);
  /** The cells those were written for (a restore may have made the record's cells again). */
  private setupCount = -1;

  /**
   * The state as a vector of numbers (into `out`): the same parts `write`
   * joins into a string — the set-up cells, the cells made during the run,
   * each cpu with its cells, each thread, the extensions, each detector —
   * each written as its key's number in `tables` (a cpu with its cells and
   * the set-up cells as a whole as the number of their vector). Two states
   * have equal vectors exactly when their fingerprints are equal. Keys that
   * have not changed are not written again: cells keep theirs until written,
   * a thread's is kept while the fields it is written from are the same, a
   * quiet cpu's (nothing queued, owed or watched) depends on its current
   * thread alone.
   */
  stateVector(m: FingerprintInput, tables: KeyTables, out: VectorBuffer, undo: UndoLog | null = null): void {
    this.indexCells(m.cells, m.cpus.length);
    const ren = m.symmetric.length > 1 ? this.canonicalRenaming(m) : null;
    this.ren = ren;
    try {
      this.writeVector(m, ren, tables, out, ren === null && undo !== null ? undo.dirty : null);
    } finally {
      this.ren = null;
      undo?.tick();
    }
  }

  private writeVector(
    m: FingerprintInput,
    ren: Renaming | null,
    t: KeyTables,
    out: VectorBuffer,
    dirty: readonly Cell<unknown>[] | null,
  ): void {
    const n = m.cpus.length;
    const inv = ren === null ? null : inverse(ren, n, m.threads.length);
    const part = this.part;
    const late = this.late;
    while (late.length !== 0) late.pop();
    out.reset();
    if (dirty !== null && this.setupKept && this.setupCount === this.runCellsFrom) {
      // The set-up cells as last written, but for those changed since (the undo log's).
      this.updateSetup(m.cells, dirty, t);
      for (let i = this.runCellsFrom; i < m.cells.length; i++) {
        const c = m.cells[i]!;
        if (c.cpu < 0) late.push(this.lateId(c, t));
      }
      out.push(this.setup.id(t.vectors));
    } else {
      part.reset();
      for (const c of m.cells) {
        if (c.cpu >= 0) continue; // with its cpu, below
        if (c.id >= this.runCellsFrom) late.push(this.lateId(c, t));
        else part.push(this.cellId(c, t));
      }
      out.push(this.setup.whole(part.v, part.n, t.vectors));
      if (ren === null) this.keepSetup(m.cells);
      else this.setupKept = false;
    }
    if (late.length === 0) out.push(-1);
    else {
      // Cells made during the run, in no particular order (their ids differ between executions): as a sorted multiset.
      sortNumbers(late);
      part.reset();
      for (const x of late) part.push(x);
      out.push(this.groupId(0, t));
    }
    // Cpus none of whose cells changed since the last vector (from the undo log), when it can tell.
    const clean = dirty !== null && ren === null && this.stamp === this.byCpuStamp ? this.cleanCpus(dirty, n) : null;
    this.stamp = ren === null ? this.byCpuStamp : -1;
    for (let p = 0; p < n; p++) {
      const src = inv === null ? p : inv.cpu[p]!;
      const cpu = m.cpus[src]!;
      const key = ren !== null ? t.strings.id(writeCpu(cpu, this, inv?.cpu ?? null)) : this.cpuId(cpu, p, t);
      if (clean !== null && clean[p] === 1) {
        // Its cells as last written: the group's number is the last one while its own key is the same.
        const last = this.groupParts[1 + p]?.[0];
        if (last !== undefined && last[0] === key) {
          out.push(this.groupIds[1 + p]![0]!);
          continue;
        }
      }
      part.reset();
      part.push(key);
      for (const c of this.byCpu[src]!) part.push(this.cellId(c, t));
      out.push(this.groupId(1 + p, t));
    }
    for (let i = 0; i < m.threads.length; i++) {
      const th = m.threads[inv === null ? i : inv.thread[i]!]!;
      out.push(ren === null ? this.threadId(th, m.cpus[th.cpu]!.ver, t) : t.strings.id(writeThread(th, this)));
    }
    out.push(m.extensions.size === 0 ? -1 : this.parts.extensionsId(m.extensions, ren, t, this.valueKey));
    for (let i = 0; i < m.detectors.length; i++) out.push(this.parts.detectorId(i, m.detectors[i]!, ren, t));
  }

  /**
   * Per cpu, 1 when every cell of the cpu was made at set-up (the undo log
   * covers those from the start) and none is among the cells changed since
   * the last vector (`dirty`).
   */
  private cleanCpus(dirty: readonly Cell<unknown>[], n: number): Uint8Array {
    let c = this.clean;
    if (c.length !== n || this.cleanStamp !== this.byCpuStamp) {
      if (c.length !== n) c = this.clean = new Uint8Array(n);
      const setup = (this.setupOnly = new Uint8Array(n));
      for (let p = 0; p < n; p++) setup[p] = this.byCpu[p]!.every((x) => x.id < this.runCellsFrom) ? 1 : 0;
      this.cleanStamp = this.byCpuStamp;
    }
    c.set(this.setupOnly);
    for (const x of dirty) if (x.cpu >= 0 && x.cpu < n) c[x.cpu] = 0;
    return c;
  }

  /** `cleanCpus`' scratch, which cpus have set-up cells only, and the indexing of the cells that was for. */
  private clean = new Uint8Array(0);
  private setupOnly = new Uint8Array(0);
  private cleanStamp = -1;
  /** The indexing of the cells (`byCpuStamp`) the last vector was written with (-1: with a renaming). */
  private stamp = -1;

  /** The set-up group as just written whole (`setup`): kept, to be updated from changed cells. */
  private keepSetup(cells: readonly Cell<unknown>[]): void {
    const from = this.runCellsFrom;
    // Cells are numbered by their place in the record; anything else is written whole every time.
    for (let i = 0; i < from; i++) {
      if (cells[i]?.id !== i) {
        this.setupKept = false;
        return;
      }
    }
    if (this.setupPos.length !== from) this.setupPos = new Int32Array(from);
    let p = 0;
    for (let i = 0; i < from; i++) this.setupPos[i] = cells[i]!.cpu >= 0 ? -1 : p++;
    this.setupKept = true;
    this.setupCount = from;
  }

  /** The set-up group's changed cells written again (its number is then `setup.id`). */
  private updateSetup(cells: readonly Cell<unknown>[], dirty: readonly Cell<unknown>[], t: KeyTables): void {
    const pos = this.setupPos;
    for (const c of dirty) {
      const i = c.id;
      // A cell made during the run, local to a cpu, or no longer the record's (dropped by a restore).
      if (i >= pos.length || pos[i]! < 0 || cells[i] !== c) continue;
      this.setup.set(pos[i]!, this.cellId(c, t));
    }
  }

  /** A cell made during the run: the number of its name (`cell`) and value, kept while the cell keeps its value key (no renaming). */
  private lateId(c: Cell<unknown>, t: KeyTables): number {
    const memo = this.lateMemo[c.id];
    if (this.ren === null && memo !== undefined && memo.cell === c && c.key !== null && memo.key === c.key)
      return memo.id;
    const id = t.strings.id(`${this.cell(c)}=${this.cellValue(c)}`);
    if (this.ren === null) this.lateMemo[c.id] = { cell: c, key: c.key!, id };
    return id;
  }

  /**
   * A cell's key number: with no renaming, a primitive value's by value
   * (`valueId`: no key written), kept while the value is the same; else the
   * key compared with the one last interned for the cell (the same string,
   * mostly).
   */
  private cellId(c: Cell<unknown>, t: KeyTables): number {
    const v = c.v;
    if (this.ren === null && (v === null || (typeof v !== "object" && typeof v !== "function"))) {
      if (this.cellPrim[c.id] === 1 && Object.is(this.cellKeys[c.id], v)) return this.cellIds[c.id]!;
      const id = this.valueId(v, t);
      this.cellKeys[c.id] = v;
      this.cellPrim[c.id] = 1;
      this.cellIds[c.id] = id;
      return id;
    }
    const k = this.cellValue(c);
    if (this.cellPrim[c.id] === 0 && this.cellKeys[c.id] === k) return this.cellIds[c.id]!;
    const id = t.strings.id(k);
    this.cellKeys[c.id] = k;
    this.cellPrim[c.id] = 0;
    this.cellIds[c.id] = id;
    return id;
  }

  /**
   * The number of the group in `part` (slot: which group): one of its last
   * few when its numbers are the same as one of those (compared here, no
   * look-up in the search's large table), else interned. The one returned
   * goes first.
   */
  private groupId(slot: number, t: KeyTables): number {
    const part = this.part;
    const parts = (this.groupParts[slot] ??= []);
    const ids = (this.groupIds[slot] ??= []);
    for (let k = 0; k < parts.length; k++) {
      const last = parts[k]!;
      if (last.length !== part.n) continue;
      let same = true;
      for (let i = 0; i < part.n; i++) {
        if (last[i] !== part.v[i]) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      const id = ids[k]!;
      if (k !== 0) {
        toFront(parts, k, last);
        toFront(ids, k, id);
      }
      return id;
    }
    const id = t.vectors.id(part.v, part.n);
    if (parts.length === GROUPS_KEPT) {
      parts.pop();
      ids.pop();
    }
    parts.unshift(part.v.slice(0, part.n));
    ids.unshift(id);
    return id;
  }

  /**
   * A thread's locals key, written again only when a local or a field of
   * one changed (see `flatLocals`); with no renaming (the tracker keys them
   * at every resumption and suspension too).
   */
  override locals(th: Thread): string {
    if (this.ren !== null) return super.locals(th);
    return this.memoLocals(th, this.localsMemo, () => super.locals(th));
  }

  /** A thread's locals as its history records them (fingerprint.ts), kept as `locals` keeps its key. */
  override historyLocals(th: Thread): string {
    return this.memoLocals(th, this.historyMemo, () => super.historyLocals(th));
  }

  private memoLocals(
    th: Thread,
    memos: ({ flat: unknown[]; key: string }[] | undefined)[],
    write: () => string,
  ): string {
    const map = th.localsMap();
    // A thread's locals go back and forth between a few contents (asleep on X, queued, woken): the last few kept.
    let memo = memos[th.id];
    if (memo !== undefined) {
      for (let i = 0; i < memo.length; i++) {
        const m = memo[i]!;
        if (!sameLocals(m.flat, map)) continue;
        if (i !== 0) {
          memo.splice(i, 1);
          memo.unshift(m);
        }
        return m.key;
      }
    }
    const key = write();
    const flat = flatLocals(map);
    if (flat === null) memos[th.id] = undefined;
    else {
      memo ??= memos[th.id] = [];
      if (memo.length === LOCALS_KEPT) memo.pop();
      memo.unshift({ flat, key });
    }
    return key;
  }

  /**
   * A cpu's key number with no renaming: the one last written for it while
   * its change stamp (`Cpu.ver`) is the same, else written again.
   */
  private cpuId(cpu: Cpu, p: number, t: KeyTables): number {
    if (this.cpuVers[p] === cpu.ver) return this.cpuKeys[p]!;
    const key = quiet(cpu) ? this.quietId(cpu, t) : this.cpuVector(cpu, t);
    this.cpuVers[p] = cpu.ver;
    this.cpuKeys[p] = key;
    return key;
  }

  /** Each cpu's change stamp when its key was last written, and the key's number (by position, no renaming). */
  private readonly cpuVers: number[] = [];
  private readonly cpuKeys: number[] = [];

  /** A quiet cpu's key number: its line depends on its current thread alone (and the number of cpus). */
  private quietId(cpu: Cpu, t: KeyTables): number {
    const at = cpu.current === null ? 0 : cpu.current.id + 1;
    let id = this.quietIds[at];
    if (id === undefined) {
      id = this.cpuVector(cpu, t);
      this.quietIds[at] = id;
    }
    return id;
  }

  /**
   * A cpu's key number with no renaming: `writeCpu`'s fields as a vector of
   * numbers (`pushCpuFields`) — threads by id, a queued message as the
   * number of its key, a watched cell as the number of its reference.
   */
  private cpuVector(c: Cpu, t: KeyTables): number {
    const b = this.cbuf;
    b.reset();
    this.tables = t;
    pushCpuFields(c, this, b);
    return t.vectors.id(b.v, b.n);
  }

  /** The tables `cpuVector` numbers in (for `messageNumber`, `cellNumber`). */
  private tables: KeyTables | null = null;

  /** A queued message's key number (kept per message: its fields never change). */
  messageNumber(m: IpiMessage): number {
    let id = this.messageIds.get(m);
    if (id === undefined) {
      id = this.tables!.strings.id(this.message(m));
      this.messageIds.set(m, id);
    }
    return id;
  }

  /** A watched cell's reference number. */
  cellNumber(c: Cell<unknown>): number {
    return this.tables!.strings.id(this.cell(c));
  }

  private readonly cbuf = new VectorBuffer();
  /** Each queued message's key number (a message never changes; under no renaming). */
  private readonly messageIds = new WeakMap<IpiMessage, number>();

  /**
   * A thread's key number with no renaming: `writeThread`'s fields as a
   * vector of numbers — its state, history, counts, preemptor, spin and
   * drain state as they are, its wait, resume value and thread-locals
   * (`loc`, their key) as the numbers of their keys (the thread's own
   * number is its place in the state vector).
   */
  private threadVector(th: Thread, t: KeyTables, loc: string): number {
    const b = this.tbuf;
    b.reset();
    b.push(stateNumber(th.state));
    b.push(th.hist);
    pushThreadFields(th, b);
    const w = th.wait;
    b.push(w === null ? -1 : t.strings.id(this.wait(w)));
    b.push(this.valueId(th.resumeValue, t));
    b.push(t.strings.id(loc));
    return t.vectors.id(b.v, b.n);
  }

  private readonly tbuf = new VectorBuffer();

  /** The number of a value's key (no renaming); a plain primitive's kept by value. */
  valueId(v: unknown, t: KeyTables): number {
    const type = typeof v;
    if ((type === "object" && v !== null) || type === "function" || type === "symbol" || type === "bigint") {
      return t.strings.id(this.value(v));
    }
    if (Object.is(v, -0)) return t.strings.id(this.value(v));
    let id = t.primitives.get(v);
    if (id === undefined) {
      id = t.strings.id(this.value(v));
      t.primitives.set(v, id);
    }
    return id;
  }

  /**
   * A thread's key number (no renaming): the last one while its change
   * stamps — its cpu's (`cpuVer`), its thread-locals' — are the ones it was
   * written at, and its locals were plain values then (see `flatLocals`:
   * anything else may change in place unstamped); else written again when a
   * field it is written from changed.
   */
  private threadId(th: Thread, cpuVer: number, t: KeyTables): number {
    const memos = this.threadMemos[th.id];
    // Only the newest memo's stamps are trusted: an older one is compared field by field before it serves again.
    const newest = memos?.[0];
    if (newest !== undefined && newest.stamped(th, cpuVer)) return newest.id;
    const locals = th.hasLocals();
    const loc = locals ? this.locals(th) : "";
    // After `locals`: a thread's locals memo is kept only while they are plain values.
    const flat = !locals || this.localsMemo[th.id] !== undefined;
    if (memos !== undefined) {
      for (let k = 0; k < memos.length; k++) {
        const memo = memos[k]!;
        if (!memo.holds(th, loc)) continue;
        if (k !== 0) toFront(memos, k, memo);
        memo.stamp(th, cpuVer, flat);
        return memo.id;
      }
    }
    const id = this.threadVector(th, t, loc);
    // A resume value that is an object may change in place: such a thread is written every time.
    if (plainResume(th)) {
      const list = (this.threadMemos[th.id] ??= []);
      // The oldest memo's object serves again.
      const m = list.length === THREADS_KEPT ? list.pop()! : new ThreadMemo();
      m.keep(th, loc, id);
      m.stamp(th, cpuVer, flat);
      list.unshift(m);
    } else if (newest !== undefined) newest.unstamp();
    return id;
  }
}

/** Thread keys kept per thread (`threadMemos`): 8 met 98% of the thread keys written again in a stateful search of lost wakeup (N=4), 4 met 75%. */
const THREADS_KEPT = 8;
/** Vectors kept per group (`groupParts`): 4 met 98% of the groups interned again there. */
const GROUPS_KEPT = 4;

/** Move `a[k]` (`x`) to the front, the ones before it one place on. */
function toFront<T>(a: T[], k: number, x: T): void {
  for (let i = k; i > 0; i--) a[i] = a[i - 1]!;
  a[0] = x;
}

/** Sort in place, ascending (insertion sort: the lists are short, and `sort` with a comparator allocates). */
function sortNumbers(a: number[]): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

/**
 * Nothing queued, owed, pending or watched on the cpu: its line (`writeCpu`)
 * is then a function of its current thread and the number of cpus.
 */
function quiet(c: Cpu): boolean {
  if (
    c.runqMask !== 0 ||
    c.inbox !== 0 ||
    c.intrOwed ||
    c.intrLevel !== 0 ||
    c.timed.length !== 0 ||
    c.dispatchWaiting ||
    c.dispatchReady ||
    c.dispatchCells.length !== 0 ||
    c.ipiWatchers.length !== 0
  ) {
    return false;
  }
  for (let s = 0; s < c.owed.length; s++) if (c.owed[s] !== 0) return false;
  return true;
}
