/**
 * Errors of the explorer. A failure of the simulated kernel (panic,
 * violation, deadlock, step limit) is an outcome, never one of these; these
 * are mistakes in how exploration is asked for, or in the model it runs.
 * Each carries a one-line message.
 */
import { type Choice, formatChoice } from "@kprim/machine";

/** Options that cannot be honoured (bad bound, bad seed, unknown mode). */
export class ExploreConfigError extends Error {
  override readonly name = "ExploreConfigError";
}

/** A target signal that does not parse in matrix.json's grammar. */
export class SignalError extends Error {
  override readonly name = "SignalError";
}

/**
 * The factory built machines that do not repeat: re-running the same prefix
 * gave different enabled choices. Exploration needs a deterministic factory.
 */
export class NondeterminismError extends Error {
  override readonly name = "NondeterminismError";
}

/** Throw a NondeterminismError unless the path's `k` choices led to the same enabled choices as before. */
export function checkRepeated(k: number, before: readonly Choice[], now: readonly Choice[]): void {
  // A loop, not \`every\`: called at each replayed step of every execution.
  let same = before.length === now.length;
  for (let i = 0; same && i < now.length; i++) same = before[i] === now[i];
  if (same) return;
  throw new NondeterminismError(
    `the machine factory is not deterministic: after the same ${k} choices, ${listed(before)} were enabled before and ${listed(now)} now`,
  );
}

function listed(cs: readonly Choice[]): string {
  return cs.length === 0 ? "nothing" : cs.map(formatChoice).join(" ");
}

/** The model threw (a ModelError from the machine) during an explored execution. */
export class ExecutionError extends Error {
  override readonly name = "ExecutionError";
  constructor(
    message: string,
    /** The choices taken up to the error (`formatChoices`). */
    readonly choices: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
