/**
 * State fingerprints for stateful search: a string that is equal for two
 * machine states — in two different executions, on two different machine
 * objects built by the same factory — whenever everything that can decide
 * what happens from there on is equal. The explorer stores them and stops an
 * execution that reaches a state it has already explored from.
 *
 * A thread's generator locals are invisible, but a thread body is a
 * deterministic function of the values the machine resumed it with: a thread
 * is keyed by its history — the sequence of those values, interned in a
 * table shared by the whole search (`Histories`) — plus what the machine
 * keeps for it (state, counts, wait, thread-locals, resume value).
 *
 * What goes in: every cell's value; each cpu's scheduling state (current
 * thread, run queues, queued IPI messages, owed IPIs, interrupt, timeout and
 * idle-dispatch state); each thread as above; every layer extension's state
 * (sleep hash, token queues: by content); each detector's `stateKey()`.
 * What stays out: clocks and cost counters (they never change behaviour),
 * step numbers, trace bookkeeping, the console.
 *
 * Values are keyed by content: plain objects, arrays, maps, sets and class
 * instances (with their class name) field by field; cells and threads by id
 * (a cell made during the run, such as an IPI FIFO's, by name); functions and
 * objects too deep to walk by their set-up position when they were reachable
 * at the start of the run (the same in every execution of a deterministic
 * factory), else by identity — which never matches across executions, so at
 * worst a state is explored again, never wrongly skipped.
 *
 * Closures queued in the machine are keyed by where they were made: an IPI
 * message by its label, its cpus and its origin — the step that sent it (the
 * sending thread and its history, or the message whose handler sent it) and
 * its rank among that step's messages; a timeout by its label and ticks (its
 * thread is asleep, so its history says which closure it is).
 *
 * Promises this rests on (the factory's, as for any exhaustive search): the
 * set-up is deterministic, and a closure handed to the machine (an atomic
 * op, a spin test, an IPI or timeout function) keeps no private state that
 * changes — whatever it changes lives in cells, thread-locals or extensions.
 */
import { Cell } from "./cell.js";
import type { Cpu, IpiMessage } from "./cpu.js";
import { Thread } from "./thread.js";

/** Interned thread histories: (history, next resume value) → history. Share one table per search. */
export class Histories {
  private readonly ids = new Map<string, number>();
  /** Distinct histories so far (the empty one is 0). */
  get size(): number {
    return this.ids.size + 1;
  }
  /** The history after `h` followed by a value whose key is `value`. */
  extend(h: number, value: string): number {
    const k = `${h}|${value}`;
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(k, id);
    }
    return id;
  }
}

/** Identities of objects that are the same object in every execution (module-level functions). */
const globalIds = new WeakMap<object, number>();
let nextGlobal = 1;
function globalId(o: object): number {
  let id = globalIds.get(o);
  if (id === undefined) {
    id = nextGlobal++;
    globalIds.set(o, id);
  }
  return id;
}

const MAX_DEPTH = 8;

/** How one machine turns values into keys. */
export class Canon {
  /** Objects reachable at the start of the run, by position in a walk of the set-up state. */
  private readonly setupIds = new WeakMap<object, number>();
  private nextSetup = 1;

  constructor(
    /** Cells with an id below this were made during set-up and are keyed by id. */
    readonly runCellsFrom: number,
    /** The real object behind a check-mode guard. */
    private readonly unguard: (v: object) => object,
    /** A fixed key for objects that stand for a part of the machine (the machine itself, a cpu), else undefined. */
    private readonly atom: (o: object) => string | undefined,
  ) {}

  /**
   * Number the functions reachable from `roots` (and objects too deep to key
   * by content), in walk order. Anything left unnumbered is keyed by
   * identity: never wrong, only never merged.
   */
  registerSetup(roots: readonly unknown[]): void {
    const seen = new Set<object>();
    const walk = (v: unknown, depth: number): void => {
      if ((typeof v !== "object" && typeof v !== "function") || v === null) return;
      const o = this.unguard(v);
      if (seen.has(o) || o instanceof Cell || o instanceof Thread || this.atom(o) !== undefined) return;
      seen.add(o);
      if (typeof o === "function" || depth >= MAX_DEPTH) {
        this.setupIds.set(o, this.nextSetup++);
        return;
      }
      if (Array.isArray(o)) for (const x of o) walk(x, depth + 1);
      else if (o instanceof Map) {
        for (const [k, x] of o) {
          walk(k, depth + 1);
          walk(x, depth + 1);
        }
      } else if (o instanceof Set) for (const x of o) walk(x, depth + 1);
      else for (const k of Object.keys(o)) walk((o as Record<string, unknown>)[k], depth + 1);
    };
    for (const r of roots) walk(r, 0);
  }

  cell(c: Cell<unknown>): string {
    return c.id < this.runCellsFrom ? `C${c.id}` : `C:${c.name}`;
  }

  private opaque(o: object): string {
    const s = this.setupIds.get(o);
    return s !== undefined ? `@${s}` : `#${globalId(o)}`;
  }

  value(v: unknown, depth = 0): string {
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
      case "function":
        return this.opaque(v);
      default:
        break;
    }
    if (v === null) return "N";
    const o = this.unguard(v as object);
    if (o instanceof Cell) return this.cell(o);
    if (o instanceof Thread) return `T${o.id}`;
    const a = this.atom(o);
    if (a !== undefined) return a;
    if (depth >= MAX_DEPTH) return this.opaque(o);
    const d = depth + 1;
    if (Array.isArray(o)) return `[${o.map((x) => this.value(x, d)).join(",")}]`;
    if (o instanceof Map) {
      const parts: string[] = [];
      for (const [k, x] of o) parts.push(`${this.value(k, d)}=>${this.value(x, d)}`);
      return `M{${parts.join(",")}}`;
    }
    if (o instanceof Set) return `S{${Array.from(o, (x) => this.value(x, d)).join(",")}}`;
    const proto = Object.getPrototypeOf(o) as { constructor?: { name?: string } } | null;
    const tag = proto === Object.prototype || proto === null ? "" : (proto.constructor?.name ?? "?");
    const parts: string[] = [];
    for (const k of Object.keys(o)) parts.push(`${k}:${this.value((o as Record<string, unknown>)[k], d)}`);
    return `${tag}{${parts.join(",")}}`;
  }

  message(m: IpiMessage): string {
    return `${m.from}>${m.to}:${JSON.stringify(m.label)}<${m.origin}>`;
  }

  thread(t: Thread): string {
    const w = t.wait;
    return [
      t.id,
      t.state,
      t.hist,
      t.crit,
      t.spinlocks,
      t.mpcount,
      t.preempted?.id ?? -1,
      t.spinning ? 1 : 0,
      t.drainTarget,
      t.fresh ? 1 : 0,
      w === null
        ? "-"
        : `${JSON.stringify(w.waitsOn)}/${w.timeout === null ? "-" : `${w.timeout.ticks}:${w.timeout.label}`}`,
      this.value(t.resumeValue),
      this.locals(t.localsForKey()),
    ].join(";");
  }

  /** Thread-locals by name (the order they were first used in can differ between executions). */
  private locals(flat: readonly unknown[]): string {
    const pairs: string[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push(`${String(flat[i])}:${this.value(flat[i + 1])}`);
    return pairs.sort().join(",");
  }

  cpu(c: Cpu): string {
    const drm = c.dispatchReadyMsg;
    let runq = "";
    for (let p = 0; p < c.runq.length; p++) {
      if ((c.runqMask & (1 << p)) !== 0) runq += `${p}:${c.runq[p]!.map((t) => t.id).join(",")}|`;
    }
    let incoming = "";
    if (c.inbox !== 0) {
      for (let s = 0; s < c.incoming.length; s++) {
        const q = c.incoming[s]!;
        if (q.length === 0) continue;
        incoming += `${s}:${q.map((m) => `${this.message(m)}${c.dispatchReady && m.id < drm ? "o" : ""}`).join(",")}|`;
      }
    }
    return [
      c.current?.id ?? -1,
      runq,
      incoming,
      Array.from(c.owed).join(","),
      c.intrOwed ? 1 : 0,
      c.intrLevel,
      c.timed.map((t) => t.id).join(","),
      c.dispatchWaiting ? 1 : 0,
      c.dispatchReady ? 1 : 0,
      c.dispatchCells.map((x) => this.cell(x)).join(","),
      c.ipiWatchers.map((t) => t.id).join(","),
    ].join(";");
  }
}
