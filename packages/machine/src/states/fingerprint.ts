/**
 * State fingerprints for stateful search: a string that is equal for two
 * machine states — in two different executions, on two different machine
 * objects built by the same factory — whenever everything that can decide
 * what happens from there on is equal. The explorer stores them and stops an
 * execution that reaches a state it has already explored from.
 *
 * A thread's generator locals are invisible, but a thread body is a
 * deterministic function of the values the machine resumed it with and of
 * its thread-locals at each resumption (handlers change them while it
 * waits): a thread is keyed by its history — the sequence of those, interned in a
 * table shared by the whole search (`Histories`) — plus what the machine
 * keeps for it (state, counts, wait, thread-locals, resume value). In a
 * history, an object a layer's extension held at the start of the run (a
 * lock, its interlock) is written by its place there, not by content: its
 * content is the extension's, keyed with it, and other threads change it
 * between yields (an interlock's `inside` count) — by content, a history
 * would record when, among steps that commute, the thread was resumed, and
 * the two orders of such steps would be two states. When a
 * `k.call` returns, the history is the one before the call and the
 * returned value: what happened inside stays inside. Inside a call,
 * `k.settle(label)` says the rest of the call depends on nothing seen in it
 * but the label (the head of a retry loop): the history becomes the one
 * before the call and the label, however many tries came before.
 *
 * What goes in: every cell's value; the cpu and thread fields of
 * `fields.ts` (a thread's code position being its history); every layer
 * extension's state (sleep hash, token queues: by content); each detector's
 * `stateKey()`.
 * What stays out: clocks and cost counters (they never change behaviour),
 * step numbers, trace bookkeeping, the console, and every object field named
 * `stats` (the layers' counters for reports: no layer branches on them).
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
 * its rank among that step's messages to the same cpu; a timeout by its
 * label and ticks (its thread is asleep, so its history says which closure
 * it is).
 *
 * Symmetry (`Machine.symmetric`): threads declared interchangeable are
 * renamed, with their cpus, to a canonical order before the key is written —
 * thread and cpu numbers in lines, messages and per-cpu cells, and numbers in
 * cells that declare what they name (`CellCode`) — so a state and its mirror
 * images share one key.
 *
 * Promises this rests on (the factory's, as for any exhaustive search): the
 * set-up is deterministic; a closure handed to the machine (an atomic op, a
 * spin test, an IPI or timeout function) keeps no private state that changes
 * — whatever it changes lives in cells, thread-locals or extensions — and a
 * closure an IPI handler sends on captures no more than its label and its
 * parent say; with symmetry, no value a thread keeps names another of the
 * symmetric threads except through coded cells.
 */
import { Cell } from "../cell.js";
import type { Cpu, IpiMessage } from "../cpu.js";
import type { Detector } from "../detector.js";
import { MachineConfigError } from "../errors.js";
import type { Extension } from "../extension.js";
import { Thread, type WaitInfo } from "../thread.js";
import { type FieldEncoder, writeCpu, writeThread } from "./fields.js";
import { primitiveKey } from "./stateKey.js";

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

/** The field in which a layer object keeps counters for reports (a lock's acquisitions, …): never behaviour. */
const STATS = "stats";

/** What a cell's number means, when it names a thread or a cpu (symmetry renames it). */
export type CellCode = "thread+1" | "cpu" | "cpumask";

/** A permutation of symmetric threads together with their cpus (identity elsewhere). */
export interface Renaming {
  thread(id: number): number;
  cpu(index: number): number;
}

export const IDENTITY: Renaming = Object.freeze({ thread: (id: number) => id, cpu: (i: number) => i });

/** Where an IPI message was sent from (see the module comment). */
export interface Origin {
  /** s: a thread's step; x: an interrupt; o: a timeout; i: an IPI handler; d: a dispatch; b: the start. */
  readonly kind: "s" | "x" | "o" | "i" | "d" | "b";
  /** The thread (s, x, o) or the cpu (d). */
  readonly id: number;
  readonly hist: number;
  /** The message whose handler sent it (i). */
  readonly parent: IpiMessage | null;
  /** Its rank among the messages that step sent to the same cpu. */
  readonly seq: number;
}

/** The parts of a machine a fingerprint reads. */
export interface FingerprintInput {
  readonly cells: readonly Cell<unknown>[];
  readonly cpus: readonly Cpu[];
  readonly threads: readonly Thread[];
  readonly extensions: ReadonlyMap<Extension<unknown>, unknown>;
  readonly detectors: readonly Detector[];
  /** Threads declared interchangeable (each alone on its cpu), in id order; empty: none. */
  readonly symmetric: readonly Thread[];
}

/** How one machine turns values into keys (and writes the fields of `fields.ts`). */
export class Canon implements FieldEncoder {
  /** Objects reachable at the start of the run, by position in a walk of the set-up state. */
  private readonly setupIds = new WeakMap<object, number>();
  private nextSetup = 1;
  /** Objects the extensions held at the start of the run (not a thread's), by position in a walk of them: histories name them so. */
  private readonly placeIds = new WeakMap<object, number>();
  /** While a history's part is written: objects with a place at this depth or deeper are written by it (-1: none). */
  private placeFrom = -1;
  /** The renaming the current key is written under (null: none). */
  protected ren: Renaming | null = null;
  /** Set by `value` when it wrote a thread or cell reference (a key that renaming can change). */
  private refs = false;
  /** Cells local to each cpu, in creation order (for renaming a per-cpu cell to its counterpart). */
  protected byCpu: Cell<unknown>[][] = [];
  private byCpuCount = -1;
  /** The last cell when they were indexed (a restored state may have dropped and made cells again). */
  private byCpuLast: Cell<unknown> | undefined = undefined;
  /** Moves on each time `byCpu` is made again. */
  protected byCpuStamp = 0;
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
      if ((typeof v !== "object" && typeof v !== "function") || v === null || seen.has(v)) return;
      const o = this.unguard(v);
      if (Array.isArray(o) && o.length === 0) return; // nothing to number (a hash table's empty buckets)
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

  /**
   * Number the objects the extensions' states (`exts`, in a fixed order)
   * reach at the start of the run, in walk order — but those the threads'
   * locals (`owned`) reach: histories write them by this place (see the
   * module comment).
   */
  registerPlaces(exts: readonly unknown[], owned: readonly unknown[]): void {
    const mine = new Set<object>();
    const own = (v: unknown, depth: number): void => {
      if (typeof v !== "object" || v === null || mine.has(v) || depth > MAX_DEPTH) return;
      const o = this.unguard(v);
      mine.add(v).add(o);
      if (o instanceof Cell || o instanceof Thread || this.atom(o) !== undefined) return;
      for (const x of children(o)) own(x, depth + 1);
    };
    for (const r of owned) own(r, 0);
    let next = 1;
    const walk = (v: unknown, depth: number): void => {
      if (typeof v !== "object" || v === null || mine.has(v) || depth >= MAX_DEPTH) return;
      const o = this.unguard(v);
      if (mine.has(o) || this.placeIds.has(o) || o instanceof Cell || o instanceof Thread) return;
      if (this.atom(o) !== undefined) return;
      this.placeIds.set(o, next++);
      for (const x of children(o)) walk(x, depth + 1);
    };
    for (const r of exts) walk(r, 0);
  }

  /** The key of a value a history records (a resume value): objects with a place by it. */
  historyValue(v: unknown): string {
    return this.placed(0, () => this.value(v));
  }

  /**
   * A thread's locals as a history records them: each local's own object by
   * content (a handler may have changed it), the objects with a place it
   * reaches by their place.
   */
  historyLocals(t: Thread): string {
    return this.placed(1, () => Canon.prototype.locals.call(this, t));
  }

  private placed(from: number, write: () => string): string {
    const was = this.placeFrom;
    this.placeFrom = from;
    try {
      return write();
    } finally {
      this.placeFrom = was;
    }
  }

  // ------------------------------------------------------------ the key

  /** The key of the whole state (under the canonical renaming of the symmetric threads, if any). */
  fingerprint(m: FingerprintInput): string {
    this.indexCells(m.cells, m.cpus.length);
    const ren = m.symmetric.length > 1 ? this.canonicalRenaming(m) : null;
    this.ren = ren;
    try {
      return this.write(m, ren ?? IDENTITY);
    } finally {
      this.ren = null;
    }
  }

  private write(m: FingerprintInput, ren: Renaming): string {
    const n = m.cpus.length;
    const inv = inverse(ren, n, m.threads.length);
    const out: string[] = [];
    const late: string[] = [];
    for (const c of m.cells) {
      if (c.cpu >= 0) continue; // with its cpu, below
      if (c.id >= this.runCellsFrom) late.push(`${this.cell(c)}=${this.cellValue(c)}`);
      else out.push(this.cellValue(c));
    }
    out.push(late.sort().join(" "), "#");
    for (let p = 0; p < n; p++) {
      const src = inv.cpu[p]!;
      out.push(writeCpu(m.cpus[src]!, this, inv.cpu), this.byCpu[src]!.map((c) => this.cellValue(c)).join(" "));
    }
    out.push("#");
    for (let i = 0; i < m.threads.length; i++) out.push(writeThread(m.threads[inv.thread[i]!]!, this));
    out.push("#");
    const exts: string[] = [];
    for (const [e, v] of m.extensions) exts.push(`${e.name}=${e.stateKey ? e.stateKey(v) : this.value(v)}`);
    out.push(exts.sort().join("\n"), "#");
    for (const d of m.detectors) {
      if (d.stateKey === undefined) {
        throw new MachineConfigError(
          `detector ${d.name} does not say what its state is (no stateKey), so the state cannot be fingerprinted`,
        );
      }
      out.push(`${d.name}=${d.stateKey(ren)}`);
    }
    return out.join("\n");
  }

  /**
   * Symmetric threads sorted by what each looks like from where it stands:
   * its own line, its cpu's and its cpu's cells, and the shared cells that
   * name threads or cpus — with itself and its cpu as "self" and the other
   * symmetric threads and cpus blurred into one. The first goes to the
   * lowest id of the group, and so on. Any permutation gives a sound key; a
   * good one makes symmetric states meet.
   */
  protected canonicalRenaming(m: FingerprintInput): Renaming {
    const group = m.symmetric;
    // Shared cells that name some thread or cpu now (a coded cell holding 0 names none).
    const named = m.cells.filter(
      (c) => c.cpu < 0 && c.fifo === null && ((c.code !== null && c.v !== 0) || (c.code === null && c.keyRefs)),
    );
    const sig = group.map((self) => {
      this.ren = {
        thread: (id) => (id === self.id ? -3 : isIn(group, id) ? -2 : id),
        cpu: (i) => (i === self.cpu ? -3 : cpuIn(group, i) ? -2 : i),
      };
      const cpu = m.cpus[self.cpu]!;
      const own = this.byCpu[self.cpu]!.map((c) => this.cellValue(c)).join(" ");
      const shared = named.map((c) => `${c.id}=${this.cellValue(c)}`).join(" ");
      return `${writeThread(self, this)}|${writeCpu(cpu, this, null)}|${own}|${shared}`;
    });
    this.ren = null;
    const order = group.map((_, i) => i).sort((a, b) => (sig[a]! < sig[b]! ? -1 : sig[a]! > sig[b]! ? 1 : a - b));
    const threadMap = new Map<number, number>();
    const cpuMap = new Map<number, number>();
    order.forEach((from, to) => {
      threadMap.set(group[from]!.id, group[to]!.id);
      cpuMap.set(group[from]!.cpu, group[to]!.cpu);
    });
    return { thread: (id) => threadMap.get(id) ?? id, cpu: (i) => cpuMap.get(i) ?? i };
  }

  protected indexCells(cells: readonly Cell<unknown>[], ncpus: number): void {
    if (this.byCpuCount === cells.length && this.byCpuLast === cells[cells.length - 1]) return;
    this.byCpu = Array.from({ length: ncpus }, () => []);
    for (const c of cells) if (c.cpu >= 0) this.byCpu[c.cpu]!.push(c);
    this.byCpuCount = cells.length;
    this.byCpuLast = cells[cells.length - 1];
    this.byCpuStamp++;
  }

  /** A cell's value, renamed (its unrenamed key is cached until the cell is written). */
  protected cellValue(c: Cell<unknown>): string {
    if (c.key === null) {
      const ren = this.ren;
      this.ren = null;
      this.refs = false;
      c.key = this.value(c.v);
      c.keyRefs = this.refs;
      this.ren = ren;
    }
    if (this.ren === null) return c.key;
    if (c.code !== null && typeof c.v === "number") return String(recode(c.code, c.v, this.ren));
    return c.keyRefs ? this.value(c.v) : c.key;
  }

  /** A reference to a cell: per-cpu cells follow their cpu, FIFO cells their two cpus. */
  cell(c: Cell<unknown>): string {
    const r = this.ren;
    if (c.fifo !== null) this.refs = true;
    if (c.fifo !== null) return `C:ipiq${r ? r.cpu(c.fifo.from) : c.fifo.from}->${r ? r.cpu(c.fifo.to) : c.fifo.to}`;
    if (c.id >= this.runCellsFrom) return `C:${c.name}`;
    if (r !== null && c.cpu >= 0) {
      this.refs = true;
      const rank = this.byCpu[c.cpu]!.indexOf(c);
      const to = r.cpu(c.cpu);
      return to < 0 ? `C?${rank}` : `C${this.byCpu[to]![rank]?.id ?? `?${rank}`}`;
    }
    if (c.cpu >= 0) this.refs = true;
    return `C${c.id}`;
  }

  private opaque(o: object): string {
    const s = this.setupIds.get(o);
    return s !== undefined ? `@${s}` : `#${globalId(o)}`;
  }

  value(v: unknown, depth = 0): string {
    const p = primitiveKey(v);
    if (p !== null) return p;
    if (typeof v === "function") return this.opaque(v);
    const o = this.unguard(v as object);
    if (o instanceof Cell) return this.cell(o);
    if (o instanceof Thread) {
      this.refs = true;
      return `T${this.ren ? this.ren.thread(o.id) : o.id}`;
    }
    const a = this.atom(o);
    if (a !== undefined) return a;
    if (this.placeFrom >= 0 && depth >= this.placeFrom) {
      const p = this.placeIds.get(o);
      if (p !== undefined) return `&${p}`;
    }
    if (depth >= MAX_DEPTH) return this.opaque(o);
    const d = depth + 1;
    if (Array.isArray(o)) {
      // Sparse: empty arrays (a hash table's empty buckets) are left out, the length says how many slots.
      let s = `[${o.length}|`;
      for (let i = 0; i < o.length; i++) {
        const x: unknown = o[i];
        if (typeof x === "object" && x !== null && Array.isArray(x) && (this.unguard(x) as unknown[]).length === 0) {
          continue;
        }
        s += `${i}:${this.value(x, d)},`;
      }
      return `${s}]`;
    }
    if (o instanceof Map) {
      const parts: string[] = [];
      for (const [k, x] of o) parts.push(`${this.value(k, d)}=>${this.value(x, d)}`);
      return `M{${parts.join(",")}}`;
    }
    if (o instanceof Set) return `S{${Array.from(o, (x) => this.value(x, d)).join(",")}}`;
    const proto = Object.getPrototypeOf(o) as { constructor?: { name?: string } } | null;
    const tag = proto === Object.prototype || proto === null ? "" : (proto.constructor?.name ?? "?");
    const parts: string[] = [];
    for (const k of Object.keys(o)) {
      if (k !== STATS) parts.push(`${k}:${this.value((o as Record<string, unknown>)[k], d)}`);
    }
    return `${tag}{${parts.join(",")}}`;
  }

  thread(id: number): number {
    return this.ren ? this.ren.thread(id) : id;
  }

  cpu(i: number): number {
    return this.ren && i >= 0 ? this.ren.cpu(i) : i;
  }

  /** A thread's code position: its history of resume values. */
  code(t: Thread): number {
    return t.hist;
  }

  wait(w: WaitInfo): string {
    return `${JSON.stringify(w.waitsOn)}/${w.timeout === null ? "-" : `${w.timeout.ticks}:${w.timeout.label}`}`;
  }

  /** Thread-locals by name (the order they were first used in can differ between executions). */
  locals(t: Thread): string {
    const flat = t.localsForKey();
    const pairs: string[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push(`${String(flat[i])}:${this.value(flat[i + 1])}`);
    return pairs.sort().join(",");
  }

  private origin(o: Origin | null): string {
    if (o === null) return "";
    switch (o.kind) {
      case "i":
        return `i(${this.origin(o.parent?.origin ?? null)})#${o.seq}`;
      case "d":
        return `d${this.cpu(o.id)}#${o.seq}`;
      case "b":
        return `b#${o.seq}`;
      default:
        return `${o.kind}${this.thread(o.id)}.${o.hist}#${o.seq}`;
    }
  }

  message(m: IpiMessage): string {
    return `${this.cpu(m.from)}>${this.cpu(m.to)}:${JSON.stringify(m.label)}<${this.origin(m.origin)}>`;
  }
}

/** What a walk of set-up state goes on to from `o`: array items, map keys and values, set members, own fields. */
function children(o: object): unknown[] {
  if (Array.isArray(o)) return o;
  if (o instanceof Map) return Array.from(o, ([k, x]) => [k, x]).flat();
  if (o instanceof Set) return Array.from(o);
  if (typeof o === "function") return [];
  return Object.keys(o).map((k) => (o as Record<string, unknown>)[k]);
}

function isIn(group: readonly Thread[], id: number): boolean {
  for (const t of group) if (t.id === id) return true;
  return false;
}

function cpuIn(group: readonly Thread[], i: number): boolean {
  for (const t of group) if (t.cpu === i) return true;
  return false;
}

/** The inverse permutation as arrays: position → the thread or cpu written there. */
export function inverse(ren: Renaming, ncpus: number, nthreads: number): { cpu: number[]; thread: number[] } {
  const cpu = new Array<number>(ncpus);
  for (let i = 0; i < ncpus; i++) cpu[ren.cpu(i)] = i;
  const thread = new Array<number>(nthreads);
  for (let i = 0; i < nthreads; i++) thread[ren.thread(i)] = i;
  return { cpu, thread };
}

/** A number that names a thread or cpu, renamed. */
function recode(code: CellCode, v: number, ren: Renaming): number {
  switch (code) {
    case "thread+1":
      return v <= 0 ? v : ren.thread(v - 1) + 1;
    case "cpu":
      return v < 0 ? v : ren.cpu(v);
    case "cpumask": {
      let out = 0;
      for (let b = 0; b < 32; b++) if ((v & (1 << b)) !== 0) out |= 1 << ren.cpu(b);
      return out >>> 0;
    }
  }
}
