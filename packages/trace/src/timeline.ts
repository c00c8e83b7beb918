/**
 * What the graphical exporters draw, derived once from the event list:
 * spans (thread runs on a cpu, and the critical sections and spin-waits of
 * the running thread inside them), links (an IPI from its send to its take,
 * a wakeup to the switch that ran the woken thread) and lock holds.
 *
 * Positions are indices into `doc.events`, so each exporter picks its own
 * time axis. Invariants: a run starts at a `switch`, `resume` or `preempt`
 * and ends at the thread's `block`, `thread-exit` or its preemption; the
 * critical sections and spin-waits of a thread are cut to its runs (a thread
 * that blocks inside a critical section takes the count with it, and the
 * section is drawn again when it runs again), so every span nests inside
 * the run of its cpu; a link exists only when both ends are in the trace.
 */
import type { TraceEvent } from "@kprim/machine";
import { threadNamer, type TraceDocument } from "./document.js";
import { type LockHold, lockHolds } from "./locks.js";

export type SpanKind = "run" | "crit" | "spin";

export interface Span {
  readonly kind: SpanKind;
  readonly cpu: number;
  readonly thread: number;
  /** Index of the event that opened the span. */
  readonly from: number;
  /** Index of the event that closed it; -1 when still open at the end of the trace. */
  readonly to: number;
  /** What the span was: for a run, how it ended ("blocked: tsleep", "exited", "preempted by X"). */
  readonly label: string;
}

export type LinkKind = "ipi" | "wake";

export interface Link {
  readonly kind: LinkKind;
  /** The machine's message id (IPIs) or wake id (wakeups). */
  readonly id: number;
  readonly from: number;
  readonly to: number;
}

export interface Timeline {
  /** Sorted by start, runs before the sections inside them. */
  readonly spans: readonly Span[];
  readonly links: readonly Link[];
  readonly holds: readonly LockHold[];
}

const SPAN_ORDER: Readonly<Record<SpanKind, number>> = { run: 0, crit: 1, spin: 2 };

interface ThreadState {
  crit: number;
  spinning: string | undefined;
  /** Open nested spans of the running thread: kind → opening index. */
  readonly open: Map<"crit" | "spin", number>;
}

export function buildTimeline(doc: TraceDocument): Timeline {
  const name = threadNamer(doc);
  const spans: Span[] = [];
  const links: Link[] = [];
  const running: ({ thread: number; from: number } | null)[] = Array.from({ length: doc.ncpus }, () => null);
  const states = new Map<number, ThreadState>();
  const sends = new Map<number, number>();
  const wakes = new Map<number, number>();

  const state = (id: number): ThreadState => {
    let s = states.get(id);
    if (s === undefined) states.set(id, (s = { crit: 0, spinning: undefined, open: new Map() }));
    return s;
  };
  const isRunning = (e: TraceEvent): boolean => running[e.cpu]?.thread === e.thread;
  const closeNested = (cpu: number, id: number, kind: "crit" | "spin", to: number): void => {
    const s = state(id);
    const from = s.open.get(kind);
    if (from === undefined) return;
    s.open.delete(kind);
    spans.push({ kind, cpu, thread: id, from, to, label: kind === "crit" ? "critical section" : `spin ${s.spinning}` });
  };
  const endRun = (cpu: number, to: number, label: string): void => {
    const r = running[cpu];
    if (r === null || r === undefined) return;
    closeNested(cpu, r.thread, "spin", to);
    closeNested(cpu, r.thread, "crit", to);
    spans.push({ kind: "run", cpu, thread: r.thread, from: r.from, to, label });
    running[cpu] = null;
  };
  const startRun = (cpu: number, id: number, from: number): void => {
    endRun(cpu, from, `switched away from`);
    running[cpu] = { thread: id, from };
    const s = state(id);
    if (s.crit > 0) s.open.set("crit", from);
    if (s.spinning !== undefined) s.open.set("spin", from);
  };

  doc.events.forEach((e, i) => {
    // Event kinds are open (layers add their own): the rest fall to the default.
    const kind: string = e.kind;
    switch (kind) {
      case "switch":
        startRun(e.cpu, e.target ?? e.thread, i);
        if (e.flow !== undefined && wakes.has(e.flow))
          links.push({ kind: "wake", id: e.flow, from: wakes.get(e.flow)!, to: i });
        return;
      case "resume":
        startRun(e.cpu, e.thread, i);
        return;
      case "preempt":
        endRun(e.cpu, i, `preempted by ${name(e.thread)}`);
        startRun(e.cpu, e.thread, i);
        return;
      case "block":
        if (isRunning(e)) endRun(e.cpu, i, `blocked${e.detail !== undefined ? `: ${e.detail}` : ""}`);
        return;
      case "thread-exit":
        if (isRunning(e)) endRun(e.cpu, i, "exited");
        return;
      case "crit-enter": {
        const s = state(e.thread);
        if (++s.crit === 1 && isRunning(e)) s.open.set("crit", i);
        return;
      }
      case "crit-exit": {
        const s = state(e.thread);
        s.crit = Math.max(0, s.crit - 1);
        if (s.crit === 0) closeNested(e.cpu, e.thread, "crit", i);
        return;
      }
      case "spin-wait": {
        const s = state(e.thread);
        s.spinning = e.obj ?? "";
        if (isRunning(e)) s.open.set("spin", i);
        return;
      }
      case "spin-done":
        closeNested(e.cpu, e.thread, "spin", i);
        state(e.thread).spinning = undefined;
        return;
      case "ipi-send":
        if (e.flow !== undefined) sends.set(e.flow, i);
        return;
      case "ipi-take":
        if (e.flow !== undefined && sends.has(e.flow))
          links.push({ kind: "ipi", id: e.flow, from: sends.get(e.flow)!, to: i });
        return;
      case "wake":
        if (e.flow !== undefined) wakes.set(e.flow, i);
        return;
      default:
        return;
    }
  });
  for (let cpu = 0; cpu < doc.ncpus; cpu++) endRun(cpu, -1, "running when the trace ends");
  spans.sort((a, b) => a.from - b.from || SPAN_ORDER[a.kind] - SPAN_ORDER[b.kind]);
  links.sort((a, b) => a.from - b.from || a.to - b.to);
  return { spans, links, holds: lockHolds(doc.events, name) };
}
