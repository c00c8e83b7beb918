/**
 * @kprim/scenarios — the named scenario catalogue, the Kernel composition
 * scenarios are written against, and the acceptance oracle.
 */
export { catalogue, findScenario } from "./catalogue.js";
export { kernelScenario, type KernelScenario, type KernelScenarioInfo, type ParamRename } from "./define.js";
export {
  dependsOn,
  INTERLOCK_OPTIONS,
  LOCKMGR_OPTIONS,
  relevantOptions,
  runKey,
  SLEEPQ_OPTIONS,
  SPINLOCK_OPTIONS,
  TOKEN_OPTIONS,
  VARIANT_OPTION_KEYS,
} from "./dependsOn.js";
export { composeKernel, interlockDeps, type Kernel, type KernelOverrides } from "./kernel.js";
export {
  type Expectation,
  type LockmgrSemantics,
  type Matrix,
  matrix,
  type MatrixRow,
  type Outer,
  type TokenMode,
  VARIANT_NAMES,
  type VariantOptions,
  variantOptions,
} from "./matrix.js";
export { describeRun, type RunLine, runLabel, variantMatters } from "./describe.js";
export { SPEC_IDS, type SpecId } from "./specIds.js";
export { DEFAULT_VARIANT, OPTION_SPECS, type OptionSpec, resolveOptions, type RunOptions } from "./options.js";
export {
  type BuildOptions,
  findIn,
  prepare,
  type PrepareContext,
  prepareFromHeader,
  type Prepared,
  type PrepareSpec,
  type ScenarioSpec,
} from "./runner.js";
export { type ExtraDetector } from "./extras.js";
export { exploreScenario, scenarioFactory } from "./explore.js";
export { checkRow, pendingRows, prepareRow, type RowBudget, rowChecks, type RowVerdict } from "./acceptance.js";
export { type Cost, type CostBuild, type CostOptions, measureCost, median, scenarioCost } from "./cost.js";
