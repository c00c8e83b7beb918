/**
 * A self-contained HTML timeline: one file with its CSS, script and data
 * inline — no network, no external fonts or assets.
 *
 * The page: a header with the scenario, what ran (the document's settings,
 * else its variant), outcome, replay command and racy window; one lane per
 * cpu on a shared axis in which every trace event has its own slot, in
 * sequence order (the global order of the run; per-cpu cycles are shown on
 * hover); thread runs as bars with their critical sections and spin-waits
 * under them; IPI and wakeup arrows; the racy window highlighted and the
 * failure point marked; under each lane, one row per label (the failure's
 * evidence) pinned to the event it points at, coloured by its role, the
 * event's mark ringed — a wakeup that found nobody drawn as a hollow circle.
 * Wheel or buttons zoom, dragging pans, hovering shows an element's details.
 *
 * DOM contract (what tests and scripts may rely on): `[data-lane]` per cpu
 * (`data-cpu`); inside it `[data-event]` per trace event (`data-index`,
 * `data-seq`, `data-step`, `data-kind`, `data-cpu`, `data-thread`), `[data-run]`
 * per thread run and `[data-section]` per critical section or spin-wait;
 * `[data-window]` (`data-from`, `data-to`: steps); `[data-failure]`
 * (`data-step`); `[data-label]` per label in the lane of its event
 * (`data-role`, `data-step`, `data-thread`, `data-index`: the event's), the
 * event's mark then carrying `data-role` too; `[data-tooltip]`;
 * `[data-zoom=in|out|fit|window]` buttons; `[data-scenario]`,
 * `[data-setting="<name>"]` per setting (else `[data-variant]`),
 * `[data-outcome]`, `[data-replay]` in the header; `<html data-ready>` once
 * drawn. The data is the JSON in
 * `script#kprim-timeline-data`.
 *
 * Pure: the same document gives a byte-identical file.
 */
import { describeOutcome } from "@kprim/machine";
import { checkDocument, type TraceDocument } from "./document.js";
import { TIMELINE_SCRIPT, TIMELINE_STYLE } from "./htmlAssets.js";
import { labelAnchor } from "./anchor.js";
import { buildTimeline, type LinkKind, type Span } from "./timeline.js";
import { documentFailure } from "./window.js";

/** The event categories the page colours, as in the script's \`category\`. */
const LEGEND: readonly (readonly [string, string])[] = [
  ["op", "op"],
  ["sched", "scheduler"],
  ["ipi", "IPI"],
  ["crit", "critical section"],
  ["spin", "spin"],
  ["lock", "lock"],
  ["console", "console"],
  ["fail", "failure"],
];

/** The label roles the page tells apart, as in the stylesheet's `r-<role>` classes. */
const ROLES: readonly (readonly [string, string])[] = [
  ["observe", "observation"],
  ["cause", "what made it stale"],
  ["missed", "&#8709; wakeup that found nobody"],
  ["stuck", "&#9632; stops for good"],
  ["report", "where it shows"],
];

/** The data the page's script draws (embedded as JSON). */
export interface TimelineData {
  readonly format: "kprim-timeline/1";
  readonly ncpus: number;
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

/** The whole page as one string. */
export function toHtml(doc: TraceDocument): string {
  checkDocument(doc);
  const data = timelineData(doc);
  const title = `${doc.scenario}${doc.variant !== undefined ? ` [${doc.variant}]` : ""}`;
  const w = doc.window;
  const outcome = describeOutcome(doc.outcome);
  const row = (term: string, body: string): string => `<dt>${term}</dt><dd>${body}</dd>`;
  const ran =
    doc.settings !== undefined
      ? doc.settings.map((x) => `<dt>${esc(x.name)}</dt><dd data-setting="${esc(x.name)}">${esc(x.value)}</dd>`)
      : [row("variant", `<span data-variant>${esc(doc.variant ?? "—")}</span>`)];
  const header = [
    ...ran,
    row("outcome", `<span data-outcome data-kind="${esc(doc.outcome.kind)}">${esc(outcome)}</span>`),
    row("replay", `<code data-replay>${esc(doc.replayCommand ?? "—")}</code>`),
    row(
      "racy window",
      w === undefined ? "—" : `<span data-window-reason>steps ${w.fromStep}..${w.toStep}: ${esc(w.reason)}</span>`,
    ),
  ].join("\n");
  const consoleLines = doc.console
    .map((l) => `<li><span class="muted">#${l.step} cpu${l.cpu} ${esc(l.thread)}</span> ${esc(l.text)}</li>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@kprim/trace">
<link rel="icon" href="data:,">
<title>kprim — ${esc(title)}</title>
<style>
${TIMELINE_STYLE}
</style>
</head>
<body>
<header>
<h1><span class="muted">kprim</span> <span data-scenario>${esc(doc.scenario)}</span></h1>
<dl>
${header}
</dl>
</header>
<nav class="bar">
<button type="button" data-zoom="in" title="zoom in (+)">+</button>
<button type="button" data-zoom="out" title="zoom out (-)">&minus;</button>
<button type="button" data-zoom="fit" title="whole trace (0)">fit</button>
<button type="button" data-zoom="window" title="racy window (w)"${w === undefined ? " disabled" : ""}>window</button>
<span class="muted">${doc.ncpus} cpu${doc.ncpus === 1 ? "" : "s"}, ${doc.events.length} events, ${doc.steps} steps · wheel to zoom, drag to pan, hover for details</span>
<span class="legend">${LEGEND.map(([cls, text]) => `<span><i class="k-${cls}"></i>${text}</span>`).join("")}</span>
${(doc.labels ?? []).length === 0 ? "" : `<span class="legend" data-roles>labels: ${ROLES.map(([role, text]) => `<span><i class="note-key r-${role}"></i>${text}</span>`).join("")}</span>`}
</nav>
<main class="tl">
<div class="labels" data-labels></div>
<div class="viewport" data-viewport><div class="canvas" data-canvas><div class="axis" data-axis></div></div></div>
</main>
<div class="tip" data-tooltip role="tooltip" hidden></div>
<section class="console"><h2>console</h2>
<ol>
${consoleLines || '<li class="muted">(nothing printed)</li>'}
</ol>
</section>
<script type="application/json" id="kprim-timeline-data">${scriptJson(data)}</script>
<script>
${TIMELINE_SCRIPT}
</script>
</body>
</html>
`;
}

function timelineData(doc: TraceDocument): TimelineData {
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
    threads: doc.threads,
    events,
    spans: tl.spans,
    links: tl.links.map((l) => ({ kind: l.kind, from: l.from, to: l.to })),
    window,
    failure,
    labels: (doc.labels ?? []).map((l) => ({ ...l, index: labelAnchor(events, l) })),
  };
}

/** Text for HTML content and attribute values. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a script element: no "<" (so no "</script>" or "<!--"). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c");
}
