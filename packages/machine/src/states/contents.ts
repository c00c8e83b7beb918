/**
 * Saving values by content and writing them back into the same objects,
 * for restored states (snapshot.ts): mutable containers reachable from a
 * value (arrays, plain objects and class instances field by field, maps,
 * sets, typed arrays) keep their identity — closures made by model code
 * hold them — and get their saved contents back. Cells, threads, cpus, the
 * machine and frozen objects are not walked (they are restored apart, or
 * never change). Thread-locals go back by key into the thread's one object
 * for that key; one made since is set back to its initial contents and put
 * aside until the thread makes it again (`Thread.local`).
 *
 * Calling context: snapshot.ts, between steps.
 */
import { Cell } from "../cell.js";
import { Cpu } from "../cpu.js";
import { Thread, type ThreadLocalKey } from "../thread.js";
/** The frozen container `Contents.save` met last among an array's entries (frozen for good: skipped by identity). */
let lastFrozen: object | null = null;

/** Mutable containers and their contents, to write back in place. */
export class Contents {
  readonly objs: object[] = [];
  readonly data: unknown[][] = [];
  /** The containers saved so far (`objs`) as a set, made once there are many (a few are searched in `objs`). */
  private seen: Set<object> | null = null;

  /** The containers of one value, saved apart (a later snapshot may reuse them while the value's key holds). */
  static of(v: unknown, machine: object): Saved {
    const c = new Contents(machine);
    c.save(v);
    return c.objs.length === 0 ? NOTHING : { objs: c.objs, data: c.data };
  }

  constructor(private readonly machine: object) {}

  /** Save every mutable container reachable from `v` (cells, threads, cpus and frozen objects are not walked). */
  save(v: unknown): void {
    if (typeof v !== "object" || v === null) return;
    if (this.saved(v)) return;
    if (v instanceof Cell || v instanceof Thread || v instanceof Cpu || v === this.machine || Object.isFrozen(v)) {
      return;
    }
    this.seen?.add(v);
    if (Array.isArray(v)) {
      const d = v.slice();
      this.objs.push(v);
      this.data.push(d);
      for (let i = 0; i < d.length; i++) {
        const x: unknown = d[i];
        // Frozen entries (a hash table's one shared empty bucket) are skipped here, without a call —
        // the last one met by identity: `Object.isFrozen` is a builtin call, and a table holds one many times.
        if (typeof x !== "object" || x === null || x === lastFrozen) continue;
        if (Object.isFrozen(x)) lastFrozen = x;
        else this.save(x);
      }
    } else if (v instanceof Map) {
      const d: unknown[] = [];
      for (const [k, x] of v) d.push(k, x);
      this.objs.push(v);
      this.data.push(d);
      for (const x of d) this.save(x);
    } else if (v instanceof Set) {
      const d = Array.from(v);
      this.objs.push(v);
      this.data.push(d);
      for (const x of d) this.save(x);
    } else if (ArrayBuffer.isView(v)) {
      this.objs.push(v);
      this.data.push([(v as unknown as { slice(): unknown }).slice()]);
    } else {
      const d: unknown[] = [];
      const proto = Object.getPrototypeOf(v) as unknown;
      // A plain object may have getters of its own (an object literal's `get inside()`): computed, not saved.
      const plain = proto === Object.prototype || proto === null;
      const keys = Object.keys(v);
      if (plain && dataOnly(v, keys)) {
        for (const k of keys) d.push(k, (v as Record<string, unknown>)[k]);
      } else if (plain) {
        for (const k of keys) {
          const p = Object.getOwnPropertyDescriptor(v, k)!;
          if (p.get === undefined && p.set === undefined) d.push(k, p.value);
          else if (d[d.length - 1] !== ACCESSORS) d.push(ACCESSORS);
        }
        if (d.includes(ACCESSORS)) {
          const data = d.filter((x) => x !== ACCESSORS);
          d.length = 0;
          d.push(...data, ACCESSORS);
        }
      } else for (const k of keys) d.push(k, (v as Record<string, unknown>)[k]);
      this.objs.push(v);
      this.data.push(d);
      for (let i = 1; i < d.length; i += 2) {
        const x: unknown = d[i];
        if (typeof x === "object" && x !== null) this.save(x);
      }
    }
  }

  /** Whether `v` was saved already (it is in `objs`: every container is pushed there as it is first met). */
  private saved(v: object): boolean {
    const objs = this.objs;
    if (this.seen !== null) return this.seen.has(v);
    if (objs.length < 16) return objs.includes(v);
    this.seen = new Set(objs);
    return this.seen.has(v);
  }

  /** Write every saved container's contents back. */
  static apply(objs: readonly object[], data: readonly (readonly unknown[])[]): void {
    for (let i = 0; i < objs.length; i++) {
      const o = objs[i]!;
      const d = data[i]!;
      if (Array.isArray(o)) {
        // By pop, then written in order: setting an array's length is a slow builtin, even to the length it has.
        while (o.length > d.length) o.pop();
        for (let j = 0; j < d.length; j++) o[j] = d[j];
      } else if (o instanceof Map) {
        // A map a run left as it was (most, on a reset) is not rebuilt.
        if (!sameEntries(o, d)) {
          o.clear();
          for (let j = 0; j < d.length; j += 2) o.set(d[j], d[j + 1]);
        }
      } else if (o instanceof Set) {
        o.clear();
        for (const x of d) o.add(x);
      } else if (ArrayBuffer.isView(o)) {
        (o as unknown as { set(a: unknown): void }).set(d[0]);
      } else {
        const r = o as Record<string, unknown>;
        if (d.length % 2 === 1) {
          // It has getters of its own (the odd last entry says so): its data properties only.
          for (let j = 0; j + 1 < d.length; j += 2) r[d[j] as string] = d[j + 1];
          continue;
        }
        // Other keys, or the same in another order (a key deleted and added again): start over,
        // so that the object's keys come back in their saved order too.
        if (!sameKeys(r, d)) for (const k of Object.keys(r)) delete r[k];
        for (let j = 0; j < d.length; j += 2) r[d[j] as string] = d[j + 1];
      }
    }
  }
}

/** Whether map `m` holds exactly the saved entries `d` (key, value, …), in the same order. */
function sameEntries(m: Map<unknown, unknown>, d: readonly unknown[]): boolean {
  if (m.size * 2 !== d.length) return false;
  let j = 0;
  for (const [k, v] of m) {
    if (k !== d[j] || !Object.is(v, d[j + 1])) return false;
    j += 2;
  }
  return true;
}

/**
 * Plain objects seen to have data properties only, with how many keys they
 * had then (an object's accessors are made with it — an object literal's
 * `get` — so one seen without any, and with as many keys, still has none).
 */
const dataOnlyKeys = new WeakMap<object, number>();

/** Whether a plain object's own properties are all data properties (none computed by a getter). */
function dataOnly(v: object, keys: readonly string[]): boolean {
  if (dataOnlyKeys.get(v) === keys.length) return true;
  for (const k of keys) {
    const p = Object.getOwnPropertyDescriptor(v, k)!;
    if (p.get !== undefined || p.set !== undefined) return false;
  }
  dataOnlyKeys.set(v, keys.length);
  return true;
}

/** Ends the saved data of a plain object with getters of its own (odd length: no key order kept). */
const ACCESSORS: unique symbol = Symbol("accessors");

/**
 * Whether `r` has exactly the keys saved in `d` (key, value, key, value, …),
 * in that order. By `for…in`, which lists no array (`Object.keys` made one
 * per container written back): its own keys come first, in the order
 * `Object.keys` gives them, and an inherited enumerable key after them
 * only makes the answer false (the caller then writes the keys anew).
 */
function sameKeys(r: Record<string, unknown>, d: readonly unknown[]): boolean {
  let j = 0;
  for (const k in r) {
    if (j >= d.length || k !== d[j]) return false;
    j += 2;
  }
  return j === d.length;
}

/** Containers saved by content (see Contents). */
export interface Saved {
  readonly objs: readonly object[];
  readonly data: readonly unknown[][];
}

export const NOTHING: Saved = Object.freeze({ objs: [], data: [] });

/** A thread's locals: key, value, and the contents of the value's containers (written back by key). */
export type LocalsSave = { key: ThreadLocalKey<unknown>; value: unknown; objs: object[]; data: unknown[][] }[];

export function saveLocals(t: Thread): LocalsSave {
  const out: LocalsSave = [];
  if (!t.hasLocals()) return out;
  for (const [key, value] of t.localsMap()) out.push(saveLocal(key, value, t));
  return out;
}

/**
 * Put `t`'s locals back as saved, into the same objects: a thread-local
 * keeps its identity for the whole search (closures hold it). One made
 * since is set back to its initial contents and put aside until the thread
 * makes it again (`Thread.local`).
 */
export function applyLocals(t: Thread, saved: LocalsSave): void {
  const map = t.localsMap();
  if (map.size === 0 && saved.length === 0) return;
  for (const s of saved) {
    if (!map.has(s.key)) {
      const dormant = t.dormantMap();
      dormant.delete(s.key);
      map.set(s.key, s.value);
    }
    Contents.apply(s.objs, s.data);
  }
  if (map.size === saved.length) return;
  for (const [key, v] of map) {
    if (saved.some((s) => s.key === key)) continue;
    map.delete(key);
    // Its contents as made (an init is a function of the thread alone).
    if (typeof v === "object" && v !== null) {
      const d = initialData(t, key);
      if (d !== null) Contents.apply([v], [d]);
    }
    t.dormantMap().set(key, v);
  }
  // Put the saved ones back in the order they were made (fingerprints sort by name; keys are kept stable anyway).
  if (saved.length > 1) {
    const order = saved.map((s) => [s.key, map.get(s.key)] as const);
    map.clear();
    for (const [k, v] of order) map.set(k, v);
  }
}

/**
 * Before a thread's generator is rebuilt (snapshot.ts): its thread-locals'
 * contents as at the start of the run (`start`) — one made since holds its
 * initial contents again — without changing which are made (the restore
 * that follows sets that, with `applyLocals`). The rebuilt code's first
 * `local` of one then finds it as the run's first did, the same object
 * with the same contents, as from `applyLocals(t, start)`, but without
 * taking it out of the map and putting it back.
 */
export function resetLocalsForReplay(t: Thread, start: LocalsSave): void {
  const map = t.localsMap();
  if (map.size === 0 && start.length === 0) return;
  if (start.length !== 0) {
    applyLocals(t, start);
    return;
  }
  for (const [key, v] of map) {
    if (typeof v !== "object" || v === null) continue;
    const d = initialData(t, key);
    if (d !== null) Contents.apply([v], [d]);
  }
}

/** Are `t`'s thread-locals the saved ones, with the saved contents (as `applyLocals` would leave them)? */
export function sameLocals(t: Thread, saved: LocalsSave): boolean {
  const map = t.localsMap();
  if (map.size !== saved.length) return false;
  let i = 0;
  for (const [key, value] of map) {
    const s = saved[i++]!;
    if (s.key !== key || !Object.is(s.value, value) || !sameContents(s.objs, s.data)) return false;
  }
  return true;
}

/** Do the containers hold exactly the saved contents (what `Contents.apply` would write)? */
function sameContents(objs: readonly object[], data: readonly (readonly unknown[])[]): boolean {
  for (let i = 0; i < objs.length; i++) {
    const o = objs[i]!;
    const d = data[i]!;
    if (Array.isArray(o)) {
      if (o.length !== d.length) return false;
      for (let j = 0; j < d.length; j++) if (!Object.is(o[j], d[j])) return false;
    } else if (o instanceof Map) {
      if (o.size * 2 !== d.length) return false;
      let j = 0;
      for (const [k, x] of o) {
        if (!Object.is(k, d[j]) || !Object.is(x, d[j + 1])) return false;
        j += 2;
      }
    } else if (o instanceof Set) {
      if (o.size !== d.length) return false;
      let j = 0;
      for (const x of o) if (!Object.is(x, d[j++])) return false;
    } else if (ArrayBuffer.isView(o)) return false;
    else {
      // A plain object or a class instance: its own keys, in the saved order, with the saved values
      // (by for…in, as `sameKeys`: no list of keys made; an inherited enumerable key answers false).
      if (d.length % 2 === 1) return false;
      const r = o as Record<string, unknown>;
      let j = 0;
      for (const k in r) {
        if (j >= d.length || k !== d[j] || !Object.is(r[k], d[j + 1])) return false;
        j += 2;
      }
      if (j !== d.length) return false;
    }
  }
  return true;
}

/**
 * The top-level contents of a fresh `key.init(t)` (null: not a container),
 * kept per thread when they hold no container (a rebuilt thread's locals
 * are set back to them at every rebuild; an object among them would be
 * shared between the writes, so such contents are made anew each time).
 */
function initialData(t: Thread, key: ThreadLocalKey<unknown>): unknown[] | null {
  const kept = initials.get(t)?.get(key);
  if (kept !== undefined) return kept;
  const fresh = saveLocal(key, key.init(t), t);
  const d = fresh.objs.length === 0 ? null : fresh.data[0]!;
  if (d === null || d.every((x) => typeof x !== "object" || x === null || Object.isFrozen(x))) {
    let m = initials.get(t);
    if (m === undefined) initials.set(t, (m = new Map()));
    m.set(key, d);
  }
  return d;
}

const initials = new WeakMap<Thread, Map<ThreadLocalKey<unknown>, unknown[] | null>>();

function saveLocal(key: ThreadLocalKey<unknown>, value: unknown, t: Thread): LocalsSave[number] {
  const c = new Contents(t);
  c.save(value);
  return { key, value, objs: c.objs, data: c.data };
}
