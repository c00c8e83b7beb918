/**
 * The exploration to run when you do not know which: find shallow bugs
 * fast, then search exhaustively — in one budget of executions.
 *
 *   1. a burst of seeded random runs, then PCT runs (depth 3): a race that
 *      many schedules show (a lost wakeup among seven sleepers) is found in
 *      a handful of runs, long before an exhaustive search gets to it;
 *   2. DPOR with what is left of the budget: it finds what sampling missed,
 *      or explores every schedule and proves the target absent.
 *
 * The result is explore()'s, over both phases (executions, outcomes and
 * console lines counted across them), plus the phases themselves: which one
 * found the target, or whether DPOR exhausted the space. A stop request
 * (`shouldStop`) ends the burst and skips DPOR. Deterministic, like explore.
 */
import { type ExploreOptions, type ExploreResult, explore } from "./explore.js";
import { ExploreConfigError } from "./errors.js";
import type { MachineFactory } from "./factory.js";
import type { ConsoleCount } from "./tally.js";

export interface AutoOptions extends Omit<ExploreOptions, "mode" | "maxStates" | "onStates" | "stopOnFound"> {
  /** Executions in all, burst included (default 100,000). */
  readonly maxExecutions?: number | undefined;
  /** Seed of the burst's random and PCT runs (default 1). */
  readonly seed?: number | undefined;
  /** Runs in the burst, half random, half PCT (default 200, or a tenth of the budget if that is less). */
  readonly burst?: number | undefined;
}

export interface Phase {
  /** The mode that ran (describeMode). */
  readonly mode: string;
  readonly executions: number;
  readonly found: boolean;
  readonly exhausted: boolean;
}

export type AutoResult = ExploreResult & {
  /** The phases that ran, in order: the random and PCT burst, then DPOR (if the burst found nothing). */
  readonly phases: readonly Phase[];
};

export const DEFAULT_AUTO_BUDGET = 100_000;
export const DEFAULT_BURST = 200;

function sumConsole(results: readonly ExploreResult[]): ConsoleCount[] {
  const counts = new Map<string, number>();
  for (const r of results) for (const c of r.console) counts.set(c.text, (counts.get(c.text) ?? 0) + c.count);
  return [...counts].map(([text, count]) => ({ text, count }));
}

export function exploreAuto(factory: MachineFactory, opts: AutoOptions = {}): AutoResult {
  const budget = opts.maxExecutions ?? DEFAULT_AUTO_BUDGET;
  const burst = opts.burst ?? Math.min(DEFAULT_BURST, Math.floor(budget / 10));
  if (!Number.isInteger(budget) || budget < 1) {
    throw new ExploreConfigError(`auto: maxExecutions must be an integer ≥ 1, not ${String(budget)}`);
  }
  if (!Number.isInteger(burst) || burst < 0 || burst > budget) {
    throw new ExploreConfigError(`auto: burst must be an integer from 0 to maxExecutions, not ${String(burst)}`);
  }
  const seed = opts.seed ?? 1;
  const { seed: _seed, burst: _burst, maxExecutions: _max, onExecution, ...common } = opts;
  const done: ExploreResult[] = [];
  const phases: Phase[] = [];
  const before = (): number => done.reduce((n, r) => n + r.executions, 0);
  const run = (mode: ExploreOptions["mode"], extra: Partial<ExploreOptions> = {}): ExploreResult => {
    const offset = before();
    const r = explore(factory, {
      ...common,
      ...extra,
      mode,
      ...(onExecution ? { onExecution: (n: number) => onExecution(offset + n) } : {}),
    });
    done.push(r);
    phases.push({
      mode: r.mode,
      executions: r.executions,
      found: r.kind === "found",
      exhausted: r.kind === "not-found" && r.exhausted,
    });
    return r;
  };
  const randomRuns = Math.ceil(burst / 2);
  const pctRuns = burst - randomRuns;
  const stages: ExploreOptions["mode"][] = [
    ...(randomRuns > 0 ? [{ kind: "random" as const, seed, runs: randomRuns }] : []),
    ...(pctRuns > 0 ? [{ kind: "pct" as const, seed, runs: pctRuns, depth: 3 }] : []),
  ];
  let last: ExploreResult | null = null;
  for (const mode of stages) {
    last = run(mode);
    if (last.kind === "found" || last.stopped) break;
  }
  if (last === null || (last.kind === "not-found" && !last.stopped)) {
    last = run({ kind: "dpor" }, { maxExecutions: budget - before() });
  }
  return combine(done, last, phases);
}

/** One result over the phases: the deciding (last) phase's verdict, counts summed over all. */
function combine(done: readonly ExploreResult[], last: ExploreResult, phases: readonly Phase[]): AutoResult {
  const earlier = done.slice(0, -1).reduce((n, r) => n + r.executions, 0);
  const outcomes = { ...last.outcomes };
  for (const r of done.slice(0, -1))
    for (const k of Object.keys(outcomes) as (keyof typeof outcomes)[]) outcomes[k] += r.outcomes[k];
  const common = {
    mode: phases.map((p) => p.mode).join(" + "),
    executions: earlier + last.executions,
    outcomes,
    stepLimited: done.reduce((n, r) => n + r.stepLimited, 0),
    restartLimited: done.reduce((n, r) => n + r.restartLimited, 0),
    console: sumConsole(done),
    phases,
  };
  if (last.kind === "found") return { ...last, ...common, executionsToFound: earlier + last.executionsToFound };
  // Not exhausted when any execution (of any phase) hit the step limit.
  return { ...last, ...common, exhausted: last.exhausted && common.stepLimited === 0 };
}
