/**
 * @kprim/explore for any JavaScript runtime (the package's `browser`
 * export condition): everything but the parallel runs over Node worker
 * threads, so a bundle for a web page or a Web Worker pulls in no `node:`
 * module. The main entry (index.ts) adds `exploreParallel` and
 * `loadFactory`.
 */
export { type BuildRequest, type MachineFactory } from "./factory.js";
export { type Execution, indexOfExpected, runOnce, type RunRequest, withPrefix } from "./driver.js";
export { ExecutionError, ExploreConfigError, NondeterminismError, SignalError } from "./errors.js";
export { LOCK_ACQUIRE, LOCK_RELEASE, LOCK_TRY_ACQUIRE, RESTART_LIMIT } from "./events.js";
export {
  describeMode,
  estimateSteps,
  explore,
  type ExploreOptions,
  type ExploreResult,
  type Found,
  type Mode,
  judgedHeader,
  type NotFound,
  replayCommand,
  replaySchedule,
} from "./explore.js";
export { type Reduction, search, type SearchOptions, type SearchStats, type Terminal } from "./exhaustive/search.js";
export {
  lockOrder,
  type LockOrderCycle,
  LockOrderGraph,
  type LockOrderReport,
  type LockSite,
  type SameClassNesting,
} from "./lockOrder.js";
export { BUSY_WAIT_HINT, describeInconclusive, type Inconclusive } from "./inconclusive.js";
export { isPreemption } from "./preemption.js";
export { MachineReuse, type ReuseRequest } from "./reuse.js";
export { type SamplingMode } from "./sampling.js";
export { seedFor } from "./seeds.js";
export { shrink, type ShrinkOptions, type ShrinkResult } from "./shrink.js";
export { type StepOption, Stepper, type StepperOptions, type StepState } from "./stepper.js";
export { checkSignal, failureKind, formatSignal, matchSignal, parseSignal, type Signal } from "./signal.js";
export { withDelayBound, type DelayBoundOptions } from "./strategies/delayBound.js";
export { pct, type PctOptions } from "./strategies/pct.js";
export { withPreemptionBound } from "./strategies/preemptionBound.js";
export { type ConsoleCount, type RunRecord } from "./tally.js";
export {
  type AutoOptions,
  type AutoResult,
  DEFAULT_AUTO_BUDGET,
  DEFAULT_BURST,
  exploreAuto,
  type Phase,
} from "./auto.js";
// Types only (erased): a browser bundle never loads parallel.ts.
export type { FactorySpec, ParallelOptions } from "./parallel.js";
export {
  type FootprintData,
  type FrontierNode,
  type UnitOutcome,
  type UnitRequest,
  type WorkUnit,
  applyRequest,
  compareKeys,
} from "./exhaustive/units.js";
// Distributed exploration: plain data and bookkeeping, no I/O (a transport brings its own).
export * from "./distributed/index.js";
