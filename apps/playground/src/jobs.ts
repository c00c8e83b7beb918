/**
 * What the Web Worker does (worker.ts posts the messages): explore a
 * scenario (DPOR, random or PCT) for a signal, shrinking what it finds;
 * compare the simulated cost of a scenario under several variants — token
 * vs spinlock + tsleep_interlock — and, for a scenario with a `cpus`
 * parameter, against the number of cpus. Plain functions of the request:
 * tested in Node, run in the browser.
 */
import { type ConsoleCount, explore, type Mode } from "@kprim/explore";
import type { IntParam } from "@kprim/machine";
import { findScenario, prepare, scenarioCost, scenarioFactory, variantOptions } from "@kprim/scenarios";
import { rowFor } from "./catalogue.js";
import type { CompareRequest, CompareRow, CompareSummary, ExploreRequest, ExploreSummary } from "./protocol.js";
import { MAX_STEPS } from "./session.js";

/** Progress is posted every this many executions (and at the first). */
export const PROGRESS_EVERY = 64;

export function runExplore(req: ExploreRequest, progress: (executions: number) => void): ExploreSummary {
  const p = prepare({
    scenario: req.spec.scenario,
    variant: req.spec.variant,
    options: req.spec.options,
    params: req.spec.params,
  });
  const mode: Mode =
    req.strategy === "dpor"
      ? { kind: "dpor" }
      : req.strategy === "random"
        ? { kind: "random", seed: req.seed, runs: req.budget }
        : { kind: "pct", seed: req.seed, runs: req.budget, depth: req.depth };
  const r = explore(scenarioFactory(p), {
    mode,
    target: req.signal,
    // A target nothing in the run can raise is an error (did you mean …), never "cannot happen".
    raises: p.raises,
    maxSteps: MAX_STEPS,
    ...(req.strategy === "dpor" ? { maxExecutions: req.budget } : {}),
    onExecution: (n) => {
      if (n === 1 || n % PROGRESS_EVERY === 0) progress(n);
    },
  });
  const found = r.kind === "found" ? r : null;
  return {
    found: found !== null,
    mode: r.mode,
    signal: r.signal,
    executions: r.executions,
    exhausted: r.kind === "not-found" && r.exhausted,
    failure: found?.failure ?? null,
    executionsToFound: found?.executionsToFound ?? null,
    shrunk: found?.shrunk ?? null,
    shrunkSteps: found?.shrunkSteps ?? null,
    outcomes: r.outcomes,
    console: r.console.map((c: ConsoleCount) => ({ text: c.text, executions: c.count })),
    stepLimited: r.stepLimited,
  };
}

/** The cpu counts of the chart: powers of two within the scenario's `cpus` parameter, up to 8. */
export function cpuSeries(spec: IntParam): number[] {
  const lo = spec.min ?? 1;
  const hi = Math.min(spec.max ?? 8, 8);
  return [1, 2, 4, 8].filter((c) => c >= lo && c <= hi);
}

export function runCompare(req: CompareRequest, progress: (done: number, total: number) => void): CompareSummary {
  const scenario = findScenario(req.spec.scenario);
  if (scenario === undefined) throw new Error(`unknown scenario "${req.spec.scenario}"`);
  const cpusParam = scenario.params["cpus"];
  const cpus = cpusParam?.type === "int" ? cpuSeries(cpusParam) : [];
  const total = req.variants.length * (1 + cpus.length);
  let done = 0;
  const cost = (variant: string, params: Readonly<Record<string, string>>) => {
    const c = scenarioCost(prepare({ scenario: scenario.name, variant, options: req.spec.options, params }), {
      seeds: req.seeds,
    });
    progress(++done, total);
    return c;
  };
  const rows: CompareRow[] = req.variants.map((variant) => {
    const row = rowFor(scenario, variant, req.spec.options);
    return {
      variant,
      interlock: req.spec.options["interlock"] ?? variantOptions(variant).interlock,
      cost: cost(variant, req.spec.params),
      expected: row === undefined ? null : `${row.expect}: ${row.signal}`,
    };
  });
  const series =
    cpus.length === 0
      ? null
      : req.variants.map((variant) => ({
          variant,
          points: cpus.map((n) => ({
            cpus: n,
            cyclesPerOp: cost(variant, { ...req.spec.params, cpus: String(n) }).cyclesPerOp,
          })),
        }));
  return { scenario: scenario.name, rows, series };
}
