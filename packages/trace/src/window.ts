/**
 * The racy window: the steps of a failure a reader should look at first.
 *
 * Rule (documented in the README, the same for every exporter):
 * - `step-limit` runs have none; an `ok` run has one only for a console line
 *   chosen as its failure point (`focus`).
 * - The window ends at the failure step (`outcome.step`, or the line's).
 * - It starts at the earliest piece of the failure's evidence (evidence.ts:
 *   what the detectors say the failure relies on — the last observation that
 *   went stale, what made it stale — or, from the trace, the locks the
 *   failing threads hold and where they stopped).
 * - Without evidence, the failing threads are the violation's threads, the
 *   panicking thread or the deadlock's waiters (all threads that ran, when
 *   the outcome names none), and:
 *   - stale write: if a failing thread A loaded a cell, another failing
 *     thread then wrote it, and A then stored or swapped it (the lost-update
 *     shape), the window starts at A's load — the latest such triple before
 *     the failure wins;
 *   - otherwise it starts where the failing threads' last runs began
 *     (switched in, resumed after preemption, or preempted in), the earliest
 *     of them.
 */
import { describeOutcome, type Outcome, type TraceEvent } from "@kprim/machine";
import type { FailurePoint, RacyWindow, TraceDocument } from "./document.js";
import { type ConsoleFocus, type EvidenceInput, failureEvidence, focusLine, type TraceLabel } from "./evidence.js";

/** What the rule reads from a run. */
export type WindowInput = EvidenceInput;

/** Cell ops that write unconditionally, so a stale value they write is lost. */
const STALE_WRITES: ReadonlySet<string> = new Set(["store", "swap"]);
/** Cell ops that write (any of them can make another thread's load stale). */
const WRITES: ReadonlySet<string> = new Set(["store", "swap", "cas", "fetch-add", "add", "or", "and"]);

/** The step a failing outcome happened at; undefined for `ok`. */
export function failureStep(o: Outcome): number | undefined {
  switch (o.kind) {
    case "ok":
      return undefined;
    case "panic":
    case "violation":
    case "deadlock":
    case "step-limit":
      return o.step;
    default: {
      const never: never = o;
      return never;
    }
  }
}

/** The failure point a document marks: its explicit one, else the failing outcome's step (none for `ok`). */
export function documentFailure(doc: Pick<TraceDocument, "outcome" | "failurePoint">): FailurePoint | undefined {
  if (doc.failurePoint !== undefined) return doc.failurePoint;
  const step = failureStep(doc.outcome);
  return step === undefined ? undefined : { step, text: describeOutcome(doc.outcome) };
}

/**
 * The racy window of a run (see the file header): of its failure, or of the
 * console line `focus` of a run that ended ok; undefined when there is none.
 */
export function racyWindow(run: WindowInput, focus?: ConsoleFocus): RacyWindow | undefined {
  const o = run.outcome;
  const name = (id: number): string => run.threads.find((t) => t.id === id)?.name ?? `thread${id}`;
  if (o.kind === "step-limit") return undefined;
  if (o.kind === "ok") {
    const line = focus === undefined ? undefined : focusLine(run, focus);
    if (line === undefined) return undefined;
    return evidenceWindow(failureEvidence(run, focus), line.step, name);
  }
  const to = o.step;
  if (run.trace === null) return { fromStep: to, toStep: to, reason: "the failure step (the run kept no trace)" };
  const byEvidence = evidenceWindow(failureEvidence(run), to, name);
  if (byEvidence !== undefined) return byEvidence;
  const events = run.trace.filter((e) => e.step <= to);
  let failing = failingThreads(o, run);
  if (failing.size === 0) failing = new Set(events.filter((e) => e.thread >= 0).map((e) => e.thread));

  const stale = staleWrite(events, failing);
  if (stale !== undefined) {
    return {
      fromStep: stale.read,
      toStep: to,
      reason:
        `${name(stale.thread)} loaded ${stale.cell} at step ${stale.read}, ${name(stale.other)} wrote it at step ` +
        `${stale.otherWrite}, and ${name(stale.thread)} wrote its stale value at step ${stale.write}`,
    };
  }
  let from = to;
  for (const id of failing) {
    const start = lastRunStart(events, id);
    if (start !== undefined) from = Math.min(from, start);
  }
  const who = [...failing].map(name).join(", ");
  return { fromStep: from, toStep: to, reason: `from where the last runs of ${who} began to the failure` };
}

/** From the earliest piece of evidence up to `to`, the reason listing them (undefined without any). */
function evidenceWindow(
  labels: readonly TraceLabel[],
  to: number,
  name: (id: number) => string,
): RacyWindow | undefined {
  const inside = labels.filter((l) => l.step <= to);
  if (inside.length === 0) return undefined;
  return { fromStep: inside[0]!.step, toStep: to, reason: describeEvidence(inside, name) };
}

/** "step 12: T_w tests L's flags; step 15: T_h releases L; ..." */
export function describeEvidence(labels: readonly TraceLabel[], name: (id: number) => string): string {
  return labels.map((l) => `step ${l.step}: ${l.thread < 0 ? "" : `${name(l.thread)} `}${l.label}`).join("; ");
}

function failingThreads(o: Exclude<Outcome, { kind: "ok" | "step-limit" }>, run: WindowInput): Set<number> {
  switch (o.kind) {
    case "violation":
      return new Set(o.threads);
    case "panic":
      return new Set(run.threads.filter((t) => t.name === o.thread).map((t) => t.id));
    case "deadlock":
      return new Set(o.waiters.map((w) => w.thread));
    default: {
      const never: never = o;
      return never;
    }
  }
}

interface StaleWrite {
  readonly thread: number;
  readonly cell: string;
  readonly read: number;
  readonly other: number;
  readonly otherWrite: number;
  readonly write: number;
}

/** The latest load → foreign write → stale store triple among `failing` threads. */
function staleWrite(events: readonly TraceEvent[], failing: ReadonlySet<number>): StaleWrite | undefined {
  // Per cell, per thread: the step of the thread's pending load, and the first foreign write since.
  const loads = new Map<string, Map<number, { read: number; other?: { thread: number; step: number } }>>();
  let found: StaleWrite | undefined;
  for (const e of events) {
    if (e.kind !== "op" || e.obj === undefined || e.detail === undefined || !failing.has(e.thread)) continue;
    const cell = e.obj;
    let pending = loads.get(cell);
    if (pending === undefined) loads.set(cell, (pending = new Map()));
    if (e.detail === "load") {
      pending.set(e.thread, { read: e.step });
      continue;
    }
    if (!WRITES.has(e.detail)) continue;
    const mine = pending.get(e.thread);
    if (mine !== undefined) {
      if (mine.other !== undefined && STALE_WRITES.has(e.detail)) {
        found = {
          thread: e.thread,
          cell,
          read: mine.read,
          other: mine.other.thread,
          otherWrite: mine.other.step,
          write: e.step,
        };
      }
      pending.delete(e.thread);
    }
    for (const [thread, load] of pending) {
      if (thread !== e.thread && load.other === undefined) load.other = { thread: e.thread, step: e.step };
    }
  }
  return found;
}

/** The step at which thread `id` last got a cpu (switch, resume or preempting in). */
function lastRunStart(events: readonly TraceEvent[], id: number): number | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (
      (e.kind === "switch" && e.target === id) ||
      ((e.kind === "resume" || e.kind === "preempt") && e.thread === id)
    ) {
      return e.step;
    }
  }
  return undefined;
}
