/**
 * The timeline view: one component that draws a `TimelineData` into a DOM
 * element — the HTML export's page and the browser playground both render
 * through it.
 *
 * What it draws: a bar of zoom buttons and legends; one lane per cpu on a
 * shared axis in which every trace event has its own slot, in sequence order
 * (the global order of the run; per-cpu cycles are shown on hover); thread
 * runs as bars with their critical sections and spin-waits under them; IPI
 * and wakeup lines; the racy window shaded and the failure point marked;
 * under each lane, one row per label pinned to the event it points at,
 * coloured by its role (the event's mark ringed, a wakeup that found nobody
 * drawn as a hollow circle). Optionally a cursor: where a stepped run
 * stands, the events after it faded. Wheel or buttons zoom, dragging pans,
 * hovering shows an element's details.
 *
 * DOM contract (what tests and scripts may rely on), inside the root:
 * `[data-zoom=in|out|fit|window]` buttons; `[data-lane]` per cpu
 * (`data-cpu`); inside it `[data-event]` per trace event (`data-index`,
 * `data-seq`, `data-step`, `data-kind`, `data-cpu`, `data-thread`, and
 * `data-role` when labelled), `[data-run]` per thread run and
 * `[data-section]` per critical section or spin-wait; `[data-window]`
 * (`data-from`, `data-to`: steps); `[data-failure]` (`data-step`);
 * `[data-label]` per label in the lane of its event (`data-role`,
 * `data-step`, `data-thread`, `data-index`: the event's); `[data-cursor]`
 * (`data-index`, `data-step`) when a cursor is set; `[data-tooltip]`;
 * `[data-canvas]` (`data-px`: the zoom), `[data-viewport]`.
 *
 * Safe with any run's text: every string goes in with `textContent`, never
 * parsed as HTML. Fetches nothing, reads no clock, draws the same data the
 * same way.
 */
import type { TimelineData } from "../timelineData.js";
import {
  category,
  eventHover,
  failureHover,
  GLYPH,
  type Hover,
  LEGEND,
  labelHover,
  ROLES,
  spanHover,
  summaryLine,
  threadNames,
  windowHover,
} from "./describe.js";

export type ZoomHow = "in" | "out" | "fit" | "window";

export interface TimelineViewOptions {
  /** The zoom keys (+ − 0 w) act on the whole document (a page that is only the timeline). Default false. */
  readonly documentKeys?: boolean;
  /** The index of the last event that has happened: later ones are faded, and a line marks the place. */
  readonly cursor?: number | null;
  /** Called with an event's index when its mark is clicked. */
  readonly onEventClick?: (index: number) => void;
  /** Start at this zoom and scroll (a redraw that keeps the reader's place); default: fit, or the window if tiny. */
  readonly zoom?: ZoomState;
}

export interface ZoomState {
  /** Pixels per slot. */
  readonly px: number;
  readonly scrollLeft: number;
}

export interface TimelineView {
  readonly root: HTMLElement;
  zoom(how: ZoomHow): void;
  /** Move the cursor (null: none); `reveal` scrolls it into view. */
  setCursor(index: number | null, opts?: { readonly reveal?: boolean }): void;
  /** The current zoom and scroll (to redraw at the same place). */
  zoomState(): ZoomState;
  /** Remove what the view drew and every listener it added. */
  destroy(): void;
}

const LANE = 60;
const NOTE = 18;
const AXIS = 24;
/** Room after the last event for the failure label (as in the stylesheet). */
const PAD = 96;
const MAX_PX = 240;
const PALETTE = ["#3b6ea8", "#b5473a", "#3f8a4f", "#7a5aa6", "#c07a1c", "#2a8794", "#a14676", "#64732a"];
const SVG = "http://www.w3.org/2000/svg";
const KEYS: Readonly<Record<string, ZoomHow>> = { "+": "in", "=": "in", "-": "out", "0": "fit", w: "window" };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, parent: Node): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  if (cls !== "") n.className = cls;
  parent.appendChild(n);
  return n;
}

function place(n: HTMLElement, i: number, w?: number): void {
  n.style.setProperty("--i", String(i));
  if (w !== undefined) n.style.setProperty("--w", String(w));
}

function color(id: number): string {
  return PALETTE[((id % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/** Draw `data` into `root` (emptied first). */
export function mountTimeline(root: HTMLElement, data: TimelineData, opts: TimelineViewOptions = {}): TimelineView {
  root.textContent = "";
  root.classList.add("kprim-timeline");
  root.classList.toggle("clickable", opts.onEventClick !== undefined);
  const events = data.events;
  const N = events.length;
  const slots = Math.max(N, 1);
  const tname = threadNames(data);
  const cleanups: (() => void)[] = [];
  const listen = <K extends keyof WindowEventMap>(
    target: Window | Document | HTMLElement,
    type: K,
    fn: (ev: WindowEventMap[K]) => void,
    o?: AddEventListenerOptions,
  ): void => {
    target.addEventListener(type, fn as EventListener, o);
    cleanups.push(() => target.removeEventListener(type, fn as EventListener, o));
  };

  // The bar: zoom buttons, the size of the run, the legends.
  const bar = el("nav", "bar", root);
  bar.setAttribute("aria-label", "timeline zoom");
  const button = (how: ZoomHow, text: string, title: string): HTMLButtonElement => {
    const b = el("button", "", bar);
    b.type = "button";
    b.setAttribute("data-zoom", how);
    b.title = title;
    b.setAttribute("aria-label", title);
    b.textContent = text;
    listen(b, "click", () => zoom(how));
    return b;
  };
  button("in", "+", "zoom in (+)");
  button("out", "\u2212", "zoom out (-)");
  button("fit", "fit", "whole trace (0)");
  button("window", "window", "racy window (w)").disabled = data.window === null;
  el("span", "muted", bar).textContent = summaryLine(data);
  const legend = el("span", "legend", bar);
  for (const [cls, text] of LEGEND) {
    const s = el("span", "", legend);
    el("i", `k-${cls}`, s);
    s.appendChild(document.createTextNode(text));
  }
  if (data.labels.length !== 0) {
    const roles = el("span", "legend", bar);
    roles.setAttribute("data-roles", "");
    roles.appendChild(document.createTextNode("labels: "));
    for (const [role, text] of ROLES) {
      const s = el("span", "", roles);
      el("i", `note-key r-${role}`, s);
      s.appendChild(document.createTextNode(text));
    }
  }

  const main = el("div", "tl", root);
  const laneLabels = el("div", "labels", main);
  laneLabels.setAttribute("data-labels", "");
  const viewport = el("div", "viewport", main);
  viewport.setAttribute("data-viewport", "");
  const canvas = el("div", "canvas", viewport);
  canvas.setAttribute("data-canvas", "");
  const axis = el("div", "axis", canvas);
  axis.setAttribute("data-axis", "");
  const tip = el("div", "tip", root);
  tip.setAttribute("data-tooltip", "");
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  let px = 8;

  // Each lane is LANE tall plus one NOTE row per label pointing into it.
  const notesIn: TimelineData["labels"][number][][] = Array.from({ length: data.ncpus }, () => []);
  for (const l of data.labels) if (l.index >= 0) notesIn[events[l.index]!.cpu]!.push(l);
  const laneTop: number[] = [];
  const laneHeight: number[] = [];
  let total = AXIS;
  for (let c = 0; c < data.ncpus; c++) {
    notesIn[c]!.sort((a, b) => a.index - b.index || a.step - b.step);
    laneTop.push(total);
    laneHeight.push(LANE + notesIn[c]!.length * NOTE + (notesIn[c]!.length ? 4 : 0));
    total += laneHeight[c]!;
  }
  canvas.style.setProperty("--n", String(slots));
  canvas.style.height = `${total}px`;
  laneLabels.style.height = `${total}px`;
  const lanes: HTMLElement[] = [];
  for (let c = 0; c < data.ncpus; c++) {
    const lane = el("div", "lane", canvas);
    lane.setAttribute("data-lane", "");
    lane.setAttribute("data-cpu", String(c));
    lane.style.top = `${laneTop[c]}px`;
    lane.style.height = `${laneHeight[c]}px`;
    lanes.push(lane);
    const label = el("div", "label", laneLabels);
    label.style.top = `${laneTop[c]}px`;
    label.style.height = `${laneHeight[c]}px`;
    label.textContent = `cpu${c}`;
    el("small", "", label).textContent = data.threads
      .filter((t) => t.cpu === c)
      .map((t) => t.name)
      .join(" ");
  }

  data.spans.forEach((s, k) => {
    const to = s.to < 0 ? N - 1 : s.to;
    const n = el("div", `span ${s.kind}`, lanes[s.cpu]!);
    n.setAttribute(s.kind === "run" ? "data-run" : "data-section", "");
    n.setAttribute("data-span", String(k));
    n.setAttribute("data-thread", String(s.thread));
    place(n, s.from, Math.max(to - s.from + 1, 0));
    if (s.kind === "run") {
      n.style.setProperty("--c", color(s.thread));
      n.textContent = tname(s.thread);
    }
  });

  const marks: HTMLElement[] = events.map((e, i) => {
    const n = el("div", `ev k-${category(e.kind)}`, lanes[e.cpu]!);
    n.setAttribute("data-event", "");
    n.setAttribute("data-index", String(i));
    n.setAttribute("data-seq", String(e.seq));
    n.setAttribute("data-step", String(e.step));
    n.setAttribute("data-kind", e.kind);
    n.setAttribute("data-cpu", String(e.cpu));
    n.setAttribute("data-thread", String(e.thread));
    place(n, i);
    return n;
  });

  // The labels: under the lane of the event each points at, one row each, pinned to the event.
  const notes: { n: HTMLElement; pin: HTMLElement; index: number }[] = [];
  notesIn.forEach((list, cpu) => {
    list.forEach((l, row) => {
      const top = LANE + row * NOTE + 2;
      const pin = el("div", `pin r-${l.role}`, lanes[cpu]!);
      place(pin, l.index);
      pin.style.height = `${top - 26}px`;
      const n = el("div", `note r-${l.role}`, lanes[cpu]!);
      n.setAttribute("data-label", "");
      n.setAttribute("data-role", l.role);
      n.setAttribute("data-step", String(l.step));
      n.setAttribute("data-thread", String(l.thread));
      n.setAttribute("data-index", String(l.index));
      n.setAttribute("data-note", String(data.labels.indexOf(l)));
      n.style.top = `${top}px`;
      place(n, l.index);
      const glyph = GLYPH[l.role];
      if (glyph !== undefined) n.appendChild(document.createTextNode(glyph));
      if (l.thread >= 0) el("b", "", n).textContent = tname(l.thread);
      n.appendChild(document.createTextNode((l.thread >= 0 ? " " : "") + l.label));
      const mark = marks[l.index]!;
      if (!mark.hasAttribute("data-role") || l.role === "missed") {
        mark.setAttribute("data-role", l.role);
        mark.className = `${mark.className.replace(/ r-\w+/, "")} r-${l.role}`;
      }
      notes.push({ n, pin, index: l.index });
    });
  });
  // A label that would run past the end of the canvas ends at its event instead.
  const layoutNotes = (): void => {
    const width = canvas.scrollWidth;
    for (const o of notes) {
      o.n.classList.remove("flip");
      const x = (o.index + 0.5) * px;
      if (x + o.n.offsetWidth > width - 4 && x - o.n.offsetWidth > 0) o.n.classList.add("flip");
    }
  };

  if (data.window) {
    const w = el("div", "window", canvas);
    w.setAttribute("data-window", "");
    w.setAttribute("data-from", String(data.window.fromStep));
    w.setAttribute("data-to", String(data.window.toStep));
    place(w, data.window.from, Math.max(data.window.to - data.window.from + 1, 0));
    el("span", "", w).textContent = `racy window #${data.window.fromStep}\u2013#${data.window.toStep}`;
  }
  if (data.failure && data.failure.index >= 0) {
    const f = el("div", "failure", canvas);
    f.setAttribute("data-failure", "");
    f.setAttribute("data-step", String(data.failure.step));
    place(f, data.failure.index);
    el("span", "", f).textContent = `failure #${data.failure.step}`;
  }

  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "flows");
  svg.setAttribute("viewBox", `0 0 ${slots} ${total - AXIS}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("height", String(total - AXIS));
  for (const l of data.links) {
    const line = document.createElementNS(SVG, "line");
    line.setAttribute("class", l.kind);
    line.setAttribute("x1", String(l.from + 0.5));
    line.setAttribute("y1", String(laneTop[events[l.from]!.cpu]! - AXIS + 16));
    line.setAttribute("x2", String(l.to + 0.5));
    line.setAttribute("y2", String(laneTop[events[l.to]!.cpu]! - AXIS + 16));
    svg.appendChild(line);
  }
  canvas.appendChild(svg);

  // The cursor: where a stepped run stands.
  let cursor: HTMLElement | null = null;
  const setCursor = (index: number | null, o: { readonly reveal?: boolean } = {}): void => {
    const at = index === null ? null : Math.max(-1, Math.min(index, N - 1));
    marks.forEach((m, i) => m.classList.toggle("future", at !== null && i > at));
    for (const o2 of notes) {
      const future = at !== null && o2.index > at;
      o2.n.classList.toggle("future", future);
      o2.pin.classList.toggle("future", future);
    }
    if (at === null) {
      cursor?.remove();
      cursor = null;
      return;
    }
    if (cursor === null) {
      cursor = el("div", "now", canvas);
      cursor.setAttribute("data-cursor", "");
      el("span", "", cursor);
    }
    const step = at >= 0 ? events[at]!.step : 0;
    cursor.setAttribute("data-index", String(at));
    cursor.setAttribute("data-step", String(step));
    cursor.firstElementChild!.textContent = `now: step ${step}`;
    place(cursor, at);
    if (o.reveal === true) {
      const x = (at + 1) * px;
      const vw = viewport.clientWidth;
      if (x < viewport.scrollLeft + 40 || x > viewport.scrollLeft + vw - 40) viewport.scrollLeft = x - vw / 2;
    }
  };

  const renderAxis = (): void => {
    axis.textContent = "";
    // A tick where a step begins, at least 56px from the previous one.
    let last = -Infinity;
    let lastStep = -1;
    for (let i = 0; i < N; i++) {
      if (events[i]!.step === lastStep || (i - last) * px < 56) continue;
      const t = el("div", "tick", axis);
      place(t, i);
      t.textContent = `#${events[i]!.step}`;
      last = i;
      lastStep = events[i]!.step;
    }
  };
  const setPx = (next: number, anchor?: number): void => {
    const vw = viewport.clientWidth;
    const min = Math.min((vw - PAD) / slots, 1);
    const a = anchor === undefined ? vw / 2 : anchor;
    const slot = (viewport.scrollLeft + a) / px;
    px = Math.min(MAX_PX, Math.max(min, next));
    canvas.style.setProperty("--px", `${px}px`);
    canvas.setAttribute("data-px", String(px));
    viewport.scrollLeft = slot * px - a;
    renderAxis();
    layoutNotes();
  };
  const fit = (): void => {
    setPx((viewport.clientWidth - PAD) / slots);
    viewport.scrollLeft = 0;
  };
  const showWindow = (): void => {
    if (!data.window) return;
    const n = Math.max(data.window.to - data.window.from + 1, 1);
    const pad = Math.max(4, Math.round(n / 2));
    setPx(viewport.clientWidth / (n + 2 * pad));
    viewport.scrollLeft = (data.window.from - pad) * px;
  };
  function zoom(how: ZoomHow): void {
    if (how === "in") setPx(px * 1.5);
    else if (how === "out") setPx(px / 1.5);
    else if (how === "fit") fit();
    else showWindow();
  }
  if (opts.documentKeys === true) {
    listen(document, "keydown", (ev) => {
      const how = Object.prototype.hasOwnProperty.call(KEYS, ev.key) ? KEYS[ev.key] : undefined;
      if (how !== undefined) zoom(how);
    });
  }
  listen(
    viewport,
    "wheel",
    (ev) => {
      if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) return;
      ev.preventDefault();
      setPx(px * Math.exp(-ev.deltaY * 0.0015), ev.clientX - viewport.getBoundingClientRect().left);
    },
    { passive: false },
  );

  let drag: { x: number; left: number; moved: boolean } | null = null;
  listen(viewport, "mousedown", (ev) => {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, left: viewport.scrollLeft, moved: false };
    viewport.classList.add("dragging");
    ev.preventDefault();
  });
  listen(window, "mousemove", (ev) => {
    if (!drag) return;
    if (Math.abs(ev.clientX - drag.x) > 2) drag.moved = true;
    viewport.scrollLeft = drag.left - (ev.clientX - drag.x);
    hideTip();
  });
  listen(window, "mouseup", (ev) => {
    const wasClick = drag !== null && !drag.moved;
    drag = null;
    viewport.classList.remove("dragging");
    const on = opts.onEventClick;
    if (!wasClick || on === undefined) return;
    const mark = (ev.target as Element | null)?.closest?.("[data-event]");
    if (mark && canvas.contains(mark)) on(Number(mark.getAttribute("data-index")));
  });

  const describe = (n: Element): Hover => {
    if (n.hasAttribute("data-event")) return eventHover(data, Number(n.getAttribute("data-index")));
    if (n.hasAttribute("data-span")) return spanHover(data, Number(n.getAttribute("data-span")));
    if (n.hasAttribute("data-label")) return labelHover(data, Number(n.getAttribute("data-note")));
    if (n.hasAttribute("data-window")) return windowHover(data);
    return failureHover(data);
  };
  const showTip = (n: Element, x: number, y: number): void => {
    const d = describe(n);
    tip.textContent = "";
    el("b", "", tip).textContent = d.title;
    for (const l of d.lines) el("div", "", tip).textContent = l;
    tip.hidden = false;
    const left = Math.min(x + 14, window.innerWidth - tip.offsetWidth - 8);
    const top = y + 16 + tip.offsetHeight > window.innerHeight ? y - tip.offsetHeight - 10 : y + 16;
    tip.style.left = `${Math.max(4, left)}px`;
    tip.style.top = `${Math.max(4, top)}px`;
  };
  function hideTip(): void {
    tip.hidden = true;
  }
  listen(canvas, "mousemove", (ev) => {
    if (drag) return;
    let n = (ev.target as Element).closest(
      "[data-label], [data-event], [data-span], [data-window] span, [data-failure] span",
    );
    if (!n) {
      hideTip();
      return;
    }
    if (!n.hasAttribute("data-event") && !n.hasAttribute("data-span") && !n.hasAttribute("data-label")) {
      n = n.parentElement!;
    }
    showTip(n, ev.clientX, ev.clientY);
  });
  listen(canvas, "mouseleave", hideTip);

  if (opts.zoom !== undefined) {
    setPx(opts.zoom.px);
    viewport.scrollLeft = opts.zoom.scrollLeft;
  } else {
    fit();
    if (data.window && px < 3) showWindow();
  }
  if (opts.cursor !== undefined && opts.cursor !== null) setCursor(opts.cursor);

  return {
    root,
    zoom,
    setCursor,
    zoomState: () => ({ px, scrollLeft: viewport.scrollLeft }),
    destroy() {
      for (const c of cleanups.splice(0)) c();
      root.textContent = "";
      root.classList.remove("kprim-timeline", "clickable");
    },
  };
}
