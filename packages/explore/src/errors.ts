/**
 * Errors of the explorer. A failure of the simulated kernel (panic,
 * violation, deadlock, step limit) is an outcome, never one of these; these
 * are mistakes in how exploration is asked for, or in the model it runs.
 * Each carries a one-line message.
 */

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
