/**
 * @kprim/explore — schedule exploration for the kprim machine: PCT,
 * preemption and delay bounding, exhaustive DFS with DPOR and sleep sets,
 * shrinking, target signals, a WITNESS-style lock-order graph, and parallel
 * random/PCT runs. Depends on @kprim/machine only.
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
export { isPreemption } from "./preemption.js";
export { type SamplingMode } from "./sampling.js";
export { seedFor } from "./seeds.js";
export { shrink, type ShrinkOptions, type ShrinkResult } from "./shrink.js";
export { type StepOption, Stepper, type StepperOptions, type StepState } from "./stepper.js";
export { checkSignal, failureKind, formatSignal, matchSignal, parseSignal, type Signal } from "./signal.js";
export { withDelayBound, type DelayBoundOptions } from "./strategies/delayBound.js";
export { pct, type PctOptions } from "./strategies/pct.js";
export { withPreemptionBound } from "./strategies/preemptionBound.js";
export { type ConsoleCount, type RunRecord } from "./tally.js";
export { exploreParallel, type FactorySpec, loadFactory, type ParallelOptions } from "./parallel.js";
export {
  type AutoOptions,
  type AutoResult,
  DEFAULT_AUTO_BUDGET,
  DEFAULT_BURST,
  exploreAuto,
  type Phase,
} from "./auto.js";
export {
  type FootprintData,
  type FrontierNode,
  type UnitOutcome,
  type UnitRequest,
  type WorkUnit,
  applyRequest,
  compareKeys,
} from "./exhaustive/units.js";
export * from "./distributed/index.js";
