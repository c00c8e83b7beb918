/**
 * The factory contract: how the explorer (and every other driver: the CLI,
 * a test, a benchmark) gets a fresh machine. A machine runs once, so every
 * execution builds a new one with the scenario set up and not yet run. The
 * factory must be deterministic: the same request gives a machine that
 * makes the same choices available after the same prefix (the explorer
 * checks this and throws NondeterminismError otherwise).
 *
 * The request is the machine's own options minus what the scenario fixes
 * (its cpus, its schedule header): one record from the caller to
 * `createMachine`, never copied field by field. `prepare(...).build` of
 * @kprim/scenarios has exactly this shape; a decorator (the CLI's watchdog,
 * a plugin's detectors) wraps a factory and passes the request on.
 */
import type { Machine, MachineOptions, Strategy } from "@kprim/machine";

/**
 * What a caller chooses per machine: the strategy, the step limit, extra
 * detectors (the explorer's footprint recorder, the lock-order graph; added
 * after the scenario's own), footprint recording, the trace, check mode,
 * the cost table and jitter.
 */
export type BuildRequest = Omit<MachineOptions, "cpus" | "header" | "strategy"> & { readonly strategy: Strategy };

export type MachineFactory = (req: BuildRequest) => Machine;
