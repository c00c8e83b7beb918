/**
 * Every schedule of a prepared scenario, by @kprim/explore's naive search
 * (no reduction, no cycle cutting: each enabled choice at every state), for
 * the correct twins small enough to enumerate. It stops at the first
 * execution showing `target`; `expectNone` then fails with that execution's
 * outcome and replay handle.
 */
import type { ExploreResult, NotFound } from "@kprim/explore";
import { exploreScenario, type Prepared } from "../../src/index.js";

export function everySchedule(p: Prepared, target = "failure"): ExploreResult {
  return exploreScenario(p, {
    mode: { kind: "dfs" },
    target,
    fairCycles: false,
    maxSteps: 100_000,
    maxExecutions: 200_000,
  });
}

/** The search found nothing and went through every schedule; otherwise an error naming what it found. */
export function expectNone(r: ExploreResult): NotFound {
  if (r.kind === "found") {
    throw new Error(`${r.signal} found after ${r.executionsToFound} executions: ${r.failure}\nreplay: ${r.replay}`);
  }
  if (!r.exhausted) {
    throw new Error(`not every schedule was explored (${r.executions} executions, ${r.stepLimited} at the step limit)`);
  }
  return r;
}
