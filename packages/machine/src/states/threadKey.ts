/**
 * What lets a state vector (vector.ts) keep a thread's key number instead
 * of writing it again: the fields the key was written from (`ThreadMemo`),
 * and a thread's locals flattened for comparing (`flatLocals`,
 * `sameLocals`). A memo holds while every field is the same and the
 * locals' key is the same string; a thread whose resume value is an object
 * (it may change in place) is written every time.
 *
 * Calling context: the state tracker, between steps.
 */
import type { Thread, ThreadState, TimeoutSpec, WaitInfo } from "../thread.js";

/** Is the thread's resume value a primitive (a memo of the thread's key may hold)? */
export function plainResume(th: Thread): boolean {
  const rv = th.resumeValue;
  return rv === null || (typeof rv !== "object" && typeof rv !== "function");
}

/** The fields a thread's key was written from (`VectorCanon.threadId`). */
export class ThreadMemo {
  state: ThreadState = "done";
  hist = 0;
  crit = 0;
  spinlocks = 0;
  mpcount = 0;
  preempted: Thread | null = null;
  spinning = false;
  drainTarget = 0;
  fresh = false;
  wait: WaitInfo | null = null;
  timeout: TimeoutSpec | null = null;
  rv: unknown = undefined;
  loc = "";
  id = -1;
  /** The change stamps (`Cpu.ver` of its cpu, `Thread.ver`) it was last found to hold at; -1: none. */
  cpuVer = -1;
  ver = -1;

  /** Nothing the key is written from can have changed: the same stamps as when it last held (`stamp`). */
  stamped(th: Thread, cpuVer: number): boolean {
    return this.cpuVer === cpuVer && this.ver === th.ver && plainResume(th);
  }

  /** It holds now, at these stamps (`flat`: the locals are plain values, nothing changes them unstamped). */
  stamp(th: Thread, cpuVer: number, flat: boolean): void {
    this.cpuVer = flat ? cpuVer : -1;
    this.ver = th.ver;
  }

  /** Its stamps no longer vouch for it (it is compared field by field before it serves again). */
  unstamp(): void {
    this.cpuVer = -1;
    this.ver = -1;
  }

  /** Is the thread still as its key was written from (`loc`: its locals' key now)? */
  holds(th: Thread, loc: string): boolean {
    const w = th.wait;
    return (
      plainResume(th) &&
      this.state === th.state &&
      this.hist === th.hist &&
      this.crit === th.crit &&
      this.spinlocks === th.spinlocks &&
      this.mpcount === th.mpcount &&
      this.preempted === th.preempted &&
      this.spinning === th.spinning &&
      this.drainTarget === th.drainTarget &&
      this.fresh === th.fresh &&
      this.wait === w &&
      this.timeout === (w === null ? null : w.timeout) &&
      Object.is(this.rv, th.resumeValue) &&
      this.loc === loc
    );
  }

  /** The thread's key, written from its fields now, is `id`. */
  keep(th: Thread, loc: string, id: number): void {
    const w = th.wait;
    this.state = th.state;
    this.hist = th.hist;
    this.crit = th.crit;
    this.spinlocks = th.spinlocks;
    this.mpcount = th.mpcount;
    this.preempted = th.preempted;
    this.spinning = th.spinning;
    this.drainTarget = th.drainTarget;
    this.fresh = th.fresh;
    this.wait = w;
    this.timeout = w === null ? null : w.timeout;
    this.rv = th.resumeValue;
    this.loc = loc;
    this.id = id;
  }
}

/** Locals contents kept per thread with their keys (`VectorCanon.locals`). */
export const LOCALS_KEPT = 8;

/**
 * A thread's locals flat, for `sameLocals`: each local's key and value and,
 * for a plain object, its fields and their values — or null when a field
 * holds something that could change unseen (an object that is not frozen
 * with primitive fields, an array, a class instance, a function).
 */
export function flatLocals(map: ReadonlyMap<unknown, unknown>): unknown[] | null {
  const out: unknown[] = [];
  for (const [k, v] of map) {
    out.push(k, v);
    if (typeof v === "function") return null;
    if (typeof v !== "object" || v === null) {
      out.push(-1);
      continue;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) return null;
    const fields = Object.keys(v);
    out.push(fields.length);
    for (const f of fields) {
      const x = (v as Record<string, unknown>)[f];
      if (!leaf(x)) return null;
      out.push(f, x);
    }
  }
  return out;
}

/** A value that cannot change in place: a primitive, or a frozen plain object of primitives. */
function leaf(x: unknown): boolean {
  if (typeof x === "function") return false;
  if (typeof x !== "object" || x === null) return true;
  if (!Object.isFrozen(x) || Array.isArray(x)) return false;
  for (const f of Object.keys(x)) {
    const y = (x as Record<string, unknown>)[f];
    if (typeof y === "object" || typeof y === "function") {
      if (y !== null) return false;
    }
  }
  return true;
}

/** Are the thread's locals still what `flat` recorded (same objects, same fields, same values)? */
export function sameLocals(flat: readonly unknown[], map: ReadonlyMap<unknown, unknown>): boolean {
  let i = 0;
  for (const [k, v] of map) {
    if (i >= flat.length || flat[i] !== k || flat[i + 1] !== v) return false;
    const n = flat[i + 2] as number;
    i += 3;
    if (n < 0) {
      if (!Object.is(flat[i - 2], v)) return false;
      continue;
    }
    let count = 0;
    for (const f in v as Record<string, unknown>) {
      if (
        count >= n ||
        flat[i + 2 * count] !== f ||
        !Object.is(flat[i + 2 * count + 1], (v as Record<string, unknown>)[f])
      ) {
        return false;
      }
      count++;
    }
    if (count !== n) return false;
    i += 2 * n;
  }
  return i === flat.length;
}
