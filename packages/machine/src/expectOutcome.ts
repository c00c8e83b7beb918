/**
 * A test assertion that reads like a failure report: `expectOutcome(result,
 * kind)` passes when the run ended with an outcome of that kind, and
 * otherwise throws an `OutcomeMismatch` saying how it ended (the outcome
 * described: kind, step, message, waiters or reports) and how to replay it —
 * `kprim replay <scenario> --schedule '…'` when the run's header names a
 * scenario, else its choices for `replay(parseChoices("…"))` on the same
 * machine. Framework-free: any test runner reports the thrown error.
 */
import { describeOutcome, type Outcome, type OutcomeKind } from "./outcome.js";
import type { RunResult } from "./machine.js";
import { formatChoices, formatSchedule } from "./schedule.js";

/** A run did not end the way a test expected. */
export class OutcomeMismatch extends Error {
  override readonly name = "OutcomeMismatch";
}

/** Throws an OutcomeMismatch (outcome, step, replay handle) unless `result` ended with an outcome of `kind`. */
export function expectOutcome<K extends OutcomeKind>(
  result: RunResult,
  kind: K,
): asserts result is RunResult & { readonly outcome: Extract<Outcome, { readonly kind: K }> } {
  if (result.outcome.kind === kind) return;
  throw new OutcomeMismatch(
    `expected outcome ${kind}, got ${describeOutcome(result.outcome)}\nreplay: ${replayHandle(result)}`,
  );
}

function replayHandle(r: RunResult): string {
  const s = r.schedule;
  if (s.header.scenario !== "") {
    try {
      return `kprim replay ${s.header.scenario} --schedule '${formatSchedule(s)}'`;
    } catch {
      // A header that cannot go in a schedule string: the choices still replay.
    }
  }
  return `replay(parseChoices("${formatChoices(s.choices)}")) on the same machine (${r.steps} steps)`;
}
