/**
 * The factory contract: how the explorer gets a fresh machine for each
 * execution. A machine runs once, so every execution builds a new one with
 * the scenario set up and not yet run. The factory must be deterministic:
 * the same request gives a machine that makes the same choices available
 * after the same prefix (the explorer checks this and throws
 * NondeterminismError otherwise).
 *
 * `prepare(...).build` of @kprim/scenarios has exactly this shape.
 */
import type { Detector, Machine, Strategy } from "@kprim/machine";

export interface BuildRequest {
  readonly strategy: Strategy;
  /** Record each step's shared reads and writes (exhaustive exploration needs them). */
  readonly recordFootprints?: boolean;
  readonly maxSteps?: number;
  /** Detectors the explorer adds (its footprint recorder, the lock-order graph). */
  readonly detectors?: readonly Detector[];
  readonly trace?: boolean;
}

export type MachineFactory = (req: BuildRequest) => Machine;
