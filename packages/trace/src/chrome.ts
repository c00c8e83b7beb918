/**
 * Chrome trace event JSON (the Trace Event Format), which Perfetto and
 * chrome://tracing open.
 *
 * Layout: one process (the machine) with one track per cpu (tid = cpu + 1).
 * On a cpu's track: "X" slices for thread runs, with the running thread's
 * critical sections and spin-waits nested inside, and short marker slices
 * for IPI sends, IPI takes and wakeups; "i" instants for console lines,
 * panics and every other event (ops, interrupts, timeouts, layer events).
 * Flow arrows ("s" → "f", binding to the enclosing slice) join an IPI's send
 * to its take, and a wakeup to the switch that ran the woken thread. Lock
 * holds (see locks.ts) are async slices ("b"/"e"), one track per lock.
 * Violations and the failure point are global instants; labels (the
 * failure's evidence) are instants named by what they say (cat "label") on
 * the track of the event they point at.
 *
 * Time: 1 µs of trace time = 1 simulated cycle of the event's cpu. Events
 * that share a cycle on one cpu are spread 1 ns apart in their order, so
 * every event of a track has its own instant and slices nest exactly.
 * Timestamps are cycles + n/1000 with integer n, written exactly.
 *
 * Pure: the same document gives byte-identical JSON.
 */
import { describeOutcome, type TraceEvent } from "@kprim/machine";
import { labelAnchor } from "./anchor.js";
import { checkDocument, threadNamer, type TraceDocument } from "./document.js";
import { buildTimeline } from "./timeline.js";
import { documentFailure } from "./window.js";

/** Metadata: names and sort order of the process and the cpu tracks. */
export interface ChromeMetadataEvent {
  readonly name: "process_name" | "process_sort_index" | "thread_name" | "thread_sort_index";
  readonly ph: "M";
  readonly ts: 0;
  readonly pid: number;
  readonly tid: number;
  readonly args: { readonly name: string } | { readonly sort_index: number };
}

export interface ChromeCompleteEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: "X";
  readonly ts: number;
  readonly dur: number;
  readonly pid: number;
  readonly tid: number;
  readonly args: Readonly<Record<string, string | number | boolean>>;
}

export interface ChromeInstantEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: "i";
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  /** Scope: thread (a cpu track) or global (across the whole trace). */
  readonly s: "t" | "g";
  readonly args: Readonly<Record<string, string | number | boolean>>;
}

export interface ChromeFlowEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: "s" | "f";
  readonly id: number;
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  /** On "f": bind to the enclosing slice. */
  readonly bp?: "e";
}

export interface ChromeAsyncEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: "b" | "e";
  readonly id: number;
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  readonly args: Readonly<Record<string, string | number | boolean>>;
}

export type ChromeTraceEvent =
  ChromeMetadataEvent | ChromeCompleteEvent | ChromeInstantEvent | ChromeFlowEvent | ChromeAsyncEvent;

export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[];
  readonly displayTimeUnit: "ns";
  readonly otherData: Readonly<Record<string, string>>;
}

/** The machine's process id in the trace. */
export const CHROME_PID = 1;

/** The track (tid) of a cpu. */
export function cpuTrack(cpu: number): number {
  return cpu + 1;
}

/** Events on one cpu's track at the same instant are ordered by layer: parents before children, flows after their slice. */
const RANK = {
  run: 0,
  wakeArrival: 1,
  crit: 2,
  spin: 3,
  marker: 4,
  flow: 5,
  instant: 6,
  lock: 7,
  global: 8,
} as const;

interface Placed {
  readonly ev: ChromeTraceEvent;
  /** Integer nanoseconds of trace time. */
  readonly ns: number;
  readonly rank: number;
  readonly dur: number;
  readonly order: number;
}

/** Kinds drawn as slices, flows or holds rather than as instants. */
const STRUCTURAL: ReadonlySet<string> = new Set([
  "switch",
  "resume",
  "preempt",
  "block",
  "thread-exit",
  "crit-enter",
  "crit-exit",
  "spin-wait",
  "spin-done",
  "ipi-send",
  "ipi-take",
  "wake",
  "violation",
  "mp-acquire",
  "mp-release",
  "lock.acquire",
  "lock.release",
]);

/** Build the trace as an object (see the file header for the layout). */
export function toChromeTrace(doc: TraceDocument): ChromeTrace {
  checkDocument(doc);
  const name = threadNamer(doc);
  const events = doc.events;
  const tl = buildTimeline(doc);
  const ns = eventTimes(events, doc.ncpus);
  const endNs = Array.from({ length: doc.ncpus }, () => 0);
  events.forEach((e, i) => (endNs[e.cpu] = ns[i]! + 1));
  const traceEnd = Math.max(0, ...endNs);
  const placed: Placed[] = [];
  const put = (ev: ChromeTraceEvent, at: number, rank: number, dur = 0): void => {
    placed.push({ ev, ns: at, rank, dur, order: placed.length });
  };
  const threadOf = (id: number) => doc.threads.find((t) => t.id === id);
  const where = (e: TraceEvent) => ({ pid: CHROME_PID, tid: cpuTrack(e.cpu) });
  const base = (e: TraceEvent) => ({ step: e.step, seq: e.seq, cycle: e.cycle, thread: name(e.thread) });

  for (const s of tl.spans) {
    const from = ns[s.from]!;
    const to = s.to < 0 ? endNs[s.cpu]! : ns[s.to]!;
    const opened = events[s.from]!;
    const closed = s.to < 0 ? undefined : events[s.to]!;
    const t = threadOf(s.thread);
    const args: Record<string, string | number | boolean> = {
      thread: name(s.thread),
      fromStep: opened.step,
      toStep: closed?.step ?? doc.steps,
    };
    if (s.kind === "run") {
      args["ended"] = s.label;
      if (t !== undefined) Object.assign(args, { kind: t.kind, pri: t.pri });
    }
    const sliceName = s.kind === "run" ? name(s.thread) : s.label;
    put(slice(sliceName, s.kind, from, to, cpuTrack(s.cpu), args), from, RANK[s.kind], to - from);
  }

  events.forEach((e, i) => {
    const at = ns[i]!;
    const marker = (label: string, cat: string): void =>
      put(slice(label, cat, at, at + 1, cpuTrack(e.cpu), base(e)), at, RANK.marker, 1);
    const instant = (label: string, cat: string): void =>
      put({ name: label, cat, ph: "i", ts: micros(at), ...where(e), s: "t", args: base(e) }, at, RANK.instant);
    // Event kinds are open (layers add their own), so this switch reads the kind as a string.
    const kind: string = e.kind;
    switch (kind) {
      case "ipi-send":
        return marker(`IPI to cpu${e.target ?? "?"}: ${e.obj ?? ""}`, "ipi");
      case "ipi-take":
        return marker(`IPI from cpu${e.target ?? "?"}: ${e.obj ?? ""}`, "ipi");
      case "wake":
        return marker(`wakeup ${e.obj ?? ""}`, "wake");
      case "printf":
        return instant(e.detail ?? "", "console");
      case "panic":
        return instant(`panic: ${e.detail ?? ""}`, "failure");
      default:
        if (!STRUCTURAL.has(kind)) instant(describe(e), kind);
        return;
    }
  });

  for (const l of tl.links) {
    const id = l.kind === "ipi" ? 2 * l.id : 2 * l.id + 1;
    const flow = (ph: "s" | "f", at: number): ChromeFlowEvent => ({
      name: l.kind === "ipi" ? "IPI" : "wakeup",
      cat: l.kind,
      ph,
      id,
      ts: micros(ns[at]!),
      ...where(events[at]!),
      ...(ph === "f" ? { bp: "e" as const } : {}),
    });
    put(flow("s", l.from), ns[l.from]!, RANK.flow);
    put(flow("f", l.to), ns[l.to]!, l.kind === "ipi" ? RANK.flow : RANK.wakeArrival);
  }

  tl.holds.forEach((h, id) => {
    const from = ns[h.from]!;
    const to = Math.max(from, h.to < 0 ? traceEnd : ns[h.to]!);
    const acq = events[h.from]!;
    const args: Record<string, string | number | boolean> = { holder: h.holder, fromStep: acq.step };
    if (h.mode !== undefined) args["mode"] = h.mode;
    put({ name: h.lock, cat: "lock", ph: "b", id, ts: micros(from), ...where(acq), args }, from, RANK.lock);
    const rel = h.to < 0 ? undefined : events[h.to]!;
    const endArgs = rel === undefined ? { heldAtEnd: true } : { toStep: rel.step };
    put({ name: h.lock, cat: "lock", ph: "e", id, ts: micros(to), ...where(rel ?? acq), args: endArgs }, to, RANK.lock);
  });

  for (const l of doc.labels ?? []) {
    const i = labelAnchor(events, l);
    if (i < 0) continue;
    const e = events[i]!;
    const who = l.thread < 0 ? undefined : name(l.thread);
    put(
      {
        name: `${who === undefined ? "" : `${who} `}${l.label}`,
        cat: "label",
        ph: "i",
        ts: micros(ns[i]!),
        ...where(e),
        s: "t",
        args: { step: l.step, role: l.role, ...(who === undefined ? {} : { thread: who }) },
      },
      ns[i]!,
      RANK.instant,
    );
  }

  const point = documentFailure(doc);
  if (point !== undefined) {
    const fail = point.step;
    const at = stepTime(events, ns, fail, traceEnd);
    const global = (label: string, args: Record<string, string | number>): ChromeInstantEvent => ({
      name: label,
      cat: "failure",
      ph: "i",
      ts: micros(at),
      pid: CHROME_PID,
      tid: cpuTrack(0),
      s: "g",
      args,
    });
    for (const e of events) {
      if (e.kind === "violation")
        put(global(`violation [${e.obj ?? "?"}]: ${e.detail ?? ""}`, { step: e.step }), at, RANK.global);
    }
    put(global(`failure point: ${point.text}`, { step: fail, outcome: doc.outcome.kind }), at, RANK.global);
  }

  placed.sort((a, b) => a.ns - b.ns || a.rank - b.rank || b.dur - a.dur || a.order - b.order);
  return {
    traceEvents: [...metadata(doc), ...placed.map((p) => p.ev)],
    displayTimeUnit: "ns",
    otherData: otherData(doc),
  };
}

/** The trace as JSON text: one event a line, byte-identical for the same document. */
export function toChromeTraceJson(doc: TraceDocument): string {
  const t = toChromeTrace(doc);
  const lines = t.traceEvents.map((e) => JSON.stringify(e));
  return (
    `{"displayTimeUnit":${JSON.stringify(t.displayTimeUnit)},"otherData":${JSON.stringify(t.otherData)},` +
    `"traceEvents":[\n${lines.join(",\n")}\n]}\n`
  );
}

/** Per event, integer ns of trace time: cycle × 1000, or 1 ns after the cpu's previous event if that is later. */
function eventTimes(events: readonly TraceEvent[], ncpus: number): number[] {
  const last = Array.from({ length: ncpus }, () => -1);
  return events.map((e) => {
    const t = Math.max(Math.round(e.cycle * 1000), last[e.cpu]! + 1);
    last[e.cpu] = t;
    return t;
  });
}

/** Trace time of a step: its last event (the end of the trace when the step has none). */
function stepTime(events: readonly TraceEvent[], ns: readonly number[], step: number, fallback: number): number {
  let at = -1;
  events.forEach((e, i) => {
    if (e.step === step && e.kind !== "violation") at = Math.max(at, ns[i]!);
  });
  return at < 0 ? fallback : at;
}

function micros(ns: number): number {
  return ns / 1000;
}

function slice(
  name: string,
  cat: string,
  from: number,
  to: number,
  tid: number,
  args: Readonly<Record<string, string | number | boolean>>,
): ChromeCompleteEvent {
  return { name, cat, ph: "X", ts: micros(from), dur: micros(to - from), pid: CHROME_PID, tid, args };
}

function describe(e: TraceEvent): string {
  const parts: string[] = e.kind === "op" ? [] : [e.kind];
  if (e.obj !== undefined) parts.push(e.obj);
  if (e.detail !== undefined) parts.push(e.detail);
  return parts.join(" ") || e.kind;
}

function metadata(doc: TraceDocument): ChromeMetadataEvent[] {
  const title = `kprim ${doc.scenario}${doc.variant !== undefined ? ` [${doc.variant}]` : ""}`;
  const out: ChromeMetadataEvent[] = [
    { name: "process_name", ph: "M", ts: 0, pid: CHROME_PID, tid: 0, args: { name: title } },
    { name: "process_sort_index", ph: "M", ts: 0, pid: CHROME_PID, tid: 0, args: { sort_index: 0 } },
  ];
  for (let cpu = 0; cpu < doc.ncpus; cpu++) {
    const tid = cpuTrack(cpu);
    out.push({ name: "thread_name", ph: "M", ts: 0, pid: CHROME_PID, tid, args: { name: `cpu${cpu}` } });
    out.push({ name: "thread_sort_index", ph: "M", ts: 0, pid: CHROME_PID, tid, args: { sort_index: cpu } });
  }
  return out;
}

function otherData(doc: TraceDocument): Record<string, string> {
  const d: Record<string, string> = {
    scenario: doc.scenario,
    timebase: "1 us of trace time = 1 simulated cycle; events sharing a cycle on one cpu are 1 ns apart",
    outcome: describeOutcome(doc.outcome),
  };
  if (doc.variant !== undefined && doc.settings === undefined) d["variant"] = doc.variant;
  for (const x of doc.settings ?? []) if (!(x.name in d)) d[x.name] = x.value;
  if (doc.replayCommand !== undefined) d["replay"] = doc.replayCommand;
  if (doc.window !== undefined)
    d["racyWindow"] = `steps ${doc.window.fromStep}..${doc.window.toStep}: ${doc.window.reason}`;
  if (doc.failurePoint !== undefined) d["failurePoint"] = `step ${doc.failurePoint.step}: ${doc.failurePoint.text}`;
  return d;
}
