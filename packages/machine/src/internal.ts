/**
 * @kprim/machine/internal — for @kprim/* packages only (the layers built on
 * the machine, the explorer, their tests). Not for applications or plugins,
 * which use the public entry point (`@kprim/machine`); ESLint refuses this
 * subpath there. Nothing here is covered by semver: it changes with the
 * machine.
 *
 * - `coreOf(machine)`: the plain record a machine runs on (runtime/core.ts),
 *   with the thread generators kept apart in each thread's `generators`.
 * - `fifoCell(core, from, to)`: the shared cell standing for the IPI FIFO
 *   from one cpu to another (its value: the queued count), made on first use.
 * - `armReset(core, shared)` / `resetRun(core, point)`: put a machine back in
 *   the state its set-up left it in, to run it again (states/reset.ts);
 *   `resetBlocker` says why a machine cannot be. `resetStarted(core,
 *   point, strategy)`: back to the state after its start instead (the cpus'
 *   first threads dispatched), to go on with `runStarted(machine)` or
 *   `outcomeStarted(machine)`.
 * - `runOutcome(machine)`: `run()` without building the RunResult (the
 *   outcome; console, trail and counters stay on the machine until a
 *   reset), with `choicesTaken(core)` for the choices; `RandomStrategy`,
 *   whose `reseed` serves run after run as `random({ seed })` would — for
 *   a sampler that keeps one record per run (explore's sampling.ts).
 * - `stateId(machine, states)`: the state's number in a `VectorTable` — the
 *   fingerprint as a vector of interned parts, compared exactly (stateful
 *   search stores these instead of hashing fingerprint strings).
 * - `CycleKeys`: the state's cycle key (`machine.stateKey()`'s identity) as a
 *   vector of numbers, stable across a thread rebuilt by `restore`
 *   (states/cycleKey.ts) — what the explorer's cycle watch compares.
 */
export { continueRun, continueUntilCut, coreOf, CUT, runOutcome } from "./drive.js";
export { stateId } from "./machine.js";
export { choicesTaken } from "./runtime/trail.js";
export { RandomStrategy } from "./strategies/random.js";
export { VectorTable } from "./states/intern.js";
export { CycleKeys } from "./states/cycleKey.js";
export { enableRestore, restore, restoreBlocker, snapshot, type Snapshot, ResumeLog } from "./states/snapshot.js";
export type { Core, CoreOptions, Jitter, Scope } from "./runtime/core.js";
export { fifoCell } from "./runtime/ipiq.js";
export {
  armReset,
  outcomeStarted,
  resetBlocker,
  type ResetPoint,
  resetRun,
  resetStarted,
  runStarted,
} from "./states/reset.js";
