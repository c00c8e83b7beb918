import type { Machine, RunResult, TraceEvent } from "../src/index.js";

/** A short log of what happened, for asserting orders: "kind:thread:detail". */
export function log(m: Machine, r: RunResult, kinds: readonly string[]): string[] {
  return (r.trace ?? [])
    .filter((e) => kinds.includes(e.kind))
    .map((e) => `${e.kind}:${e.thread >= 0 ? m.thread(e.thread).name : `cpu${e.cpu}`}${e.obj ? `:${e.obj}` : ""}`);
}

export function indexOfEvent(trace: readonly TraceEvent[], pred: (e: TraceEvent) => boolean): number {
  const i = trace.findIndex(pred);
  if (i < 0) throw new Error("event not found");
  return i;
}
