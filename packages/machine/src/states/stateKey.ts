/**
 * Machine state keys, for recognising a cycle: an execution that comes back
 * to a state it was already in (the spin2005 token ping-pong, spec §2.2 —
 * the livelock the CHKTOKEN watchdog exists for).
 *
 * A thread's generator locals are invisible to the machine, so a key exists
 * only while some thread is inside a declared loop (`KernelContext.enterLoop`):
 * its author promises that the thread's locals do not change from one
 * iteration to the next, so that thread is keyed by its pending op's shape
 * (kind, label, cells, values — closures ignored). Every other thread is
 * keyed by how many ops it has performed, so it can only take part in a
 * cycle by not stepping at all.
 *
 * What goes in: every cell's value (plain objects and arrays by content,
 * anything else by identity), and the thread and cpu fields of `fields.ts`
 * (queued IPI messages by identity, thread-local layer data by content).
 * What stays out: clocks and cost counters (a cycle is about behaviour, not
 * time), trace bookkeeping, detector state.
 *
 * Two equal keys mean equal machine states under that promise.
 */
import { Cell } from "../cell.js";
import type { Cpu, IpiMessage } from "../cpu.js";
import type { Op } from "../ops.js";
import { Thread, type WaitInfo } from "../thread.js";
import { type FieldEncoder, writeCpu, writeThread } from "./fields.js";

/** Stable small numbers for objects compared by identity. */
export class Identities {
  private readonly ids = new WeakMap<object, number>();
  private next = 1;
  of(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(o, id);
    }
    return id;
  }
}

const MAX_DEPTH = 6;

/** The key of a primitive value (state keys and fingerprints write them alike), or null for objects and functions. */
export function primitiveKey(v: unknown): string | null {
  switch (typeof v) {
    case "number":
      return Object.is(v, -0) ? "-0" : String(v);
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "T" : "F";
    case "undefined":
      return "U";
    case "bigint":
      return `${v}n`;
    case "symbol":
      return `S${String(v.description)}`;
    default:
      return v === null ? "N" : null;
  }
}

/** A value as a string: plain data by content, cells and threads by id, anything else by identity. */
export function serialize(v: unknown, ids: Identities, closures: "identity" | "ignore", depth = 0): string {
  const p = primitiveKey(v);
  if (p !== null) return p;
  if (typeof v === "function") return closures === "ignore" ? "fn" : `@${ids.of(v)}`;
  const o = v as object;
  if (depth >= MAX_DEPTH) return `@${ids.of(o)}`;
  if (Array.isArray(o)) return `[${o.map((x) => serialize(x, ids, closures, depth + 1)).join(",")}]`;
  if (o instanceof Map) {
    const parts: string[] = [];
    for (const [k, x] of o)
      parts.push(`${serialize(k, ids, closures, depth + 1)}=>${serialize(x, ids, closures, depth + 1)}`);
    return `M{${parts.join(",")}}`;
  }
  const proto = Object.getPrototypeOf(o) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    if (o instanceof Cell) return `C${o.id}`;
    if (o instanceof Thread) return `T${o.id}`;
    return `@${ids.of(o)}`;
  }
  const parts: string[] = [];
  for (const k of Object.keys(o))
    parts.push(`${k}:${serialize((o as Record<string, unknown>)[k], ids, closures, depth + 1)}`);
  return `{${parts.join(",")}}`;
}

/** The fields of `fields.ts` as one execution sees them: numbers as they are, objects by identity. */
class CycleEncoder implements FieldEncoder {
  constructor(private readonly ids: Identities) {}

  thread(id: number): number {
    return id;
  }
  cpu(index: number): number {
    return index;
  }
  /** Inside a declared loop: the same frames, the op by its shape; else the ops performed and the op by identity. */
  code(t: Thread): string {
    if (t.loop !== 0) {
      const frames = t.generators.map((g) => this.ids.of(g)).join("/");
      return `L${t.loop};${frames};${opShape(t.op, this.ids)}`;
    }
    return `P${t.performed};${t.op === null ? "-" : this.ids.of(t.op)}`;
  }
  wait(w: WaitInfo): string {
    return `${w.waitsOn}/${w.timeout === null ? "-" : this.ids.of(w.timeout)}`;
  }
  value(v: unknown): string {
    return serialize(v, this.ids, "identity");
  }
  locals(t: Thread): string {
    return serialize(t.localsForKey(), this.ids, "identity");
  }
  cell(c: Cell<unknown>): string {
    return String(c.id);
  }
  message(m: IpiMessage): string {
    return String(m.id);
  }
}

function opShape(o: Op | null, ids: Identities): string {
  return o === null ? "-" : serialize(o, ids, "ignore");
}

/** The key of the current state, or null when no thread is inside a declared loop. */
export function stateKey(
  cells: readonly Cell<unknown>[],
  cpus: readonly Cpu[],
  threads: readonly Thread[],
  ids: Identities,
): string | null {
  if (!threads.some((t) => t.loop !== 0)) return null;
  const enc = new CycleEncoder(ids);
  const out: string[] = [];
  for (const c of cells) out.push(serialize(c.v, ids, "identity"));
  out.push("#");
  for (const cpu of cpus) out.push(writeCpu(cpu, enc, null));
  out.push("#");
  for (const t of threads) out.push(writeThread(t, enc));
  return out.join("\n");
}
