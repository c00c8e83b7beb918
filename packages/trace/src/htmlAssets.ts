/**
 * The inline stylesheet and script of the HTML timeline (html.ts). The
 * script is plain ES2017 in an IIFE, reads the page's JSON data
 * (`TimelineData`) and draws the lanes; it fetches nothing, uses no clock or
 * randomness, and builds text with `textContent` only (event strings are
 * never parsed as HTML). Positions are CSS custom properties: `--i` (slot),
 * `--w` (slots) on each element and `--px` (pixels per slot) on the canvas,
 * so zooming sets one property.
 */

export const TIMELINE_STYLE = `
:root { color-scheme: light; --bg: #fbfbf8; --fg: #1d1d1b; --muted: #6b6b66; --line: #deded8; --accent: #c62828;
  --r-observe: #1565c0; --r-cause: #d35400; --r-missed: #00838f; --r-stuck: #4a148c; --r-report: #c62828; }
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
.bar { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; padding: 6px 18px; border-top: 1px solid var(--line); }
.bar button { font: inherit; min-width: 30px; padding: 1px 8px; border: 1px solid #c9c9c2; background: #fff; border-radius: 4px; cursor: pointer; }
.bar button:disabled { opacity: .4; cursor: default; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 12px; align-items: center; color: var(--muted); font-size: 12px; }
.legend span { white-space: nowrap; }
.legend i { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.tl { display: flex; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); background: #fff; }
.labels { flex: 0 0 96px; position: relative; border-right: 1px solid var(--line); }
.label { position: absolute; left: 0; right: 0; height: 60px; padding: 6px 8px; font-weight: 600; border-bottom: 1px solid var(--line); }
.label small { display: block; font-weight: 400; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.viewport { flex: 1 1 auto; overflow-x: auto; overflow-y: hidden; position: relative; cursor: grab; }
.viewport.dragging { cursor: grabbing; user-select: none; }
.canvas { --px: 8px; position: relative; width: calc(var(--n) * var(--px) + 96px); min-width: 100%; }
.axis { position: absolute; left: 0; right: 0; top: 0; height: 24px; border-bottom: 1px solid var(--line); }
.tick { position: absolute; top: 3px; left: calc(var(--i) * var(--px)); height: 21px; padding-left: 3px; border-left: 1px solid var(--line); font: 10px ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); white-space: nowrap; }
.lane { position: absolute; left: 0; right: 0; height: 60px; border-bottom: 1px solid var(--line); z-index: 2; }
.span { position: absolute; left: calc(var(--i) * var(--px)); width: calc(var(--w) * var(--px)); }
.span.run { top: 30px; height: 20px; min-width: 1px; padding: 0 4px; border-radius: 3px; background: var(--c); color: #fff; font-size: 11px; line-height: 20px; white-space: nowrap; overflow: hidden; }
.span.crit { top: 51px; height: 5px; background: #e67e22; }
.span.spin { top: 51px; height: 5px; background: repeating-linear-gradient(135deg, #8e44ad 0 3px, #d7bde2 3px 6px); }
.ev { --ew: max(2px, calc(var(--px) * .6)); position: absolute; top: 6px; height: 20px; left: calc(var(--i) * var(--px) + (var(--px) - var(--ew)) / 2); width: var(--ew); border-radius: 1px; }
.ev:hover, .span:hover { outline: 2px solid var(--fg); outline-offset: 1px; }
.k-op { background: #78909c; } .k-sched { background: #1565c0; } .k-ipi { background: #2e7d32; }
.k-crit { background: #e67e22; } .k-spin { background: #8e44ad; } .k-lock { background: #6d4c41; }
.k-console { background: #b8860b; } .k-fail { background: var(--accent); } .k-other { background: #9e9e9e; }
.window { position: absolute; top: 0; bottom: 0; left: calc(var(--i) * var(--px)); width: calc(var(--w) * var(--px)); min-width: 3px; background: rgba(198, 40, 40, .13); border-left: 2px solid rgba(198, 40, 40, .75); border-right: 2px solid rgba(198, 40, 40, .75); z-index: 1; }
.window span { position: absolute; top: 1px; left: 3px; padding: 0 4px; border-radius: 3px; background: #fbe3e0; font-size: 10px; line-height: 11px; font-weight: 700; color: var(--accent); white-space: nowrap; }
.failure { position: absolute; top: 0; bottom: 0; left: calc((var(--i) + .5) * var(--px) - 1px); width: 2px; background: var(--accent); z-index: 1; }
.failure span { position: absolute; top: 12px; left: 4px; padding: 0 4px; border-radius: 3px; background: var(--accent); color: #fff; font-size: 10px; line-height: 11px; font-weight: 700; white-space: nowrap; }
.note { position: absolute; left: calc((var(--i) + .5) * var(--px)); height: 16px; padding: 0 5px; border-radius: 3px; font-size: 11px; line-height: 15px; white-space: nowrap; background: #fff; color: var(--rc); border: 1px solid var(--rc); z-index: 4; }
.note.flip { transform: translateX(-100%); }
.note b { font-weight: 700; }
.note.r-missed { border-style: dashed; }
.note.r-stuck, .note.r-report { background: var(--rc); color: #fff; }
.pin { position: absolute; left: calc((var(--i) + .5) * var(--px)); width: 0; border-left: 1px solid var(--rc); top: 26px; z-index: 3; }
.pin.r-missed { border-left-style: dashed; }
.r-observe { --rc: var(--r-observe); } .r-cause { --rc: var(--r-cause); } .r-missed { --rc: var(--r-missed); }
.r-stuck { --rc: var(--r-stuck); } .r-report { --rc: var(--r-report); }
.ev[data-role] { box-shadow: 0 0 0 2px var(--rc); z-index: 3; }
.ev[data-role="missed"] { background: #fff; border: 2px solid var(--rc); border-radius: 50%; box-shadow: none; }
.legend i.note-key { background: #fff; border: 1px solid var(--rc); }
.legend i.note-key.r-missed { border-style: dashed; border-radius: 50%; }
.legend i.note-key.r-stuck, .legend i.note-key.r-report { background: var(--rc); }
.flows { position: absolute; left: 0; top: 24px; width: calc(var(--n) * var(--px)); overflow: visible; pointer-events: none; z-index: 3; }
.flows line { stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.flows .ipi { stroke: #2e7d32; } .flows .wake { stroke: #00838f; stroke-dasharray: 4 3; }
.tip { position: fixed; z-index: 10; max-width: 460px; padding: 6px 9px; border-radius: 4px; background: #1d1d1b; color: #fff; font: 12px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; pointer-events: none; white-space: pre-wrap; box-shadow: 0 2px 8px rgba(0, 0, 0, .25); }
.tip[hidden] { display: none; }
.tip b { color: #ffd54f; font-weight: 600; }
.console { padding: 8px 18px 16px; }
.console ol { margin: 0; padding-left: 0; list-style: none; font: 12px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; }
`.trim();

export const TIMELINE_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kprim-timeline-data").textContent);
  // PAD: room after the last event for the failure label (as in the stylesheet).
  var LANE = 60, NOTE = 18, AXIS = 24, PAD = 96, MAX_PX = 240;
  var GLYPH = { missed: "\\u2205 ", stuck: "\\u25a0 " };
  var PALETTE = ["#3b6ea8", "#b5473a", "#3f8a4f", "#7a5aa6", "#c07a1c", "#2a8794", "#a14676", "#64732a"];
  var events = data.events, N = events.length, slots = Math.max(N, 1);
  var canvas = document.querySelector("[data-canvas]");
  var viewport = document.querySelector("[data-viewport]");
  var labels = document.querySelector("[data-labels]");
  var axis = document.querySelector("[data-axis]");
  var tip = document.querySelector("[data-tooltip]");
  var px = 8;
  var threads = {};
  data.threads.forEach(function (t) { threads[t.id] = t; });

  var ROLE = { observe: "the observation it relies on", cause: "what made it stale", missed: "a wakeup that found nobody", stuck: "where a thread stops for good", report: "where it shows" };
  function tname(id) { return id < 0 ? "-" : threads[id] ? threads[id].name : "thread" + id; }
  function color(id) { return PALETTE[((id % PALETTE.length) + PALETTE.length) % PALETTE.length]; }
  function el(tag, cls, parent) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    parent.appendChild(n);
    return n;
  }
  function place(n, i, w) {
    n.style.setProperty("--i", String(i));
    if (w !== undefined) n.style.setProperty("--w", String(w));
  }
  function category(kind) {
    switch (kind) {
      case "op": return "op";
      case "ipi-send": case "ipi-take": case "ipi-point": return "ipi";
      case "crit-enter": case "crit-exit": return "crit";
      case "spin-wait": case "spin-done": return "spin";
      case "printf": return "console";
      case "panic": case "violation": return "fail";
      case "mp-acquire": case "mp-release": case "mp-contended": case "lock.acquire": case "lock.release": return "lock";
      case "switch": case "block": case "wake": case "resume": case "preempt": case "idle": case "interrupt":
      case "timeout": case "thread-start": case "thread-exit": return "sched";
      default: return "other";
    }
  }

  // Each lane is LANE tall plus one NOTE row per label pointing into it.
  var notesIn = [], laneTop = [], laneHeight = [], total = AXIS;
  for (var c = 0; c < data.ncpus; c++) notesIn.push([]);
  data.labels.forEach(function (l) {
    if (l.index >= 0) notesIn[events[l.index].cpu].push(l);
  });
  for (c = 0; c < data.ncpus; c++) {
    notesIn[c].sort(function (a, b) { return a.index - b.index || a.step - b.step; });
    laneTop.push(total);
    laneHeight.push(LANE + notesIn[c].length * NOTE + (notesIn[c].length ? 4 : 0));
    total += laneHeight[c];
  }
  canvas.style.setProperty("--n", String(slots));
  canvas.style.height = total + "px";
  labels.style.height = total + "px";
  var lanes = [];
  for (c = 0; c < data.ncpus; c++) {
    var lane = el("div", "lane", canvas);
    lane.setAttribute("data-lane", "");
    lane.setAttribute("data-cpu", String(c));
    lane.style.top = laneTop[c] + "px";
    lane.style.height = laneHeight[c] + "px";
    lanes.push(lane);
    var label = el("div", "label", labels);
    label.style.top = laneTop[c] + "px";
    label.style.height = laneHeight[c] + "px";
    label.textContent = "cpu" + c;
    var names = el("small", "", label);
    names.textContent = data.threads.filter(function (t) { return t.cpu === c; }).map(function (t) { return t.name; }).join(" ");
  }

  data.spans.forEach(function (s, k) {
    var to = s.to < 0 ? N - 1 : s.to;
    var n = el("div", "span " + s.kind, lanes[s.cpu]);
    n.setAttribute(s.kind === "run" ? "data-run" : "data-section", "");
    n.setAttribute("data-span", String(k));
    n.setAttribute("data-thread", String(s.thread));
    place(n, s.from, Math.max(to - s.from + 1, 0));
    if (s.kind === "run") {
      n.style.setProperty("--c", color(s.thread));
      n.textContent = tname(s.thread);
    }
  });

  var marks = [];
  events.forEach(function (e, i) {
    var n = el("div", "ev k-" + category(e.kind), lanes[e.cpu]);
    n.setAttribute("data-event", "");
    n.setAttribute("data-index", String(i));
    n.setAttribute("data-seq", String(e.seq));
    n.setAttribute("data-step", String(e.step));
    n.setAttribute("data-kind", e.kind);
    n.setAttribute("data-cpu", String(e.cpu));
    n.setAttribute("data-thread", String(e.thread));
    place(n, i);
    marks.push(n);
  });

  // The labels: under the lane of the event each points at, one row each, pinned to the event.
  var notes = [];
  notesIn.forEach(function (list, cpu) {
    list.forEach(function (l, row) {
      var top = LANE + row * NOTE + 2;
      var pin = el("div", "pin r-" + l.role, lanes[cpu]);
      place(pin, l.index);
      pin.style.height = top - 26 + "px";
      var n = el("div", "note r-" + l.role, lanes[cpu]);
      n.setAttribute("data-label", "");
      n.setAttribute("data-role", l.role);
      n.setAttribute("data-step", String(l.step));
      n.setAttribute("data-thread", String(l.thread));
      n.setAttribute("data-index", String(l.index));
      n.setAttribute("data-note", String(data.labels.indexOf(l)));
      n.style.top = top + "px";
      place(n, l.index);
      if (GLYPH[l.role]) n.appendChild(document.createTextNode(GLYPH[l.role]));
      if (l.thread >= 0) el("b", "", n).textContent = tname(l.thread);
      n.appendChild(document.createTextNode((l.thread >= 0 ? " " : "") + l.label));
      var mark = marks[l.index];
      if (!mark.hasAttribute("data-role") || l.role === "missed") {
        mark.setAttribute("data-role", l.role);
        mark.className = mark.className.replace(/ r-\\w+/, "") + " r-" + l.role;
      }
      notes.push({ n: n, index: l.index });
    });
  });
  // A label that would run past the end of the canvas ends at its event instead.
  function layoutNotes() {
    var width = canvas.scrollWidth;
    notes.forEach(function (o) {
      o.n.classList.remove("flip");
      var x = (o.index + 0.5) * px;
      if (x + o.n.offsetWidth > width - 4 && x - o.n.offsetWidth > 0) o.n.classList.add("flip");
    });
  }

  if (data.window) {
    var w = el("div", "window", canvas);
    w.setAttribute("data-window", "");
    w.setAttribute("data-from", String(data.window.fromStep));
    w.setAttribute("data-to", String(data.window.toStep));
    place(w, data.window.from, Math.max(data.window.to - data.window.from + 1, 0));
    el("span", "", w).textContent = "racy window #" + data.window.fromStep + "\\u2013#" + data.window.toStep;
  }
  if (data.failure && data.failure.index >= 0) {
    var f = el("div", "failure", canvas);
    f.setAttribute("data-failure", "");
    f.setAttribute("data-step", String(data.failure.step));
    place(f, data.failure.index);
    el("span", "", f).textContent = "failure #" + data.failure.step;
  }

  var SVG = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "flows");
  svg.setAttribute("viewBox", "0 0 " + slots + " " + (total - AXIS));
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("height", String(total - AXIS));
  data.links.forEach(function (l) {
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("class", l.kind);
    line.setAttribute("x1", String(l.from + 0.5));
    line.setAttribute("y1", String(laneTop[events[l.from].cpu] - AXIS + 16));
    line.setAttribute("x2", String(l.to + 0.5));
    line.setAttribute("y2", String(laneTop[events[l.to].cpu] - AXIS + 16));
    svg.appendChild(line);
  });
  canvas.appendChild(svg);

  function renderAxis() {
    axis.textContent = "";
    // A tick where a step begins, at least 56px from the previous one.
    var last = -Infinity, lastStep = -1;
    for (var i = 0; i < N; i++) {
      if (events[i].step === lastStep || (i - last) * px < 56) continue;
      var t = el("div", "tick", axis);
      place(t, i);
      t.textContent = "#" + events[i].step;
      last = i;
      lastStep = events[i].step;
    }
  }
  function setPx(next, anchor) {
    var vw = viewport.clientWidth;
    var min = Math.min((vw - PAD) / slots, 1);
    var a = anchor === undefined ? vw / 2 : anchor;
    var slot = (viewport.scrollLeft + a) / px;
    px = Math.min(MAX_PX, Math.max(min, next));
    canvas.style.setProperty("--px", px + "px");
    canvas.setAttribute("data-px", String(px));
    viewport.scrollLeft = slot * px - a;
    renderAxis();
    layoutNotes();
  }
  function fit() {
    setPx((viewport.clientWidth - PAD) / slots);
    viewport.scrollLeft = 0;
  }
  function showWindow() {
    if (!data.window) return;
    var n = Math.max(data.window.to - data.window.from + 1, 1);
    var pad = Math.max(4, Math.round(n / 2));
    setPx(viewport.clientWidth / (n + 2 * pad));
    viewport.scrollLeft = (data.window.from - pad) * px;
  }
  function zoom(how) {
    if (how === "in") setPx(px * 1.5);
    else if (how === "out") setPx(px / 1.5);
    else if (how === "fit") fit();
    else if (how === "window") showWindow();
  }
  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () { zoom(b.getAttribute("data-zoom")); });
  });
  document.addEventListener("keydown", function (ev) {
    var keys = { "+": "in", "=": "in", "-": "out", "0": "fit", w: "window" };
    if (Object.prototype.hasOwnProperty.call(keys, ev.key)) zoom(keys[ev.key]);
  });
  viewport.addEventListener("wheel", function (ev) {
    if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) return;
    ev.preventDefault();
    setPx(px * Math.exp(-ev.deltaY * 0.0015), ev.clientX - viewport.getBoundingClientRect().left);
  }, { passive: false });

  var drag = null;
  viewport.addEventListener("mousedown", function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, left: viewport.scrollLeft };
    viewport.classList.add("dragging");
    ev.preventDefault();
  });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    viewport.scrollLeft = drag.left - (ev.clientX - drag.x);
    hideTip();
  });
  window.addEventListener("mouseup", function () {
    drag = null;
    viewport.classList.remove("dragging");
  });

  function eventLines(e, i) {
    var lines = ["step " + e.step + " \\u00b7 seq " + e.seq + " \\u00b7 cycle " + e.cycle, "cpu" + e.cpu + " \\u00b7 " + tname(e.thread)];
    if (e.detail !== undefined) lines.push(e.detail);
    if (e.target !== undefined) {
      var cpuTarget = e.kind === "ipi-send" || e.kind === "ipi-take";
      lines.push((e.kind === "ipi-take" ? "from " : "to ") + (cpuTarget ? "cpu" + e.target : tname(e.target)));
    }
    if (e.flow !== undefined) lines.push("flow " + e.flow);
    if (data.window && i >= data.window.from && i <= data.window.to) lines.push("in the racy window");
    return { title: e.kind + (e.obj !== undefined ? " " + e.obj : ""), lines: lines };
  }
  function spanLines(s) {
    var from = events[s.from], to = s.to < 0 ? null : events[s.to];
    var steps = "steps #" + from.step + " \\u2013 " + (to ? "#" + to.step : "end");
    var title = s.kind === "run" ? "run of " + tname(s.thread) : s.label + " \\u00b7 " + tname(s.thread);
    return { title: title, lines: s.kind === "run" ? [steps, s.label] : [steps] };
  }
  function describe(n) {
    if (n.hasAttribute("data-event")) {
      var i = Number(n.getAttribute("data-index"));
      return eventLines(events[i], i);
    }
    if (n.hasAttribute("data-span")) return spanLines(data.spans[Number(n.getAttribute("data-span"))]);
    if (n.hasAttribute("data-label")) {
      var l = data.labels[Number(n.getAttribute("data-note"))], e = events[l.index];
      return { title: (l.thread >= 0 ? tname(l.thread) + " " : "") + l.label, lines: ["step " + l.step + " \\u00b7 " + ROLE[l.role], "cpu" + e.cpu + " \\u00b7 " + e.kind + (e.obj !== undefined ? " " + e.obj : "")] };
    }
    if (n.hasAttribute("data-window")) {
      return { title: "racy window", lines: ["steps #" + data.window.fromStep + " \\u2013 #" + data.window.toStep, data.window.reason] };
    }
    return { title: "failure point", lines: ["step #" + data.failure.step, data.failure.text] };
  }
  function showTip(n, x, y) {
    var d = describe(n);
    tip.textContent = "";
    el("b", "", tip).textContent = d.title;
    d.lines.forEach(function (l) { el("div", "", tip).textContent = l; });
    tip.hidden = false;
    var left = Math.min(x + 14, window.innerWidth - tip.offsetWidth - 8);
    var top = y + 16 + tip.offsetHeight > window.innerHeight ? y - tip.offsetHeight - 10 : y + 16;
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }
  function hideTip() { tip.hidden = true; }
  canvas.addEventListener("mousemove", function (ev) {
    if (drag) return;
    var n = ev.target.closest("[data-label], [data-event], [data-span], [data-window] span, [data-failure] span");
    if (!n) { hideTip(); return; }
    if (!n.hasAttribute("data-event") && !n.hasAttribute("data-span") && !n.hasAttribute("data-label")) n = n.parentNode;
    showTip(n, ev.clientX, ev.clientY);
  });
  canvas.addEventListener("mouseleave", hideTip);

  fit();
  if (data.window && px < 3) showWindow();
  document.documentElement.setAttribute("data-ready", "");
})();
`.trim();
