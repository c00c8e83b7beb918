/**
 * Plain text: one line per event, readable like a kernel console log — step,
 * cycle, cpu, thread, kind, object, detail (the machine's `formatEvent`
 * columns) — under a header naming the scenario, variant, replay command,
 * threads and racy window (with what ran, line by line, when the document
 * says it), and closed by the outcome. A gutter marks the racy window (">")
 * and the failure step ("!"); an explicit failure point (a run that printed
 * what the explorer looked for) is named in the header; each label follows
 * the line of the event it points at ("<- T_w tests L's condition [observe]").
 *
 * Pure: the same document gives byte-identical text.
 */
import { describeOutcome, formatEvent } from "@kprim/machine";
import { labelAnchor } from "./anchor.js";
import { checkDocument, threadNamer, type TraceDocument } from "./document.js";
import { documentFailure } from "./window.js";

export function toText(doc: TraceDocument): string {
  checkDocument(doc);
  const name = threadNamer(doc);
  const w = doc.window;
  const point = documentFailure(doc);
  const fail = point?.step;
  const variant = doc.settings === undefined && doc.variant !== undefined ? ` (variant ${doc.variant})` : "";
  const lines = [`# kprim trace: ${doc.scenario}${variant}`];
  for (const x of doc.settings ?? []) lines.push(`# ${x.name}: ${x.value}`);
  const notes = new Map<number, string[]>();
  for (const l of doc.labels ?? []) {
    const at = labelAnchor(doc.events, l);
    const list = notes.get(at) ?? [];
    list.push(`${l.thread < 0 ? "" : `${name(l.thread)} `}${l.label} [${l.role}]`);
    notes.set(at, list);
  }
  if (doc.replayCommand !== undefined) lines.push(`# replay: ${doc.replayCommand}`);
  const threads = doc.threads.map((t) => `${t.name} on cpu${t.cpu} (${t.kind}, pri ${t.pri})`);
  lines.push(`# ${doc.ncpus} cpu${doc.ncpus === 1 ? "" : "s"}; threads: ${threads.join(", ") || "none"}`);
  if (w !== undefined) lines.push(`# racy window: steps ${w.fromStep}..${w.toStep} (${w.reason})`);
  if (doc.failurePoint !== undefined)
    lines.push(`# failure point: step ${doc.failurePoint.step} (${doc.failurePoint.text})`);
  doc.events.forEach((e, i) => {
    const gutter = e.step === fail ? "!" : w !== undefined && e.step >= w.fromStep && e.step <= w.toStep ? ">" : " ";
    const note = notes.get(i);
    lines.push(`${gutter} ${formatEvent(e, name)}${note === undefined ? "" : `  <- ${note.join("; ")}`}`);
  });
  lines.push(`# outcome: ${describeOutcome(doc.outcome)}`);
  return `${lines.join("\n")}\n`;
}
