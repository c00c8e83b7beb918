/**
 * Which trace event a label points at: among the events of its step (its
 * thread's, else any), the one that shows what the label says — the wakeup
 * a missed wakeup names, the blocking point where a thread stops, the
 * console line, panic or violation a report names, else the op of the step.
 */
import type { EvidenceRole, TraceEvent } from "@kprim/machine";

const PREFERRED: Readonly<Record<EvidenceRole, readonly string[]>> = {
  observe: ["op", "lock.acquire", "lock.try-acquire"],
  cause: ["op", "lock.acquire", "lock.try-acquire", "lock.release", "wake", "block"],
  missed: ["sleepq.wakeup", "wake", "op"],
  stuck: ["block", "spin-wait", "sleepq.tsleep", "op"],
  report: ["printf", "panic", "violation", "op"],
};

/** The index in `events` of the event a label at (step, thread) with `role` points at (-1 for an empty trace). */
export function labelAnchor(
  events: readonly TraceEvent[],
  l: { readonly step: number; readonly thread: number; readonly role: EvidenceRole },
): number {
  let first = -1;
  let last = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.step > l.step) break;
    last = i;
    if (e.step === l.step && first < 0) first = i;
  }
  if (first < 0) return last;
  const atStep: number[] = [];
  for (let i = first; i < events.length && events[i]!.step === l.step; i++) atStep.push(i);
  const mine = atStep.filter((i) => events[i]!.thread === l.thread);
  const pool = mine.length !== 0 ? mine : atStep;
  for (const kind of PREFERRED[l.role]) {
    const hit = pool.find((i) => events[i]!.kind === kind);
    if (hit !== undefined) return hit;
  }
  return pool[0]!;
}
