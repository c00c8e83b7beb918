/**
 * @kprim/scenarios — the named scenario catalogue, the Kernel composition
 * scenarios are written against, and the acceptance oracle.
 */
export { catalogue, findScenario } from "./catalogue.js";
export { kernelScenario, type KernelScenario } from "./define.js";
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
export { SPEC_IDS, type SpecId } from "./specIds.js";
export { DEFAULT_VARIANT, OPTION_SPECS, type OptionSpec, resolveOptions, type RunOptions } from "./options.js";
export { type BuildOptions, findIn, prepare, prepareFromHeader, type Prepared, type PrepareSpec } from "./runner.js";
export {
  exploreScenario,
  scenarioFactory,
  scenarioFactorySpec,
  type ScenarioSpec,
  scenarioWorkerFactory,
} from "./explore.js";
export { checkRow, pendingRows, prepareRow, type RowBudget, rowChecks, type RowVerdict } from "./acceptance.js";
