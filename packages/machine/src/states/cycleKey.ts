/**
 * Cycle keys as vectors of numbers: the same state identity as the string
 * keys of `stateKey.ts` (an execution back in a state it was in at an
 * earlier step has gone round a cycle), written as small integers instead
 * of a serialised string per step.
 *
 * What goes in, as in `stateKey.ts`: every cell's value (primitives by
 * value, objects by their serialisation: plain data by content, anything
 * else by identity), each cpu's and each thread's fields of `fields.ts`
 * (queued IPI messages by id, thread-locals by content). A thread inside a
 * declared loop is keyed by its loop, its generator frames and its pending
 * op's shape; any other thread by how many ops it has performed and whether
 * it has one pending.
 *
 * Stable across a rebuilt thread (states/snapshot.ts restores a state by
 * resuming a fresh generator with the logged values): a thread's body frame
 * counts as one frame whatever its generator object, and a pending op is
 * named by the thread's performed count (within one execution a thread's
 * pending op changes only when it performs one, or when a thread with none
 * pending is resumed), never by the op object. A machine continuation frame
 * (an IPI FIFO drain) is named by identity: a state holding one is never
 * saved, so none is ever rebuilt.
 *
 * Equal vectors mean equal states under the loop promise of `stateKey.ts`;
 * numbers are only comparable between states of one execution path (object
 * identities and interned strings are per key writer, and the interned
 * strings are forgotten when the caller says the path starts again).
 *
 * Calling context: between steps (an explorer's detector).
 */
import { Cell } from "../cell.js";
import type { IpiMessage } from "../cpu.js";
import type { Op } from "../ops.js";
import type { Core } from "../runtime/core.js";
import { Thread } from "../thread.js";
import { type CpuNumbering, pushCpuFields, pushThreadFields, stateNumber } from "./fields.js";
import { VectorBuffer, VectorTable } from "./intern.js";
import { Identities } from "./stateKey.js";

const MAX_DEPTH = 6;
/** What starts each value in a value's numbers (each followed by its own fixed or counted items). */
const PRIM = 0;
const IDENT = 1;
const FN = 2;
const ARR = 3;
const MAP = 4;
const OBJ = 5;
const CELL = 6;
const THREAD = 7;
const SYM = 8;

/** A thread's pending op shape, as last written (valid while the thread keeps the op and its performed count). */
interface ShapeMemo {
  op: Op;
  performed: number;
  gen: number;
  id: number;
}

export class CycleKeys implements CpuNumbering {
  /** The key written by the last `write` (valid when it returned true). */
  readonly out = new VectorBuffer();
  private readonly ids = new Identities();
  /** Primitive values (numbers but −0, strings, booleans, null, undefined, bigints) as numbers. */
  private readonly prims = new Map<unknown, number>();
  private gen = 0;
  private readonly shapes: (ShapeMemo | undefined)[] = [];
  /** Objects' numbers: each written as numbers (`encode`), interned since the last `forget` (newest forgotten first by `truncate`). */
  private readonly values = new VectorTable();
  private readonly enc = new VectorBuffer();
  /** Each cell's number as last written (by cell id), the cell it was written for, and whether it still holds. */
  private readonly cellIds: number[] = [];
  private readonly cellOf: (Cell<unknown> | undefined)[] = [];
  private readonly cellOk: boolean[] = [];

  /**
   * Forget the object values numbered so far (their numbers may be
   * reused): call when the path whose keys are compared starts again.
   */
  forget(): void {
    this.invalidate();
    if (this.values.size === 0) return;
    this.values.clear();
    this.gen++;
  }

  /**
   * Forget the object values numbered after the first `size` (`remembered`
   * when the path was at an earlier state the search now goes back to): the
   * keys that used them are gone with that part of the path.
   */
  truncate(size: number): void {
    this.invalidate();
    if (this.values.size <= size) return;
    this.values.truncate(size);
    this.gen++;
  }

  /** Key every cell again at the next `write` (the machine's state was put back, or is another machine's). */
  invalidate(): void {
    this.cellOk.fill(false);
  }

  /**
   * The cells with these ids were written (a step's footprint): key them
   * again at the next `write`. With `write`'s `incremental`, every write to a
   * cell must be told here, even at steps where no key is written.
   */
  written(ids: readonly number[]): void {
    const ok = this.cellOk;
    for (let i = 0; i < ids.length; i++) ok[ids[i]!] = false;
  }

  /** Values numbered since the last `forget`. */
  get remembered(): number {
    return this.values.size;
  }

  /**
   * Write the key of `core`'s state into `out`; false (nothing written) when
   * no thread is inside a declared loop. `incremental`: a shared cell keyed
   * before is keyed again only when `written` or `invalidate` said it
   * changed (the caller sees every write to one: footprints recorded); a
   * cpu-local cell, whose writes no footprint logs, always is; without
   * `incremental` every cell is.
   */
  write(core: Core, incremental = false): boolean {
    const threads = core.threads;
    let looping = false;
    for (let i = 0; i < threads.length; i++) {
      if (threads[i]!.loop !== 0) {
        looping = true;
        break;
      }
    }
    if (!looping) return false;
    const out = this.out;
    out.reset();
    const cells = core.cells;
    out.push(cells.length);
    const ids = this.cellIds;
    const of = this.cellOf;
    const ok = this.cellOk;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i] as Cell<unknown>;
      const at = c.id;
      // A cpu-local cell is keyed every time: steps log their writes to shared cells only.
      if (incremental && ok[at] === true && of[at] === c && c.cpu < 0) {
        out.push(ids[at]!);
        continue;
      }
      const v = c.v;
      const id = this.value(v);
      ids[at] = id;
      of[at] = c;
      ok[at] = true;
      out.push(id);
    }
    const cpus = core.cpus;
    for (let i = 0; i < cpus.length; i++) pushCpuFields(cpus[i]!, this, out);
    for (let i = 0; i < threads.length; i++) this.thread(threads[i]!, out);
    return true;
  }

  /** A value's number: primitives even (−0: −2), objects, functions and symbols odd (their content, interned). */
  private value(v: unknown): number {
    if (typeof v === "object" ? v !== null : typeof v === "function" || typeof v === "symbol")
      return this.object(v, true);
    return typeof v === "number" && Object.is(v, -0) ? -2 : this.prim(v);
  }

  /** An object's number: its serialisation's (`serialize`, closures by identity or ignored) content as numbers, interned. */
  private object(v: unknown, closures: boolean): number {
    const e = this.enc;
    e.reset();
    this.encode(v, 0, closures);
    return this.values.id(e.v, e.n) * 2 + 1;
  }

  /** A thread's thread-locals' number (as the object `localsForKey()` makes: names and values in order). */
  private locals(t: Thread): number {
    const e = this.enc;
    e.reset();
    e.push(ARR);
    e.push(t.localsMap().size * 2);
    for (const [k, v] of t.localsMap()) {
      e.push(PRIM);
      e.push(this.prim(k.name));
      this.encode(v, 1, true);
    }
    return this.values.id(e.v, e.n) * 2 + 1;
  }

  /**
   * `v` as numbers into `enc`, equal exactly where `serialize(v)` strings are
   * (see `serialize`): primitives by value, cells and threads by id, plain
   * objects, arrays and maps by content (to depth 6), anything else by
   * identity; closures by identity, or all alike (`closures` false).
   */
  private encode(v: unknown, depth: number, closures: boolean): void {
    const e = this.enc;
    switch (typeof v) {
      case "function":
        e.push(FN);
        e.push(closures ? this.ids.of(v) : 0);
        return;
      case "symbol":
        e.push(SYM);
        e.push(this.prim(String(v.description)));
        return;
      case "object":
        if (v !== null) break;
        e.push(PRIM);
        e.push(this.prim(null));
        return;
      default:
        e.push(PRIM);
        e.push(typeof v === "number" && Object.is(v, -0) ? -1 : this.prim(v));
        return;
    }
    const o = v as object;
    if (depth >= MAX_DEPTH) {
      e.push(IDENT);
      e.push(this.ids.of(o));
      return;
    }
    if (Array.isArray(o)) {
      e.push(ARR);
      e.push(o.length);
      for (let i = 0; i < o.length; i++) this.encode(o[i], depth + 1, closures);
      return;
    }
    if (o instanceof Map) {
      e.push(MAP);
      e.push(o.size);
      for (const [k, x] of o) {
        this.encode(k, depth + 1, closures);
        this.encode(x, depth + 1, closures);
      }
      return;
    }
    const proto = Object.getPrototypeOf(o) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      if (o instanceof Cell) {
        e.push(CELL);
        e.push(o.id);
      } else if (o instanceof Thread) {
        e.push(THREAD);
        e.push(o.id);
      } else {
        e.push(IDENT);
        e.push(this.ids.of(o));
      }
      return;
    }
    const keys = Object.keys(o);
    e.push(OBJ);
    e.push(keys.length);
    for (const k of keys) {
      e.push(this.prim(k));
      this.encode((o as Record<string, unknown>)[k], depth + 1, closures);
    }
  }

  private prim(v: unknown): number {
    let id = this.prims.get(v);
    if (id === undefined) {
      id = this.prims.size * 2;
      this.prims.set(v, id);
    }
    return id;
  }

  /** A queued message by its id (numbers compare within one execution: `pushCpuFields`). */
  messageNumber(m: IpiMessage): number {
    return m.id;
  }

  /** A watched cell by its id (`pushCpuFields`). */
  cellNumber(c: Cell<unknown>): number {
    return c.id;
  }

  /** `writeThread`'s fields, in its order. */
  private thread(t: Thread, out: VectorBuffer): void {
    out.push(stateNumber(t.state));
    if (t.loop !== 0) {
      const g = t.generators;
      out.push(t.loop);
      out.push(g.length);
      // The body (frame 0) is the thread's one body, rebuilt or not; a continuation by identity.
      for (let i = 1; i < g.length; i++) out.push(this.ids.of(g[i]!));
      out.push(this.shape(t));
    } else {
      out.push(0);
      out.push(t.performed);
      out.push(t.op === null ? 0 : 1);
    }
    pushThreadFields(t, out);
    const w = t.wait;
    if (w === null) out.push(-1);
    else {
      out.push(this.prim(w.waitsOn));
      out.push(w.timeout === null ? 0 : this.ids.of(w.timeout));
    }
    out.push(this.value(t.resumeValue));
    out.push(t.hasLocals() ? this.locals(t) : -1);
  }

  /** The number of a looping thread's pending op shape (kind, label, cells, values; closures ignored). */
  private shape(t: Thread): number {
    const o = t.op;
    if (o === null) return -1;
    const m = this.shapes[t.id];
    if (m !== undefined && m.op === o && m.performed === t.performed && m.gen === this.gen) return m.id;
    const id = this.object(o, false);
    if (m === undefined) this.shapes[t.id] = { op: o, performed: t.performed, gen: this.gen, id };
    else {
      m.op = o;
      m.performed = t.performed;
      m.gen = this.gen;
      m.id = id;
    }
    return id;
  }
}
