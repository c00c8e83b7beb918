/**
 * Plain text: one line per event, readable like a kernel console log — step,
 * cycle, cpu, thread, kind, object, detail (the machine's `formatEvent`
 * columns) — under a header naming the scenario, variant, replay command,
 * threads and racy window, and closed by the outcome. A gutter marks the
 * racy window (">") and the failure step ("!"); an explicit failure point
 * (a run that printed what the explorer looked for) is named in the header.
 *
 * Pure: the same document gives byte-identical text.
 */
import { describeOutcome, formatEvent } from "@kprim/machine";
import { checkDocument, threadNamer, type TraceDocument } from "./document.js";
import { documentFailure } from "./window.js";

export function toText(doc: TraceDocument): string {
  checkDocument(doc);
  const name = threadNamer(doc);
  const w = doc.window;
  const point = documentFailure(doc);
  const fail = point?.step;
  const lines = [`# kprim trace: ${doc.scenario}${doc.variant !== undefined ? ` (variant ${doc.variant})` : ""}`];
  if (doc.replayCommand !== undefined) lines.push(`# replay: ${doc.replayCommand}`);
  const threads = doc.threads.map((t) => `${t.name} on cpu${t.cpu} (${t.kind}, pri ${t.pri})`);
  lines.push(`# ${doc.ncpus} cpu${doc.ncpus === 1 ? "" : "s"}; threads: ${threads.join(", ") || "none"}`);
  if (w !== undefined) lines.push(`# racy window: steps ${w.fromStep}..${w.toStep} (${w.reason})`);
  if (doc.failurePoint !== undefined)
    lines.push(`# failure point: step ${doc.failurePoint.step} (${doc.failurePoint.text})`);
  for (const e of doc.events) {
    const gutter = e.step === fail ? "!" : w !== undefined && e.step >= w.fromStep && e.step <= w.toStep ? ">" : " ";
    lines.push(`${gutter} ${formatEvent(e, name)}`);
  }
  lines.push(`# outcome: ${describeOutcome(doc.outcome)}`);
  return `${lines.join("\n")}\n`;
}
