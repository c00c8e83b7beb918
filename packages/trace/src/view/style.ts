/**
 * The timeline view's stylesheet, scoped under `.kprim-timeline` (the class
 * `mountTimeline` gives its root), so that a page embedding the view — the
 * HTML export, the browser playground — keeps its own styles. Positions are
 * CSS custom properties: `--i` (slot) and `--w` (slots) on each element,
 * `--px` (pixels per slot) on the canvas, so zooming sets one property.
 * Nothing here is fetched: no url(), no fonts.
 */
export const TIMELINE_VIEW_STYLE = `
.kprim-timeline { --fg: #1d1d1b; --muted: #6b6b66; --line: #deded8; --accent: #c62828;
  --r-observe: #1565c0; --r-cause: #d35400; --r-missed: #00838f; --r-stuck: #4a148c; --r-report: #c62828;
  position: relative; color: var(--fg); }
.kprim-timeline * { box-sizing: border-box; }
.kprim-timeline .muted { color: var(--muted); }
.kprim-timeline .bar { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; padding: 6px 18px; border-top: 1px solid var(--line); }
.kprim-timeline .bar button { font: inherit; min-width: 30px; padding: 1px 8px; border: 1px solid #c9c9c2; background: #fff; color: var(--fg); border-radius: 4px; cursor: pointer; }
.kprim-timeline .bar button:disabled { opacity: .4; cursor: default; }
.kprim-timeline .bar button:focus-visible { outline: 2px solid #1565c0; outline-offset: 1px; }
.kprim-timeline .legend { display: flex; flex-wrap: wrap; gap: 2px 12px; align-items: center; color: var(--muted); font-size: 12px; }
.kprim-timeline .legend span { white-space: nowrap; }
.kprim-timeline .legend i { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.kprim-timeline .tl { display: flex; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); background: #fff; }
.kprim-timeline .labels { flex: 0 0 96px; position: relative; border-right: 1px solid var(--line); }
.kprim-timeline .label { position: absolute; left: 0; right: 0; height: 60px; padding: 6px 8px; font-weight: 600; border-bottom: 1px solid var(--line); }
.kprim-timeline .label small { display: block; font-weight: 400; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.kprim-timeline .viewport { flex: 1 1 auto; overflow-x: auto; overflow-y: hidden; position: relative; cursor: grab; }
.kprim-timeline .viewport.dragging { cursor: grabbing; user-select: none; }
.kprim-timeline .canvas { --px: 8px; position: relative; width: calc(var(--n) * var(--px) + 96px); min-width: 100%; }
.kprim-timeline .axis { position: absolute; left: 0; right: 0; top: 0; height: 24px; border-bottom: 1px solid var(--line); }
.kprim-timeline .tick { position: absolute; top: 3px; left: calc(var(--i) * var(--px)); height: 21px; padding-left: 3px; border-left: 1px solid var(--line); font: 10px ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); white-space: nowrap; }
.kprim-timeline .lane { position: absolute; left: 0; right: 0; height: 60px; border-bottom: 1px solid var(--line); z-index: 2; }
.kprim-timeline .span { position: absolute; left: calc(var(--i) * var(--px)); width: calc(var(--w) * var(--px)); }
.kprim-timeline .span.run { top: 30px; height: 20px; min-width: 1px; padding: 0 4px; border-radius: 3px; background: var(--c); color: #fff; font-size: 11px; line-height: 20px; white-space: nowrap; overflow: hidden; }
.kprim-timeline .span.crit { top: 51px; height: 5px; background: #e67e22; }
.kprim-timeline .span.spin { top: 51px; height: 5px; background: repeating-linear-gradient(135deg, #8e44ad 0 3px, #d7bde2 3px 6px); }
.kprim-timeline .ev { --ew: max(2px, calc(var(--px) * .6)); position: absolute; top: 6px; height: 20px; left: calc(var(--i) * var(--px) + (var(--px) - var(--ew)) / 2); width: var(--ew); border-radius: 1px; }
.kprim-timeline .ev:hover, .kprim-timeline .span:hover { outline: 2px solid var(--fg); outline-offset: 1px; }
.kprim-timeline.clickable .ev { cursor: pointer; }
.kprim-timeline .k-op { background: #78909c; } .kprim-timeline .k-sched { background: #1565c0; } .kprim-timeline .k-ipi { background: #2e7d32; }
.kprim-timeline .k-crit { background: #e67e22; } .kprim-timeline .k-spin { background: #8e44ad; } .kprim-timeline .k-lock { background: #6d4c41; }
.kprim-timeline .k-console { background: #b8860b; } .kprim-timeline .k-fail { background: var(--accent); } .kprim-timeline .k-other { background: #9e9e9e; }
.kprim-timeline .window { position: absolute; top: 0; bottom: 0; left: calc(var(--i) * var(--px)); width: calc(var(--w) * var(--px)); min-width: 3px; background: rgba(198, 40, 40, .13); border-left: 2px solid rgba(198, 40, 40, .75); border-right: 2px solid rgba(198, 40, 40, .75); z-index: 1; }
.kprim-timeline .window span { position: absolute; top: 1px; left: 3px; padding: 0 4px; border-radius: 3px; background: #fbe3e0; font-size: 10px; line-height: 11px; font-weight: 700; color: var(--accent); white-space: nowrap; }
.kprim-timeline .failure { position: absolute; top: 0; bottom: 0; left: calc((var(--i) + .5) * var(--px) - 1px); width: 2px; background: var(--accent); z-index: 1; }
.kprim-timeline .failure span { position: absolute; top: 12px; left: 4px; padding: 0 4px; border-radius: 3px; background: var(--accent); color: #fff; font-size: 10px; line-height: 11px; font-weight: 700; white-space: nowrap; }
.kprim-timeline .now { position: absolute; top: 0; bottom: 0; left: calc((var(--i) + 1) * var(--px) - 1px); width: 0; border-left: 2px dashed #1d1d1b; z-index: 5; pointer-events: none; }
.kprim-timeline .now span { position: absolute; bottom: 2px; left: 3px; padding: 0 4px; border-radius: 3px; background: #1d1d1b; color: #fff; font-size: 10px; line-height: 12px; white-space: nowrap; }
.kprim-timeline .future { opacity: .28; }
.kprim-timeline .note.future, .kprim-timeline .pin.future { opacity: .5; }
.kprim-timeline .note { position: absolute; left: calc((var(--i) + .5) * var(--px)); height: 16px; padding: 0 5px; border-radius: 3px; font-size: 11px; line-height: 15px; white-space: nowrap; background: #fff; color: var(--rc); border: 1px solid var(--rc); z-index: 4; }
.kprim-timeline .note.flip { transform: translateX(-100%); }
.kprim-timeline .note b { font-weight: 700; }
.kprim-timeline .note.r-missed { border-style: dashed; }
.kprim-timeline .note.r-stuck, .kprim-timeline .note.r-report { background: var(--rc); color: #fff; }
.kprim-timeline .pin { position: absolute; left: calc((var(--i) + .5) * var(--px)); width: 0; border-left: 1px solid var(--rc); top: 26px; z-index: 3; }
.kprim-timeline .pin.r-missed { border-left-style: dashed; }
.kprim-timeline .r-observe { --rc: var(--r-observe); } .kprim-timeline .r-cause { --rc: var(--r-cause); } .kprim-timeline .r-missed { --rc: var(--r-missed); }
.kprim-timeline .r-stuck { --rc: var(--r-stuck); } .kprim-timeline .r-report { --rc: var(--r-report); }
.kprim-timeline .ev[data-role] { box-shadow: 0 0 0 2px var(--rc); z-index: 3; }
.kprim-timeline .ev[data-role="missed"] { background: #fff; border: 2px solid var(--rc); border-radius: 50%; box-shadow: none; }
.kprim-timeline .legend i.note-key { background: #fff; border: 1px solid var(--rc); }
.kprim-timeline .legend i.note-key.r-missed { border-style: dashed; border-radius: 50%; }
.kprim-timeline .legend i.note-key.r-stuck, .kprim-timeline .legend i.note-key.r-report { background: var(--rc); }
.kprim-timeline .flows { position: absolute; left: 0; top: 24px; width: calc(var(--n) * var(--px)); overflow: visible; pointer-events: none; z-index: 3; }
.kprim-timeline .flows line { stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.kprim-timeline .flows .ipi { stroke: #2e7d32; } .kprim-timeline .flows .wake { stroke: #00838f; stroke-dasharray: 4 3; }
.kprim-timeline .tip { position: fixed; z-index: 10; max-width: 460px; padding: 6px 9px; border-radius: 4px; background: #1d1d1b; color: #fff; font: 12px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; pointer-events: none; white-space: pre-wrap; box-shadow: 0 2px 8px rgba(0, 0, 0, .25); }
.kprim-timeline .tip[hidden] { display: none; }
.kprim-timeline .tip b { color: #ffd54f; font-weight: 600; }
`.trim();
