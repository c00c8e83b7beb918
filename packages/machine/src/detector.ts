/**
 * Detectors observe every step and may report a violation; they get one more
 * call at quiescence, before a deadlock is declared (a report there replaces
 * the deadlock). A violation lists every detector that reported at its step.
 */
import type { Choice } from "./choice.js";
import type { Renaming } from "./states/fingerprint.js";
import type { TraceEvent } from "./trace.js";
import type { MachineView } from "./view.js";

export interface StepRecord {
  /** 1-based step number. */
  readonly index: number;
  readonly choice: Choice;
  readonly cpu: number;
  /** The thread that stepped (for a thread step), else -1. */
  readonly thread: number;
  /** Events emitted during the step. */
  readonly events: readonly TraceEvent[];
  /** Ids of shared cells read and written during the step. */
  readonly reads: readonly number[];
  readonly writes: readonly number[];
}

/** What a detector reports; the machine adds its name and the step. */
export interface Finding {
  readonly message: string;
  readonly threads?: readonly number[];
}

export interface Detector {
  readonly name: string;
  /** The detector reads `StepRecord.reads/writes`: the machine records footprints. */
  readonly footprints?: boolean;
  onStep?(step: StepRecord, view: MachineView): Finding | undefined | void;
  atQuiescence?(view: MachineView): Finding | undefined | void;
  /**
   * Stateful search: the part of this detector's state that decides what it
   * may report from here on, as a string (step numbers left out; "" for a
   * detector that decides from the machine state alone). A machine with a
   * detector that lacks it cannot be searched statefully. Thread and cpu
   * numbers in the key go through `ren` (symmetric threads are renamed).
   */
  stateKey?(ren: Renaming): string;
}

/**
 * A structural invariant that names the lock guarding it: checked after each
 * step, but only when no thread is inside an update under that lock.
 */
export function structuralInvariant(opts: {
  readonly name: string;
  /** True while some thread is inside an update under the guard. */
  readonly guardHeld: (view: MachineView) => boolean;
  /** A message when the invariant fails. */
  readonly check: (view: MachineView) => Finding | undefined;
}): Detector {
  return {
    name: opts.name,
    stateKey: () => "",
    onStep(_step, view) {
      if (opts.guardHeld(view)) return undefined;
      return opts.check(view);
    },
  };
}
