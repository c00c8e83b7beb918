/**
 * The evidence of a failure: the steps it relies on, each with a few words,
 * from which the racy window and the labels on the timeline are made.
 *
 * Where it comes from, first found wins:
 * - a violation: the evidence its reports carry (`Finding.evidence`), then
 *   the detectors' explanations of the reports that carried none;
 * - a panic: the detectors' explanations of it;
 * - a console line (the failure point of a run that ended `ok`, such as
 *   getnewbuf's warnings): the detectors' explanations of that line;
 * - otherwise, from the trace: the locks the failing threads hold at the
 *   failure (where each was taken) and the blocking points they stopped at
 *   in the failure step (a deadlock: every waiter's last blocking point).
 *
 * Pieces are sorted by step and thread; duplicates (one step, thread and
 * role, as two reports of one race give) are kept once.
 */
import type { ConsoleLine, Evidence, EvidenceRole, Outcome, RunResult, TraceEvent } from "@kprim/machine";
import { lockHolds } from "./locks.js";

/** What the evidence is read from. */
export type EvidenceInput = Pick<RunResult, "outcome" | "threads" | "trace"> &
  Partial<Pick<RunResult, "explanations" | "console">>;

/** A console line chosen as the failure point of a run, by its index in `console`. */
export interface ConsoleFocus {
  readonly index: number;
}

/** A piece of evidence with its thread's name, as the exporters label it. */
export interface TraceLabel {
  readonly step: number;
  /** Thread id, -1 for the machine. */
  readonly thread: number;
  readonly label: string;
  readonly role: EvidenceRole;
}

/** The evidence of `run`'s failure (the console line `focus` for a run that ended ok); [] when there is none. */
export function failureEvidence(run: EvidenceInput, focus?: ConsoleFocus): TraceLabel[] {
  const o = run.outcome;
  const explained = run.explanations ?? [];
  let found: readonly Evidence[] = [];
  if (o.kind === "violation") {
    found = o.reports.flatMap((r) => r.evidence ?? []);
    const more = explained.filter((x) => x.about.kind === "violation").flatMap((x) => x.evidence);
    found = [...found, ...more];
  } else if (o.kind === "panic") {
    found = explained.filter((x) => x.about.kind === "panic").flatMap((x) => x.evidence);
  } else if (o.kind === "ok" && focus !== undefined) {
    found = explained
      .filter((x) => x.about.kind === "console" && x.about.index === focus.index)
      .flatMap((x) => x.evidence);
  }
  if (found.length === 0 && o.kind !== "ok" && o.kind !== "step-limit" && run.trace !== null) {
    found = fromTrace(o, run);
  }
  return tidy(found);
}

/** The console line a run that ended ok is best shown by: the first containing `text`, else the first explained one. */
export function consoleFocus(run: EvidenceInput, text?: string): ConsoleFocus | undefined {
  if (run.outcome.kind !== "ok") return undefined;
  if (text !== undefined) {
    const i = (run.console ?? []).findIndex((l) => l.text.includes(text));
    return i < 0 ? undefined : { index: i };
  }
  const x = (run.explanations ?? []).find((e) => e.about.kind === "console");
  return x === undefined || x.about.kind !== "console" ? undefined : { index: x.about.index };
}

/** The line of a focus. */
export function focusLine(run: EvidenceInput, focus: ConsoleFocus): ConsoleLine | undefined {
  return run.console?.[focus.index];
}

function tidy(found: readonly Evidence[]): TraceLabel[] {
  const seen = new Set<string>();
  const out: TraceLabel[] = [];
  for (const e of found) {
    const label: TraceLabel = { step: e.step, thread: e.thread ?? -1, label: e.label, role: e.role ?? "cause" };
    const key = `${label.step}/${label.thread}/${label.role}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(label);
  }
  return out.sort((a, b) => a.step - b.step || a.thread - b.thread);
}

/** Failing threads' held locks and blocking points, from the trace alone. */
function fromTrace(o: Exclude<Outcome, { kind: "ok" | "step-limit" }>, run: EvidenceInput): Evidence[] {
  const trace = run.trace ?? [];
  const at = o.step;
  const events = trace.filter((e) => e.step <= at);
  const ids = new Map(run.threads.map((t) => [t.name, t.id]));
  const failing =
    o.kind === "violation"
      ? o.threads
      : o.kind === "panic"
        ? run.threads.filter((t) => t.name === o.thread).map((t) => t.id)
        : o.waiters.map((w) => w.thread);
  const mine = new Set(failing);
  const out: Evidence[] = [];
  const names = new Map(run.threads.map((t) => [t.id, t.name]));
  for (const h of lockHolds(events, (id) => names.get(id) ?? `thread${id}`)) {
    const holder = ids.get(h.holder);
    if (holder === undefined || !mine.has(holder) || h.to >= 0) continue;
    const e = events[h.from]!;
    out.push({ step: e.step, thread: holder, label: `takes ${h.lock}`, role: "cause" });
  }
  for (const id of mine) {
    const stop = lastStop(events, id, o.kind === "deadlock" ? 0 : at);
    if (stop !== undefined) out.push({ step: stop.step, thread: id, label: stopLabel(stop), role: "stuck" });
  }
  return out;
}

/** The thread's last blocking point or spin-wait at or after step `from`. */
function lastStop(events: readonly TraceEvent[], id: number, from: number): TraceEvent | undefined {
  for (let i = events.length - 1; i >= 0 && events[i]!.step >= from; i--) {
    const e = events[i]!;
    if (e.thread === id && (e.kind === "block" || e.kind === "spin-wait" || e.kind === "mp-contended")) return e;
  }
  return undefined;
}

function stopLabel(e: TraceEvent): string {
  if (e.kind === "spin-wait") return `spins on ${e.obj ?? "?"}`;
  if (e.kind === "mp-contended") return "waits for the MP lock";
  return `blocks${e.detail !== undefined ? ` (${e.detail})` : ""}`;
}
