/**
 * What the timeline view draws (view/mount.ts), derived from a trace
 * document: every event, the thread runs and the sections inside them, the
 * IPI and wakeup links, the racy window and the failure point as event
 * indices, and each label with the event it points at. Plain JSON: the
 * HTML export embeds it in its page, the browser playground hands it to the
 * view directly.
 *
 * Pure: the same document gives the same data.
 */
import { checkDocument, type TraceDocument } from "./document.js";
import { labelAnchor } from "./anchor.js";
import { buildTimeline, type LinkKind, type Span } from "./timeline.js";
import { documentFailure } from "./window.js";

/** The data the timeline view draws. */
export interface TimelineData {
  readonly format: "kprim-timeline/1";
  readonly ncpus: number;
  /** Steps the run took. */
  readonly steps: number;
  readonly threads: TraceDocument["threads"];
  readonly events: TraceDocument["events"];
  /** Thread runs and the sections inside them; `from`/`to` are event indices (`to` -1: open at the end). */
  readonly spans: readonly Span[];
  readonly links: readonly { kind: LinkKind; from: number; to: number }[];
  /** The racy window in steps, and the event indices it covers (`to` < `from` when no event falls in it). */
  readonly window: { fromStep: number; toStep: number; reason: string; from: number; to: number } | null;
  /** The failure point (explicit, else the failing outcome's step) and the index of its step's last event. */
  readonly failure: { step: number; index: number; text: string } | null;
  /** The document's labels, each with the index of the event it points at. */
  readonly labels: readonly { step: number; thread: number; label: string; role: string; index: number }[];
}

/** The view's data for `doc` (checked first: a malformed document throws a `TraceError`). */
export function timelineData(doc: TraceDocument): TimelineData {
  checkDocument(doc);
  const tl = buildTimeline(doc);
  const events = doc.events;
  const w = doc.window;
  let window: TimelineData["window"] = null;
  if (w !== undefined) {
    const first = events.findIndex((e) => e.step >= w.fromStep);
    const from = first < 0 ? events.length : first;
    let to = from - 1;
    for (let i = from; i < events.length && events[i]!.step <= w.toStep; i++) to = i;
    window = { fromStep: w.fromStep, toStep: w.toStep, reason: w.reason, from, to };
  }
  const point = documentFailure(doc);
  let failure: TimelineData["failure"] = null;
  if (point !== undefined) {
    let index = events.length - 1;
    for (let i = 0; i < events.length; i++) if (events[i]!.step <= point.step) index = i;
    failure = { step: point.step, index, text: point.text };
  }
  return {
    format: "kprim-timeline/1",
    ncpus: doc.ncpus,
    steps: doc.steps,
    threads: doc.threads,
    events,
    spans: tl.spans,
    links: tl.links.map((l) => ({ kind: l.kind, from: l.from, to: l.to })),
    window,
    failure,
    labels: (doc.labels ?? []).map((l) => ({ ...l, index: labelAnchor(events, l) })),
  };
}
