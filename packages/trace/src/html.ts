/**
 * A self-contained HTML timeline: one file with its CSS, script and data
 * inline — no network, no external fonts or assets.
 *
 * The page: a header with the scenario, what ran (the document's settings,
 * else its variant), outcome, replay command and racy window; the timeline
 * view (view/mount.ts — the same component the browser playground shows),
 * drawn from the document's `timelineData` by the view's script inlined
 * here (view/script.generated.ts); the console lines. The zoom keys
 * (+ − 0 w) act on the whole page.
 *
 * DOM contract (what tests and scripts may rely on): the view's (see
 * view/mount.ts: `[data-lane]`, `[data-event]`, `[data-label]`,
 * `[data-window]`, `[data-failure]`, `[data-zoom]`, `[data-tooltip]`, …),
 * inside `[data-timeline]`; `[data-scenario]`, `[data-setting="<name>"]`
 * per setting (else `[data-variant]`), `[data-outcome]`, `[data-replay]` in
 * the header; `<html data-ready>` once drawn. The data is the JSON in
 * `script#kprim-timeline-data`.
 *
 * Pure: the same document gives a byte-identical file.
 */
import { describeOutcome } from "@kprim/machine";
import type { TraceDocument } from "./document.js";
import { timelineData } from "./timelineData.js";
import { TIMELINE_VIEW_SCRIPT } from "./view/script.generated.js";
import { TIMELINE_VIEW_STYLE } from "./view/style.js";

/** The page around the view: its header and console. */
const PAGE_STYLE = `
:root { color-scheme: light; --bg: #fbfbf8; --fg: #1d1d1b; --muted: #6b6b66; --line: #deded8; --accent: #c62828; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 system-ui, "DejaVu Sans", sans-serif; background: var(--bg); color: var(--fg); }
header { padding: 12px 18px 8px; }
h1 { margin: 0 0 6px; font-size: 18px; font-weight: 600; }
h2 { margin: 0 0 4px; font-size: 13px; color: var(--muted); font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 1px 14px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; min-width: 0; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; background: #efefe9; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
[data-outcome][data-kind="ok"] { color: #2e7d32; }
[data-outcome]:not([data-kind="ok"]) { color: var(--accent); font-weight: 600; }
.console { padding: 8px 18px 16px; }
.console ol { margin: 0; padding-left: 0; list-style: none; font: 12px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; }
`.trim();

/** Draws the page's data into `[data-timeline]` with the inlined view, then marks the page ready. */
const BOOT = `kprimTimeline.mountTimeline(document.querySelector("[data-timeline]"), JSON.parse(document.getElementById("kprim-timeline-data").textContent), { documentKeys: true });
document.documentElement.setAttribute("data-ready", "");`;

/** The whole page as one string. */
export function toHtml(doc: TraceDocument): string {
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
${PAGE_STYLE}
${TIMELINE_VIEW_STYLE}
</style>
</head>
<body>
<header>
<h1><span class="muted">kprim</span> <span data-scenario>${esc(doc.scenario)}</span></h1>
<dl>
${header}
</dl>
</header>
<div data-timeline></div>
<section class="console"><h2>console</h2>
<ol>
${consoleLines || '<li class="muted">(nothing printed)</li>'}
</ol>
</section>
<script type="application/json" id="kprim-timeline-data">${scriptJson(data)}</script>
<script>
${TIMELINE_VIEW_SCRIPT}
${BOOT}
</script>
</body>
</html>
`;
}

/** Text for HTML content and attribute values. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a script element: no "<" (so no "</script>" or "<!--"). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c");
}
