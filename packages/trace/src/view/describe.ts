/**
 * The words of the timeline view, without the DOM: an event's colour
 * category, the legends, and the text a hover shows for an event, a span, a
 * label, the racy window and the failure point. Pure functions of the
 * view's data (`TimelineData`).
 */
import type { TimelineData } from "../timelineData.js";

/** The event categories the view colours (the stylesheet's `k-<category>` classes), with their legend text. */
export const LEGEND: readonly (readonly [string, string])[] = [
  ["op", "op"],
  ["sched", "scheduler"],
  ["ipi", "IPI"],
  ["crit", "critical section"],
  ["spin", "spin"],
  ["lock", "lock"],
  ["console", "console"],
  ["fail", "failure"],
];

/** The label roles the view tells apart (the stylesheet's `r-<role>` classes), with their legend text. */
export const ROLES: readonly (readonly [string, string])[] = [
  ["observe", "observation"],
  ["cause", "what made it stale"],
  ["missed", "\u2205 wakeup that found nobody"],
  ["stuck", "\u25a0 stops for good"],
  ["report", "where it shows"],
];

/** A role in a hover's words. */
export const ROLE_TEXT: Readonly<Record<string, string>> = {
  observe: "the observation it relies on",
  cause: "what made it stale",
  missed: "a wakeup that found nobody",
  stuck: "where a thread stops for good",
  report: "where it shows",
};

/** The glyph in front of a label of these roles (readable without colour). */
export const GLYPH: Readonly<Record<string, string>> = { missed: "\u2205 ", stuck: "\u25a0 " };

export function category(kind: string): string {
  switch (kind) {
    case "op":
      return "op";
    case "ipi-send":
    case "ipi-take":
    case "ipi-point":
      return "ipi";
    case "crit-enter":
    case "crit-exit":
      return "crit";
    case "spin-wait":
    case "spin-done":
      return "spin";
    case "printf":
      return "console";
    case "panic":
    case "violation":
      return "fail";
    case "mp-acquire":
    case "mp-release":
    case "mp-contended":
    case "lock.acquire":
    case "lock.release":
      return "lock";
    case "switch":
    case "block":
    case "wake":
    case "resume":
    case "preempt":
    case "idle":
    case "interrupt":
    case "timeout":
    case "thread-start":
    case "thread-exit":
      return "sched";
    default:
      return "other";
  }
}

/** A hover's text: a title and its lines. */
export interface Hover {
  readonly title: string;
  readonly lines: readonly string[];
}

/** Thread names by id ("-" for none). */
export function threadNames(data: TimelineData): (id: number) => string {
  const names = new Map(data.threads.map((t) => [t.id, t.name]));
  return (id) => (id < 0 ? "-" : (names.get(id) ?? `thread${id}`));
}

export function eventHover(data: TimelineData, i: number): Hover {
  const e = data.events[i]!;
  const tname = threadNames(data);
  const lines = [`step ${e.step} \u00b7 seq ${e.seq} \u00b7 cycle ${e.cycle}`, `cpu${e.cpu} \u00b7 ${tname(e.thread)}`];
  if (e.detail !== undefined) lines.push(e.detail);
  if (e.target !== undefined) {
    const cpuTarget = e.kind === "ipi-send" || e.kind === "ipi-take";
    lines.push(`${e.kind === "ipi-take" ? "from " : "to "}${cpuTarget ? `cpu${e.target}` : tname(e.target)}`);
  }
  if (e.flow !== undefined) lines.push(`flow ${e.flow}`);
  if (data.window && i >= data.window.from && i <= data.window.to) lines.push("in the racy window");
  return { title: e.kind + (e.obj !== undefined ? ` ${e.obj}` : ""), lines };
}

export function spanHover(data: TimelineData, k: number): Hover {
  const s = data.spans[k]!;
  const tname = threadNames(data);
  const from = data.events[s.from]!;
  const to = s.to < 0 ? null : data.events[s.to]!;
  const steps = `steps #${from.step} \u2013 ${to ? `#${to.step}` : "end"}`;
  const title = s.kind === "run" ? `run of ${tname(s.thread)}` : `${s.label} \u00b7 ${tname(s.thread)}`;
  return { title, lines: s.kind === "run" ? [steps, s.label] : [steps] };
}

export function labelHover(data: TimelineData, k: number): Hover {
  const l = data.labels[k]!;
  const e = data.events[l.index]!;
  const tname = threadNames(data);
  return {
    title: (l.thread >= 0 ? `${tname(l.thread)} ` : "") + l.label,
    lines: [
      `step ${l.step} \u00b7 ${ROLE_TEXT[l.role] ?? l.role}`,
      `cpu${e.cpu} \u00b7 ${e.kind}${e.obj !== undefined ? ` ${e.obj}` : ""}`,
    ],
  };
}

export function windowHover(data: TimelineData): Hover {
  const w = data.window!;
  return { title: "racy window", lines: [`steps #${w.fromStep} \u2013 #${w.toStep}`, w.reason] };
}

export function failureHover(data: TimelineData): Hover {
  const f = data.failure!;
  return { title: "failure point", lines: [`step #${f.step}`, f.text] };
}

/** The line under the buttons: the size of the run and how to move around. */
export function summaryLine(data: TimelineData): string {
  return `${data.ncpus} cpu${data.ncpus === 1 ? "" : "s"}, ${data.events.length} events, ${data.steps} steps \u00b7 wheel to zoom, drag to pan, hover for details`;
}
