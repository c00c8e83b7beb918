/**
 * An undo journal for a detector's own state, so that restoring a state of
 * a run (`Detector.snapshot`/`restore`) costs what changed since, not a
 * copy of every map at every snapshot: once a snapshot has been taken, each
 * change is logged with what it replaced; a snapshot is a mark in the log,
 * and restoring one undoes the changes above it, newest first.
 *
 * Invariants: entries above a live mark are every change since it, in
 * order; a mark stays live until a restore goes back past it (restoring it
 * then throws: the machine restores only states of the current path).
 * Nothing is logged before the first snapshot (a run that is never
 * restored pays a null test per change).
 *
 * Calling context: the detector's `onStep` (the changes), `snapshot` and
 * `restore` between steps.
 */

/** A position in the journal (see `Journal.mark`). */
export interface JournalMark {
  readonly at: number;
  /** The journal's version when the mark was taken (an undo to the mark puts it back). */
  readonly version: number;
}

const SET = 0;
const DELETE = 1;
const PUSH = 2;
const PUT = 3;
const ASSIGN = 4;

/** Stands for a map key that was absent. */
const ABSENT: unique symbol = Symbol("absent");

export class Journal {
  private on = false;
  /**
   * A change stamp for the contents: moves to a number never used before at
   * every change, and back to a mark's at an undo to it (the contents are
   * then as they were at the mark) — so one version is always one content,
   * and a key kept while the version is the same stays valid
   * (`Detector.stateStamp`).
   */
  version = 0;
  /** The last version given to a change (never goes back). */
  private clock = 0;
  private readonly kinds: number[] = [];
  private readonly targets: unknown[] = [];
  private readonly keys: unknown[] = [];
  private readonly olds: unknown[] = [];
  /** Entries in use (the arrays are not shortened: setting an array's length is slow). */
  private top = 0;
  private readonly marks: JournalMark[] = [];

  /** Whether changes are being logged (a snapshot has been taken). */
  get logging(): boolean {
    return this.on;
  }

  /** A snapshot: a new mark (logging starts at the first). */
  mark(): JournalMark {
    this.on = true;
    const m: JournalMark = { at: this.top, version: this.version };
    this.marks.push(m);
    return m;
  }

  /** Undo every change made since `m`; throws when a restore already went back past it. */
  undo(m: JournalMark): void {
    const marks = this.marks;
    let i = marks.length - 1;
    while (i >= 0 && marks[i] !== m) i--;
    if (i < 0) throw new Error("restore: a detector state the search already went back past");
    while (marks.length > i + 1) marks.pop();
    this.version = m.version;
    const { kinds, targets, keys, olds } = this;
    for (let e = this.top - 1; e >= m.at; e--) {
      const target = targets[e];
      const old = olds[e];
      const key = keys[e];
      // Let go of what the entry held.
      targets[e] = undefined;
      olds[e] = undefined;
      keys[e] = undefined;
      switch (kinds[e]) {
        case SET:
          if (old === ABSENT) (target as Map<unknown, unknown>).delete(key);
          else (target as Map<unknown, unknown>).set(key, old);
          break;
        case DELETE:
          (target as Map<unknown, unknown>).set(key, old);
          break;
        case PUSH:
          (target as unknown[]).pop();
          break;
        case PUT:
          (target as unknown[])[key as number] = old;
          break;
        default:
          // ASSIGN
          (target as Record<string, unknown>)[key as string] = old;
          break;
      }
    }
    this.top = m.at;
  }

  private log(kind: number, target: unknown, key: unknown, old: unknown): void {
    const e = this.top++;
    this.kinds[e] = kind;
    this.targets[e] = target;
    this.keys[e] = key;
    this.olds[e] = old;
  }

  /** `map.set(key, value)`, logged. */
  set<K, V>(map: Map<K, V>, key: K, value: V): void {
    this.version = ++this.clock;
    if (this.on) this.log(SET, map, key, map.has(key) ? map.get(key) : ABSENT);
    map.set(key, value);
  }

  /** `map.delete(key)`, logged. */
  delete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    this.version = ++this.clock;
    if (this.on) this.log(DELETE, map, key, map.get(key));
    map.delete(key);
  }

  /** `list.push(value)`, logged (the list only grows between restores). */
  push<V>(list: V[], value: V): void {
    this.version = ++this.clock;
    if (this.on) this.log(PUSH, list, undefined, undefined);
    list.push(value);
  }

  /** `list[i] = value`, logged. */
  put<V>(list: V[], i: number, value: V): void {
    this.version = ++this.clock;
    if (this.on) this.log(PUT, list, i, list[i]);
    list[i] = value;
  }

  /** `obj[field] = value`, logged. */
  assign<O extends object, F extends keyof O>(obj: O, field: F, value: O[F]): void {
    this.version = ++this.clock;
    if (this.on) this.log(ASSIGN, obj, field, obj[field]);
    obj[field] = value;
  }
}
