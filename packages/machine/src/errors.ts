/**
 * Errors that are not kernel outcomes. A panic, a violation or a deadlock is
 * an outcome of the simulated kernel; these are mistakes in how the machine
 * is driven or in the model code itself, and they are thrown.
 */
import type { Choice } from "./choice.js";

/** Raised by kernel code (`k.panic`, a failed `k.assert`): ends the run with a `panic` outcome. */
export class KernelPanic extends Error {
  override readonly name = "KernelPanic";
}

/** Check mode caught an access to a shared object outside an op or outside its declared footprint. */
export class FootprintError extends Error {
  override readonly name = "FootprintError";
}

/**
 * A thread body or handler threw something that is not a kernel panic: a bug
 * in model code. Thrown out of a run, it carries the choices taken up to it
 * (the failing step's included), so that the run can be replayed to it.
 */
export class ModelError extends Error {
  override readonly name = "ModelError";
  /** The run's choices up to the error (empty outside a run). */
  readonly choices: readonly Choice[];
  constructor(
    message: string,
    readonly thread: string | null,
    readonly step: number,
    options?: { cause?: unknown; choices?: readonly Choice[] },
  ) {
    super(message, options);
    this.choices = options?.choices ?? [];
  }
}

/** A replayed schedule no longer matches the run. */
export class ReplayDivergence extends Error {
  override readonly name = "ReplayDivergence";
  constructor(
    readonly step: number,
    readonly expected: string,
    readonly enabled: readonly string[],
  ) {
    super(
      `replay diverged at step ${step}: expected ${expected}, enabled ${enabled.length === 0 ? "nothing" : enabled.join(" ")}`,
    );
  }
}

/** A schedule string that cannot be parsed, or whose header does not match the run. */
export class ScheduleError extends Error {
  override readonly name = "ScheduleError";
}

/** Scenario parameters that fail validation. */
export class ParamError extends Error {
  override readonly name = "ParamError";
}

/** The machine was configured or driven incorrectly (bad cpu index, spawn after start, ...). */
export class MachineConfigError extends Error {
  override readonly name = "MachineConfigError";
}
