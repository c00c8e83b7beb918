/**
 * Trace events and console lines. Every step emits zero or more events; a
 * traced run keeps them all, detectors get each step's. Which kinds were
 * emitted is kept even with events off (explorers ask after a run).
 *
 * Calling context: during a run, from the step that causes the event; the
 * event carries the current step number and the cpu's clock.
 */
import type { Thread } from "../thread.js";
import type { TraceEvent, TraceEventKind } from "../trace.js";
import type { Core } from "./core.js";

/** Emit an event on `cpu` for thread `t` (or the cpu itself). */
export function emit(
  core: Core,
  cpu: number,
  t: Thread | null,
  kind: TraceEventKind,
  obj?: string,
  detail?: string,
  target?: number,
  flow?: number,
): void {
  (core.kindsEmitted ??= new Set()).add(kind);
  if (!core.eventsOn) return;
  const ev: TraceEvent = {
    seq: core.seq++,
    step: core.stepCount,
    cycle: core.cpus[cpu]?.clock ?? 0,
    cpu,
    thread: t?.id ?? -1,
    kind,
    obj,
    detail,
    target,
    flow,
  };
  if (core.detectors.length !== 0) core.stepEvents.push(ev);
  core.traceLog?.push(ev);
}

/** A kernel console line (an observation, not a failure), and its event. */
export function printf(core: Core, cpu: number, t: Thread | null, text: string): void {
  core.consoleLines.push({ step: core.stepCount, cpu, thread: t?.name ?? `cpu${cpu}`, text });
  if (core.eventsOn) emit(core, cpu, t, "printf", undefined, text);
}

/** Whether any step so far emitted an event of this kind. */
export function emitted(core: Core, kind: TraceEventKind): boolean {
  return core.kindsEmitted?.has(kind) ?? false;
}
