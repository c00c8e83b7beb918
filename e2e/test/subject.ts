/**
 * What the browser tests open: one failing run as a trace document, and the
 * steps that make up its failure (the window must cover them).
 *
 * Today the run is the stand-in race in racyCounter.ts, found by a seeded
 * random search. To draw R1 instead once it is in the catalogue: prepare
 * the R1 scenario under variant "TOK", find its failing schedule (the
 * explorer), pass the explorer's window to `documentFromRun`, and take the
 * failing steps from its verdict.
 */
import { formatSchedule, random, type RunResult } from "@kprim/machine";
import { prepare } from "@kprim/scenarios";
import { documentFromRun, type TraceDocument } from "@kprim/trace";
import { racyCounter } from "./racyCounter.js";

export interface Subject {
  readonly doc: TraceDocument;
  readonly result: RunResult;
  /** Steps the highlighted window must cover. */
  readonly failingSteps: readonly number[];
}

export function subject(): Subject {
  const prepared = prepare({ scenario: racyCounter });
  for (let seed = 1; seed <= 1000; seed++) {
    const result = prepared.build({ strategy: random({ seed }), trace: true }).run();
    const o = result.outcome;
    if (o.kind !== "violation") continue;
    const schedule = formatSchedule(result.schedule);
    const doc = documentFromRun(result, { replayCommand: `kprim replay ${racyCounter.name} --schedule '${schedule}'` });
    return { doc, result, failingSteps: lostUpdateSteps(result) };
  }
  throw new Error("no lost update in 1000 random schedules");
}

/** The losing store, the load whose value it wrote back, and the other threads' stores in between. */
function lostUpdateSteps(result: RunResult): number[] {
  const o = result.outcome;
  if (o.kind !== "violation") throw new Error("not a violation");
  const ops = (result.trace ?? []).filter((e) => e.kind === "op" && e.obj === "counter" && e.step <= o.step);
  const loser = o.threads[0]!;
  const load = ops.filter((e) => e.thread === loser && e.detail === "load").at(-1)!.step;
  const between = ops.filter((e) => e.thread !== loser && e.detail === "store" && e.step > load).map((e) => e.step);
  return [load, ...between, o.step];
}
