/**
 * The Compare tab's charts, drawn as SVG: simulated cycles per operation
 * against cpus (log scales) for each variant, or, for a scenario without a
 * cpus parameter, one bar per variant (log scale). Colours are the
 * colour-blind-safe Okabe–Ito palette the benchmark report uses; token
 * variants solid, spinlock ones dashed.
 */
import type { CompareSummary } from "../protocol.js";

const SVG = "http://www.w3.org/2000/svg";
const W = 640;
const H = 320;
const M = { left: 70, right: 150, top: 20, bottom: 44 };
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  parent?.appendChild(n);
  return n;
}

function text(parent: Element, x: number, y: number, s: string, anchor = "middle"): void {
  const t = svg("text", { x, y, "text-anchor": anchor }, parent);
  t.textContent = s;
}

function short(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

/** Powers of ten covering [lo, hi]. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

function frame(title: string): { root: SVGSVGElement; plotW: number; plotH: number } {
  const root = svg("svg", {
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    role: "img",
    "aria-label": title,
    class: "chart",
  });
  svg("title", {}, root).textContent = title;
  return { root, plotW: W - M.left - M.right, plotH: H - M.top - M.bottom };
}

function yAxis(root: SVGSVGElement, ticks: number[], y: (v: number) => number, plotW: number): void {
  for (const t of ticks) {
    svg("line", { x1: M.left, x2: M.left + plotW, y1: y(t), y2: y(t), class: "gridline" }, root);
    text(root, M.left - 6, y(t) + 4, short(t), "end");
  }
  const label = svg(
    "text",
    {
      x: 14,
      y: M.top + (H - M.top - M.bottom) / 2,
      "text-anchor": "middle",
      transform: `rotate(-90 14 ${M.top + (H - M.top - M.bottom) / 2})`,
    },
    root,
  );
  label.textContent = "simulated cycles per operation";
}

function legend(root: SVGSVGElement, names: readonly string[], dashed: (name: string) => boolean): void {
  names.forEach((name, i) => {
    const y = M.top + 10 + i * 18;
    const x = W - M.right + 14;
    svg(
      "line",
      {
        x1: x,
        x2: x + 24,
        y1: y,
        y2: y,
        stroke: PALETTE[i % PALETTE.length]!,
        "stroke-width": 2.5,
        ...(dashed(name) ? { "stroke-dasharray": "6 4" } : {}),
      },
      root,
    );
    text(root, x + 30, y + 4, name, "start");
  });
}

const isSpin = (variant: string): boolean => !variant.startsWith("TOK");

/** Cycles per operation against cpus, one line per variant. */
export function cpusChart(series: NonNullable<CompareSummary["series"]>): SVGSVGElement {
  const { root, plotW, plotH } = frame("Simulated cycles per operation against cpus");
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.cpus)))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.points.map((p) => Math.max(p.cyclesPerOp, 1)));
  const ticks = decades(Math.min(...ys), Math.max(...ys));
  const lo = Math.log10(ticks[0]!);
  const hi = Math.log10(ticks[ticks.length - 1]!);
  const x0 = Math.log2(xs[0]!);
  const x1 = Math.max(Math.log2(xs[xs.length - 1]!), x0 + 1);
  const x = (c: number): number => M.left + ((Math.log2(c) - x0) / (x1 - x0)) * plotW;
  const y = (v: number): number =>
    M.top + plotH - ((Math.log10(Math.max(v, 1)) - lo) / Math.max(hi - lo, 1e-9)) * plotH;
  yAxis(root, ticks, y, plotW);
  for (const c of xs) text(root, x(c), H - M.bottom + 18, String(c));
  text(root, M.left + plotW / 2, H - 8, "cpus");
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    svg(
      "polyline",
      {
        points: s.points.map((p) => `${x(p.cpus).toFixed(1)},${y(p.cyclesPerOp).toFixed(1)}`).join(" "),
        fill: "none",
        stroke: color,
        "stroke-width": 2.5,
        ...(isSpin(s.variant) ? { "stroke-dasharray": "6 4" } : {}),
        "data-series": s.variant,
      },
      root,
    );
    for (const p of s.points) svg("circle", { cx: x(p.cpus), cy: y(p.cyclesPerOp), r: 3, fill: color }, root);
  });
  legend(
    root,
    series.map((s) => s.variant),
    isSpin,
  );
  return root;
}

/** One bar per variant: cycles per operation. */
export function barsChart(rows: CompareSummary["rows"]): SVGSVGElement {
  const { root, plotW, plotH } = frame("Simulated cycles per operation by variant");
  const ys = rows.map((r) => Math.max(r.cost.cyclesPerOp, 1));
  const ticks = decades(Math.min(...ys), Math.max(...ys));
  const lo = Math.log10(ticks[0]!);
  const hi = Math.log10(ticks[ticks.length - 1]!);
  const y = (v: number): number =>
    M.top + plotH - ((Math.log10(Math.max(v, 1)) - lo) / Math.max(hi - lo, 1e-9)) * plotH;
  yAxis(root, ticks, y, plotW);
  const band = plotW / Math.max(rows.length, 1);
  rows.forEach((r, i) => {
    const x = M.left + i * band + band * 0.2;
    const top = y(r.cost.cyclesPerOp);
    svg(
      "rect",
      {
        x,
        y: top,
        width: band * 0.6,
        height: M.top + plotH - top,
        fill: PALETTE[i % PALETTE.length]!,
        "data-bar": r.variant,
      },
      root,
    );
    text(root, x + band * 0.3, H - M.bottom + 18, r.variant);
    text(root, x + band * 0.3, top - 5, short(r.cost.cyclesPerOp));
  });
  return root;
}
