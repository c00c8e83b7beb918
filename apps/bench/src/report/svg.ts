/**
 * Hand-written SVG charts for the benchmark report: a line chart over a
 * numeric x axis (linear or log 2) and a grouped bar chart over categories,
 * both with a linear or log 10 y axis, a legend and axis labels. Pure: the
 * same chart gives a byte-identical file (numbers rounded to 0.1 px).
 */
import type { Axis, Chart } from "./types.js";

const W = 720;
const H = 400;
const M = { left: 72, right: 176, top: 40, bottom: 56 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
/** Colour-blind-safe palette (Okabe–Ito). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

const r1 = (x: number): string => (Math.round(x * 10) / 10).toString();

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A short number for a tick label. */
export function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a >= 1) return trim(v);
  return Number(v.toPrecision(2)).toString();
}

function trim(v: number): string {
  return Number(v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)).toString();
}

/** "Nice" linear ticks covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (hi <= lo) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < hi) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/** Powers of `base` covering [lo, hi] (lo > 0). */
export function logTicks(lo: number, hi: number, base: number): number[] {
  const a = Math.floor(Math.log(lo) / Math.log(base) + 1e-9);
  const b = Math.ceil(Math.log(hi) / Math.log(base) - 1e-9);
  const ticks: number[] = [];
  for (let e = a; e <= Math.max(b, a + 1); e++) ticks.push(base ** e);
  return ticks;
}

interface Scale {
  readonly ticks: readonly number[];
  readonly at: (v: number) => number;
}

function scale(axis: Axis, values: readonly number[], pixels: number, base: number, flip: boolean): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!axis.log || v > 0));
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  if (axis.log) {
    const ticks = logTicks(lo > 0 ? lo : 1, hi > 0 ? hi : 10, base);
    const l0 = Math.log(ticks[0]!);
    const l1 = Math.log(ticks[ticks.length - 1]!);
    return {
      ticks,
      at: (v) => {
        const f = (Math.log(Math.max(v, ticks[0]!)) - l0) / (l1 - l0 || 1);
        return flip ? pixels * (1 - f) : pixels * f;
      },
    };
  }
  // A value axis starts at zero; a position axis (x) spans the data.
  const ticks = linearTicks(flip ? Math.min(0, lo) : lo, hi);
  const t0 = ticks[0]!;
  const t1 = ticks[ticks.length - 1]!;
  return {
    ticks,
    at: (v) => {
      const f = (v - t0) / (t1 - t0 || 1);
      return flip ? pixels * (1 - f) : pixels * f;
    },
  };
}

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>`,
    ...body,
    `</svg>`,
    "",
  ].join("\n");
}

function yAxis(y: Scale, label: string): string[] {
  const out: string[] = [];
  for (const t of y.ticks) {
    const py = r1(M.top + y.at(t));
    out.push(`<line x1="${M.left}" y1="${py}" x2="${M.left + PLOT_W}" y2="${py}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${tickLabel(t)}</text>`);
  }
  out.push(
    `<text transform="translate(16 ${M.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`,
  );
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PLOT_H}" stroke="#333"/>`);
  out.push(
    `<line x1="${M.left}" y1="${M.top + PLOT_H}" x2="${M.left + PLOT_W}" y2="${M.top + PLOT_H}" stroke="#333"/>`,
  );
  return out;
}

function legend(
  items: readonly { name: string; colour: string; dashed?: boolean | undefined; bar?: boolean }[],
): string[] {
  const x = M.left + PLOT_W + 14;
  return items.flatMap((it, i) => {
    const y = M.top + 8 + i * 20;
    const mark = it.bar
      ? `<rect x="${x}" y="${y - 6}" width="18" height="12" fill="${it.colour}"/>`
      : `<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${it.colour}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="5 3"' : ""}/>`;
    return [mark, `<text x="${x + 24}" y="${y}" dominant-baseline="middle">${esc(it.name)}</text>`];
  });
}

/** The chart as a standalone SVG document. */
export function renderSvg(chart: Chart): string {
  return chart.kind === "line" ? lineChart(chart) : barChart(chart);
}

function lineChart(chart: Extract<Chart, { kind: "line" }>): string {
  const xs = chart.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = chart.series.flatMap((s) => s.points.map((p) => p.y));
  const x = scale(chart.x, xs, PLOT_W, 2, false);
  const xTicks = chart.x.log ? x.ticks : [...new Set(xs)].sort((a, b) => a - b);
  const y = scale(chart.y, ys, PLOT_H, 10, true);
  const body = yAxis(y, chart.y.label);
  for (const t of xTicks) {
    const px = r1(M.left + x.at(t));
    body.push(`<line x1="${px}" y1="${M.top + PLOT_H}" x2="${px}" y2="${M.top + PLOT_H + 5}" stroke="#333"/>`);
    body.push(`<text x="${px}" y="${M.top + PLOT_H + 18}" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  body.push(`<text x="${M.left + PLOT_W / 2}" y="${H - 14}" text-anchor="middle">${esc(chart.x.label)}</text>`);
  chart.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const pts = s.points
      .filter((p) => Number.isFinite(p.y) && (!chart.y.log || p.y > 0))
      .map((p) => `${r1(M.left + x.at(p.x))},${r1(M.top + y.at(p.y))}`);
    if (pts.length > 1) {
      body.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ""} points="${pts.join(" ")}"/>`,
      );
    }
    for (const p of pts) {
      const [cx, cy] = p.split(",");
      body.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${colour}"/>`);
    }
  });
  body.push(
    ...legend(chart.series.map((s, i) => ({ name: s.name, colour: PALETTE[i % PALETTE.length]!, dashed: s.dashed }))),
  );
  return frame(chart.title, body);
}

function barChart(chart: Extract<Chart, { kind: "bar" }>): string {
  const ys = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const y = scale(chart.y, ys, PLOT_H, 10, true);
  const body = yAxis(y, chart.y.label);
  const groupW = PLOT_W / Math.max(1, chart.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, chart.series.length);
  const base = M.top + y.at(chart.y.log ? y.ticks[0]! : 0);
  chart.categories.forEach((c, ci) => {
    const gx = M.left + ci * groupW;
    body.push(`<text x="${r1(gx + groupW / 2)}" y="${M.top + PLOT_H + 18}" text-anchor="middle">${esc(c)}</text>`);
    chart.series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === null || v === undefined || (chart.y.log && v <= 0)) return;
      const top = M.top + y.at(v);
      const bx = gx + groupW * 0.1 + si * barW;
      body.push(
        `<rect x="${r1(bx)}" y="${r1(Math.min(top, base))}" width="${r1(barW - 1)}" height="${r1(Math.abs(base - top))}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${s.name} · ${c}: ${v}`)}</title></rect>`,
      );
    });
  });
  body.push(...legend(chart.series.map((s, i) => ({ name: s.name, colour: PALETTE[i % PALETTE.length]!, bar: true }))));
  return frame(chart.title, body);
}
