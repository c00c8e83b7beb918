/**
 * @kprim/machine — a deterministic SMP machine for simulating the kernel
 * primitives of DragonFly BSD, late 2005.
 *
 * Kernel code is written as generator functions in which every touch of
 * shared state is one explicit atomic step (`yield`). The same code can be
 * simulated in time, run under random schedules, explored exhaustively, and
 * replayed step for step.
 */
export { Cell, type Footprint } from "./cell.js";
export {
  type Choice,
  ChoiceKind,
  type ChoiceKindCode,
  choiceArg,
  choiceCpu,
  choiceKind,
  formatChoice,
  makeChoice,
  parseChoice,
} from "./choice.js";
export { backoffRetest, type CostTable, type Counters, defaultCostTable, zeroCounters } from "./cost.js";
export { type Cpu, IPI_FIFO_CAPACITY } from "./cpu.js";
export {
  type CpuMask,
  EMPTY_MASK,
  formatMask,
  MAX_CPUS,
  maskAdd,
  maskCount,
  maskCpus,
  maskHas,
  maskLowest,
  maskNextAfter,
  maskOf,
  maskRemove,
  maskUnion,
} from "./cpumask.js";
export {
  type Detector,
  type Evidence,
  EVIDENCE_ROLES,
  type EvidenceRole,
  type Explainable,
  type Explanation,
  explainRun,
  type Finding,
  reportOf,
  type StepRecord,
  structuralInvariant,
} from "./detector.js";
export {
  FootprintError,
  KernelPanic,
  MachineConfigError,
  ModelError,
  ParamError,
  ReplayDivergence,
  ScheduleError,
} from "./errors.js";
export { defineExtension, type Extension } from "./extension.js";
export { expectOutcome, OutcomeMismatch } from "./expectOutcome.js";
export { type CellCode, IDENTITY, type Renaming } from "./states/fingerprint.js";
export { Histories } from "./states/histories.js";
export type { ResumeOutlook, SchedulerHooks } from "./hooks.js";
export { KernelContext } from "./kernel.js";
export {
  createMachine,
  Machine,
  type MachineOptions,
  type RunCounters,
  type RunResult,
  type SpawnOptions,
  type ThreadInfo,
} from "./machine.js";
export { describeOp, type Gen, type Op, type OpKind, op } from "./ops.js";
export {
  type DetectorReport,
  describeOutcome,
  isFailure,
  type Outcome,
  type OutcomeKind,
  type Waiter,
} from "./outcome.js";
export {
  type BoolParam,
  describeParam,
  type EnumParam,
  type IntParam,
  nearest,
  param,
  type ParamSpec,
  type ParamSpecs,
  type ParamValues,
  paramsToHeader,
  resolveParams,
} from "./params.js";
export { Prng } from "./prng.js";
export { type RestoreTally, restoreTally } from "./states/snapshot.js";
export {
  assertDeclared,
  formatContains,
  formatMatches,
  MACHINE_RAISES,
  mergeRaises,
  type Raises,
  showFormat,
  UndeclaredError,
  undeclared,
  type Vocabulary,
} from "./raises.js";
export { defineScenario, type Scenario, type ScenarioContext, type ScenarioSetup } from "./scenario.js";
export {
  checkHeader,
  type DispatchModel,
  emptyHeader,
  formatChoices,
  formatSchedule,
  parseChoices,
  parseSchedule,
  type Schedule,
  SCHEDULE_FORMAT,
  SCHEDULE_FORMATS,
  type ScheduleHeader,
} from "./schedule.js";
export type { Strategy } from "./strategy.js";
export { random } from "./strategies/random.js";
export { replay, replayIndex } from "./strategies/replay.js";
export { roundRobin } from "./strategies/roundRobin.js";
export { timed } from "./strategies/timed.js";
export {
  defineThreadLocal,
  PRI,
  Thread,
  type ThreadKind,
  type ThreadLocalKey,
  type ThreadState,
  type TimeoutSpec,
  type WaitInfo,
} from "./thread.js";
export {
  type ConsoleLine,
  formatEvent,
  type KernelEvent,
  kernelEvent,
  kernelEvents,
  type TraceEvent,
  type TraceEventKind,
  type TraceEventKinds,
} from "./trace.js";
export type { Tx } from "./tx.js";
export type { MachineView } from "./view.js";
