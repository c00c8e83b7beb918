/**
 * Driving a machine from inside kprim (`@kprim/machine/internal`): its
 * record, a run continued from a restored state (to its end, or until the
 * strategy cuts it), and a run whose RunResult is never built. A machine's
 * own `run()` is the public way; these serve the explorer's searches and
 * samplers, which restore or reset one machine between runs.
 *
 * Calling context: between runs, or after `restore` (states/snapshot.ts);
 * never from a strategy or thread code.
 */
import { MachineConfigError } from "./errors.js";
import type { Machine, RunResult } from "./machine.js";
import type { Outcome } from "./outcome.js";
import type { Core } from "./runtime/core.js";

/** @internal the record behind a machine. */
export function coreOf(m: Machine): Core {
  return m["core"];
}

/**
 * @internal what a strategy chooses to stop a run continued with
 * `continueUntilCut` where it is (a stateful search meeting a state it
 * explored before): no exception to unwind, the caller restores next.
 */
export const CUT = -1;

/** @internal run on from a restored state (states/snapshot.ts `restore`), to the end or until the strategy throws. */
export function continueRun(m: Machine): RunResult {
  resumable(m, "continueRun");
  return m["loop"]();
}

/**
 * @internal `continueRun`, but the strategy may stop the run by choosing
 * `CUT`: null then (no result is built; restore a state before going on).
 */
export function continueUntilCut(m: Machine): RunResult | null {
  resumable(m, "continueUntilCut");
  return m["steps"](true) ? m["result"]() : null;
}

/**
 * @internal `run()` without building its RunResult: the outcome alone (the
 * console, the schedule and the rest stay readable on the machine until it
 * is reset) — a sampler that keeps only a record of each run.
 */
export function runOutcome(m: Machine): Outcome {
  m["start"]();
  m["steps"]();
  return m["core"].outcome!;
}

/** A run can be continued only from a restored state of a started run. */
function resumable(m: Machine, what: string): void {
  const core = m["core"];
  if (!core.started || core.finished || core.outcome !== null) {
    throw new MachineConfigError(`${what}: restore a state of a started run first`);
  }
}
