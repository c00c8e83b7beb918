/**
 * Running a catalogue scenario: pick it by name, compose the kernel for a
 * variant (plus option overrides), resolve its parameters, and build fresh
 * machines on demand — one per run, for any strategy. The explorer and the
 * CLI drive scenarios through `prepare(...).build(...)`.
 */
import {
  type CostTable,
  createMachine,
  type Detector,
  type Machine,
  MACHINE_RAISES,
  mergeRaises,
  nearest,
  ParamError,
  paramsToHeader,
  resolveParams,
  type ScheduleHeader,
  type Strategy,
  type Vocabulary,
} from "@kprim/machine";
import { LOCKMGR_RAISES } from "@kprim/lockmgr";
import { catalogue as builtin } from "./catalogue.js";
import type { KernelScenario } from "./define.js";
import { composeKernel, type KernelOverrides } from "./kernel.js";
import { DEFAULT_VARIANT, resolveOptions, type RunOptions } from "./options.js";

export interface PrepareSpec {
  readonly scenario: string | KernelScenario;
  /** A matrix variant name (default SPIN+TI, the November 2005 patch). */
  readonly variant?: string;
  /** Overrides on top of the variant (e.g. bufChecks=no-check). */
  readonly options?: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Where to look the scenario up (default: the built-in catalogue). */
  readonly catalogue?: readonly KernelScenario[];
  /**
   * Layers put in place of the defaults, and more interlocks to choose by
   * name (a plugin's): `options.interlock` (or the variant's) is looked up in
   * the built-in interlocks plus `kernel.interlocks`.
   */
  readonly kernel?: KernelOverrides;
}

export interface BuildOptions {
  readonly strategy?: Strategy;
  readonly trace?: boolean;
  readonly recordFootprints?: boolean;
  readonly maxSteps?: number;
  readonly check?: boolean;
  readonly cost?: Partial<CostTable>;
  readonly jitter?: { readonly seed: number; readonly amount: number };
  /** Extra detectors (the explorer's lock-order graph, for instance). */
  readonly detectors?: readonly Detector[];
}

export interface Prepared {
  readonly scenario: KernelScenario;
  readonly variant: string;
  readonly options: RunOptions;
  readonly params: Readonly<Record<string, unknown>>;
  /** Identifies runs of this preparation in schedule strings. */
  readonly header: ScheduleHeader;
  readonly cpus: number;
  /**
   * Everything a run can raise (the machine, lockmgr, each layer in place,
   * the interlock, the scenario): what target signals are checked against.
   */
  readonly raises: Vocabulary;
  /** A fresh machine with the scenario set up, not yet run. */
  build(opts?: BuildOptions): Machine;
}

export function findIn(list: readonly KernelScenario[], name: string): KernelScenario {
  const s = list.find((x) => x.name === name);
  if (s === undefined) {
    const names = list.map((x) => x.name);
    const near = nearest(name, names);
    throw new ParamError(
      `unknown scenario "${name}"${near ? ` (did you mean "${near}"?)` : ""}; run "kprim list" to see them`,
    );
  }
  return s;
}

/** The layers a plugin may replace; a replaced one is named in the schedule header as option `layer.<kind>`. */
const LAYER_KINDS = ["spinlock", "token", "sleepq", "buf"] as const;
const LAYER_OPTION = "layer.";

/** `layer.<kind>=<name>` for each layer the overrides replace (names made fit for a schedule string). */
function layerOptions(kernel: KernelOverrides): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kind of LAYER_KINDS) {
    const layer = kernel[kind];
    if (layer !== undefined) out[`${LAYER_OPTION}${kind}`] = layer.name.replace(/[:,=\s]/g, "_");
  }
  return out;
}

/**
 * Options given as `layer.<kind>=<name>` (a schedule header's) must name the
 * layers in place: a schedule recorded with a plugin's layer replays only
 * with that plugin loaded, and one recorded with the built-in layer only
 * without a replacement.
 */
function checkLayers(
  given: Readonly<Record<string, string>>,
  inPlace: Readonly<Record<string, string>>,
  replay: boolean,
): void {
  for (const kind of LAYER_KINDS) {
    const key = `${LAYER_OPTION}${kind}`;
    const want = given[key];
    const have = inPlace[key];
    // A fresh run names its replaced layers itself; a replay must find the ones it ran with.
    if (want === have || (want === undefined && !replay)) continue;
    throw new ParamError(
      want === undefined
        ? `the schedule ran with the built-in ${kind} layer, but a plugin replaces it with "${have}": replay it without that plugin`
        : have === undefined
          ? `option ${key}=${want}: no plugin loaded replaces the ${kind} layer (load the one that provides "${want}" with --plugin or kprim.config.mjs)`
          : `option ${key}=${want}: the ${kind} layer in place is "${have}"`,
    );
  }
  for (const key of Object.keys(given)) {
    if (key.startsWith(LAYER_OPTION) && !(LAYER_KINDS as readonly string[]).includes(key.slice(LAYER_OPTION.length))) {
      throw new ParamError(`option ${key}: layers are ${LAYER_KINDS.join(", ")}`);
    }
  }
}

export function prepare(spec: PrepareSpec): Prepared {
  const scenario = typeof spec.scenario === "string" ? findIn(spec.catalogue ?? builtin, spec.scenario) : spec.scenario;
  const variant = spec.variant ?? DEFAULT_VARIANT;
  const given = spec.options ?? {};
  const kernelOverrides = spec.kernel ?? {};
  const layers = layerOptions(kernelOverrides);
  checkLayers(given, layers, false);
  const overrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(given)) if (!k.startsWith(LAYER_OPTION)) overrides[k] = v;
  const options = resolveOptions(variant, overrides);
  const params = resolveParams(scenario.params, spec.params ?? {}, scenario.name) as Readonly<Record<string, unknown>>;
  // Compose once now so that an unknown interlock is an error here, not at the first build.
  const composed = composeKernel(options, kernelOverrides);
  const raises = mergeRaises(
    MACHINE_RAISES,
    LOCKMGR_RAISES,
    composed.spinlock.raises,
    composed.token.raises,
    composed.sleepq.raises,
    composed.interlock.raises,
    composed.buf.raises,
    scenario.raises,
  );
  const cpus = scenario.cpus(params as never);
  const header: ScheduleHeader = {
    scenario: scenario.name,
    variant,
    options: { ...overrides, ...layers },
    params: paramsToHeader(scenario.params, params),
  };
  return {
    scenario,
    variant,
    options,
    params,
    header,
    cpus,
    raises,
    build(opts: BuildOptions = {}): Machine {
      const machine = createMachine({
        cpus,
        header,
        ...(opts.strategy ? { strategy: opts.strategy } : {}),
        ...(opts.trace !== undefined ? { trace: opts.trace } : {}),
        ...(opts.recordFootprints !== undefined ? { recordFootprints: opts.recordFootprints } : {}),
        ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
        ...(opts.check !== undefined ? { check: opts.check } : {}),
        ...(opts.cost ? { cost: opts.cost } : {}),
        ...(opts.jitter ? { jitter: opts.jitter } : {}),
      });
      const kernel = composeKernel(options, kernelOverrides);
      const setup = scenario.setup({ machine, kernel, params: params as never, options });
      for (const d of setup?.detectors ?? []) machine.addDetector(d);
      for (const d of opts.detectors ?? []) machine.addDetector(d);
      return machine;
    },
  };
}

/** Re-prepare the run a schedule header describes (with the same catalogue and kernel overrides as the run). */
export function prepareFromHeader(
  header: ScheduleHeader,
  list?: readonly KernelScenario[],
  kernel?: KernelOverrides,
): Prepared {
  checkLayers(header.options, layerOptions(kernel ?? {}), true);
  return prepare({
    scenario: header.scenario,
    variant: header.variant || DEFAULT_VARIANT,
    options: header.options,
    params: header.params,
    ...(list ? { catalogue: list } : {}),
    ...(kernel ? { kernel } : {}),
  });
}
