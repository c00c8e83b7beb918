/**
 * @kprim/scenarios — the named scenario catalogue, the Kernel composition
 * scenarios are written against, and the acceptance oracle.
 */
export { catalogue, findScenario, type KernelScenario } from "./catalogue.js";
export { composeKernel, type Kernel } from "./kernel.js";
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
