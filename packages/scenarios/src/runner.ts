/**
 * Running a catalogue scenario: pick it by name, compose the kernel for a
 * variant (plus option overrides), resolve its parameters, and build fresh
 * machines on demand — one per run, for any strategy. The explorer and the
 * CLI drive scenarios through `prepare(...).build(...)`.
 */
import {
  createMachine,
  type DispatchModel,
  type Machine,
  type MachineOptions,
  MACHINE_RAISES,
  mergeRaises,
  nearest,
  ParamError,
  paramsToHeader,
  resolveParams,
  type ScheduleHeader,
  type Vocabulary,
} from "@kprim/machine";
import { catalogue as builtin } from "./catalogue.js";
import type { KernelScenario } from "./define.js";
import { checkExtras, type ExtraDetector, extraOptions, isExtraOption } from "./extras.js";
import { composeKernel, type KernelOverrides } from "./kernel.js";
import { DEFAULT_VARIANT, resolveOptions, type RunOptions } from "./options.js";

/** What a run is, as plain data (names, not objects): what a command line or a worker thread gives. */
export interface ScenarioSpec {
  readonly scenario: string;
  /** A matrix variant name (default SPIN+TI, the November 2005 patch). */
  readonly variant?: string;
  /** Overrides on top of the variant (e.g. bufChecks=no-check). */
  readonly options?: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Where a run's names are looked up: the defaults, or a plugin registry's. */
export interface PrepareContext {
  /** Where to look the scenario up (default: the built-in catalogue). */
  readonly catalogue?: readonly KernelScenario[];
  /**
   * Layers put in place of the defaults, and more interlocks to choose by
   * name (a plugin's): `options.interlock` (or the variant's) is looked up in
   * the built-in interlocks plus `kernel.interlocks`.
   */
  readonly kernel?: KernelOverrides;
  /** Detectors installed on every machine after the scenario's (a plugin's); named in the header. */
  readonly detectors?: readonly ExtraDetector[];
}

export interface PrepareSpec extends Omit<ScenarioSpec, "scenario">, PrepareContext {
  readonly scenario: string | KernelScenario;
  /** Re-preparing a recorded run: the header's layers and detectors must be the ones in place. */
  readonly replay?: boolean;
  /**
   * The machine model of the runs (default "separate"); "same-step" re-prepares a run recorded in
   * a kprim1 or kprim2 schedule (`prepareFromHeader` takes it from the header). It goes into the
   * header, from which every machine built takes it.
   */
  readonly dispatch?: DispatchModel;
}

/**
 * What a caller chooses per machine (`createMachine`'s options minus the
 * scenario's cpus and header): strategy (default round-robin), step limit,
 * trace, footprints, check mode, cost, jitter, and extra detectors (the
 * explorer's), added after the scenario's own. `build` is a MachineFactory
 * of @kprim/explore as it is.
 */
export type BuildOptions = Omit<MachineOptions, "cpus" | "header">;

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
  /** A fresh machine with the scenario set up, not yet run (a MachineFactory). */
  build(req?: BuildOptions): Machine;
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

export function prepare(spec: PrepareSpec): Prepared {
  const scenario = typeof spec.scenario === "string" ? findIn(spec.catalogue ?? builtin, spec.scenario) : spec.scenario;
  const variant = spec.variant ?? DEFAULT_VARIANT;
  const givenOptions = spec.options ?? {};
  const kernelOverrides = spec.kernel ?? {};
  const detectors = spec.detectors ?? [];
  const extras = extraOptions(kernelOverrides, detectors);
  checkExtras(givenOptions, extras, spec.replay === true);
  const overrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(givenOptions)) if (!isExtraOption(k)) overrides[k] = v;
  const options = resolveOptions(variant, overrides);
  const given = renameParams(scenario, spec.params ?? {}, spec.replay === true);
  const params = resolveParams(scenario.params, given, scenario.name) as Readonly<Record<string, unknown>>;
  // Compose once now so that an unknown interlock is an error here, not at the first build.
  const composed = composeKernel(options, kernelOverrides);
  const raises = mergeRaises(
    MACHINE_RAISES,
    composed.lockmgr.raises,
    composed.spinlock.raises,
    composed.token.raises,
    composed.sleepq.raises,
    composed.interlock.raises,
    composed.buf.raises,
    scenario.raises,
    // A detector reports under its own name, which may differ from the one it is registered under.
    { violations: detectors.map((d) => d.make().name) },
  );
  const cpus = scenario.cpus(params as never);
  const header: ScheduleHeader = {
    scenario: scenario.name,
    variant,
    options: { ...overrides, ...extras },
    params: paramsToHeader(scenario.params, params),
    ...(spec.dispatch === "same-step" ? { dispatch: "same-step" as const } : {}),
  };
  return {
    scenario,
    variant,
    options,
    params,
    header,
    cpus,
    raises,
    build(req: BuildOptions = {}): Machine {
      const { detectors: extra, ...machineOptions } = req;
      const machine = createMachine({ ...machineOptions, cpus, header });
      const kernel = composeKernel(options, kernelOverrides);
      const setup = scenario.setup({ machine, kernel, params: params as never, options });
      // The scenario's detectors, then the caller's, then the plugins' (the first to report names a violation).
      for (const d of setup?.detectors ?? []) machine.addDetector(d);
      for (const d of extra ?? []) machine.addDetector(d);
      for (const d of detectors) machine.addDetector(d.make());
      return machine;
    },
  };
}

/**
 * Parameters under a name the scenario has renamed: a recorded run's header
 * is read with the new name and values; a fresh request is told the new one.
 */
function renameParams(
  scenario: KernelScenario,
  raw: Readonly<Record<string, unknown>>,
  replay: boolean,
): Readonly<Record<string, unknown>> {
  const renamed = scenario.renamed;
  if (renamed === undefined) return raw;
  const out: Record<string, unknown> = { ...raw };
  for (const [old, r] of Object.entries(renamed)) {
    if (!(old in raw)) continue;
    const v = raw[old];
    const value = typeof v === "string" ? (r.values?.[v] ?? v) : v;
    if (!replay) {
      throw new ParamError(
        `scenario ${scenario.name}: parameter "${old}" is now "${r.to}"${r.why ? ` (${r.why})` : ""}: --param ${r.to}=${String(value)}`,
      );
    }
    delete out[old];
    out[r.to] = value;
  }
  return out;
}

/**
 * Re-prepare the run a schedule header describes, with the catalogue, layers,
 * interlocks and detectors of the run's context (a plugin registry's): the
 * header's layers and detectors must be the ones in place.
 */
export function prepareFromHeader(header: ScheduleHeader, context: PrepareContext = {}): Prepared {
  return prepare({
    ...context,
    scenario: header.scenario,
    variant: header.variant || DEFAULT_VARIANT,
    options: header.options,
    params: header.params,
    replay: true,
    ...(header.dispatch !== undefined ? { dispatch: header.dispatch } : {}),
  });
}
