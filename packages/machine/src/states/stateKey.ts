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
 * anything else by identity), each cpu's scheduling state (current thread,
 * run queues, queued IPI messages by identity, owed IPIs, interrupt and
 * timeout state, idle-dispatch state), each thread's state, counts, wait,
 * thread-local layer data (by content) and resume value. What stays out:
 * clocks and cost counters (a cycle is about behaviour, not time), trace
 * bookkeeping, detector state.
 *
 * Two equal keys mean equal machine states under that promise.
 */
import { Cell } from "./cell.js";
import type { Cpu } from "./cpu.js";
import type { Op } from "./ops.js";
import { Thread } from "./thread.js";

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

function opShape(o: Op | null, ids: Identities): string {
  return o === null ? "-" : serialize(o, ids, "ignore");
}

function threadKey(t: Thread, ids: Identities): string {
  const parts: (string | number)[] = [
    t.id,
    t.state,
    t.crit,
    t.spinlocks,
    t.mpcount,
    t.preempted?.id ?? -1,
    t.spinning ? 1 : 0,
    t.drainTarget,
    t.fresh ? 1 : 0,
    t.wait === null ? "-" : `${t.wait.waitsOn}/${t.wait.timeout === null ? "-" : ids.of(t.wait.timeout)}`,
    serialize(t.resumeValue, ids, "identity"),
    serialize(t.localsForKey(), ids, "identity"),
  ];
  if (t.loop !== 0) {
    // Inside a declared loop: the same frames, the op by its shape.
    parts.push(`L${t.loop}`, t.stack.map((g) => ids.of(g)).join("/"), opShape(t.op, ids));
  } else {
    parts.push(`P${t.performed}`, t.op === null ? "-" : ids.of(t.op));
  }
  return parts.join(";");
}

function cpuKey(cpu: Cpu): string {
  const drm = cpu.dispatchReadyMsg;
  return [
    cpu.current?.id ?? -1,
    cpu.runq.map((q) => q.map((t) => t.id).join(",")).join("|"),
    cpu.incoming.map((q) => q.map((m) => `${m.id}${cpu.dispatchReady && m.id < drm ? "o" : ""}`).join(",")).join("|"),
    Array.from(cpu.owed).join(","),
    cpu.intrOwed ? 1 : 0,
    cpu.intrLevel,
    cpu.timed.map((t) => t.id).join(","),
    cpu.dispatchWaiting ? 1 : 0,
    cpu.dispatchReady ? 1 : 0,
    cpu.dispatchCells.map((c) => c.id).join(","),
    cpu.ipiWatchers.map((t) => t.id).join(","),
    // runqGrew and dispatchStep only matter within the step that sets them.
  ].join(";");
}

/** The key of the current state, or null when no thread is inside a declared loop. */
export function stateKey(
  cells: readonly Cell<unknown>[],
  cpus: readonly Cpu[],
  threads: readonly Thread[],
  ids: Identities,
): string | null {
  if (!threads.some((t) => t.loop !== 0)) return null;
  const out: string[] = [];
  for (const c of cells) out.push(serialize(c.v, ids, "identity"));
  out.push("#");
  for (const cpu of cpus) out.push(cpuKey(cpu));
  out.push("#");
  for (const t of threads) out.push(threadKey(t, ids));
  return out.join("\n");
}
