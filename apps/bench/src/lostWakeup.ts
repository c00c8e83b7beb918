/**
 * The lost-wakeup scenario explored by kprim, per variant and number of
 * sleepers — measured once per process and shared by the explorer and SPIN
 * sections (the SPIN comparison needs kprim's time in the same run).
 *
 * The verdict procedure, the same for every variant: seeded random
 * schedules first (the quickest way to a failure), then stateful DFS (every
 * state stored, an execution cut where it meets one explored before) with a
 * budget of states. Found: the failure kind of the first failing execution.
 * Not found: "no failure" if the search exhausted the space, else
 * inconclusive. A variant whose search did not exhaust at N sleepers is not
 * searched at larger N (the space only grows): inconclusive at once.
 */
import { explore, type ExploreResult } from "@kprim/explore";
import { prepare, scenarioFactory } from "@kprim/scenarios";

/** The scenario's `interlock` parameter values, as the report names them. */
export const LOST_WAKEUP_VARIANTS = [
  { param: "tsleep_interlock", label: "with interlock", spinVariant: 1 },
  { param: "none", label: "no interlock", spinVariant: 2 },
  { param: "no-crit", label: "no critical section", spinVariant: 3 },
  { param: "test-before-interlock", label: "test before interlock", spinVariant: 4 },
] as const;

export type LostWakeupVariant = (typeof LOST_WAKEUP_VARIANTS)[number]["param"];

/** A verdict both tools can give: no failure, a failure of a kind, or none reached within the budget. */
export type Verdict = "no failure" | "lost-wakeup" | "interlock-discipline" | "deadlock" | "inconclusive";

export interface KprimLostWakeup {
  readonly variant: LostWakeupVariant;
  readonly sleepers: number;
  readonly verdict: Verdict;
  /** How the verdict was reached. */
  readonly how: string;
  readonly executions: number;
  /** Wall time of the whole procedure, seconds. */
  readonly seconds: number;
  /** Random runs before the first failure, or the stateful search's states and executions. */
  readonly detail: string;
  /** Stateful search: states stored (0 if it did not run). */
  readonly states: number;
}

export interface Budget {
  readonly randomRuns: number;
  /** States the stateful search may store. */
  readonly states: number;
}

export const RANDOM_SEED = 1;

const cache = new Map<string, KprimLostWakeup>();

function verdictOf(r: ExploreResult): Verdict {
  if (r.kind === "not-found") return r.exhausted ? "no failure" : "inconclusive";
  if (r.failureKind === "violation:lost-wakeup") return "lost-wakeup";
  if (r.failureKind === "violation:interlock-discipline") return "interlock-discipline";
  if (r.failureKind === "deadlock") return "deadlock";
  return "inconclusive";
}

export function kprimLostWakeup(variant: LostWakeupVariant, sleepers: number, budget: Budget): KprimLostWakeup {
  const key = `${variant}/${sleepers}/${budget.randomRuns}/${budget.states}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const smaller = cache.get(`${variant}/${sleepers - 1}/${budget.randomRuns}/${budget.states}`);
  if (smaller?.verdict === "inconclusive") {
    const skipped: KprimLostWakeup = {
      variant,
      sleepers,
      verdict: "inconclusive",
      how: "not searched",
      executions: 0,
      seconds: 0,
      detail: `not searched: N = ${sleepers - 1} did not exhaust within ${budget.states.toLocaleString("en")} states`,
      states: 0,
    };
    cache.set(key, skipped);
    return skipped;
  }
  const factory = scenarioFactory(
    prepare({ scenario: "lost-wakeup", variant: "SPIN+TI", params: { sleepers, interlock: variant } }),
  );
  const t0 = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - t0) / 1e9;
  let result: KprimLostWakeup | undefined;
  const random = explore(factory, {
    mode: { kind: "random", seed: RANDOM_SEED, runs: budget.randomRuns },
    target: "failure",
    shrink: false,
  });
  // A step-limited run (a trylock loop starved by the scheduler) is no verdict: DPOR decides then.
  if (random.kind === "found" && verdictOf(random) !== "inconclusive") {
    result = {
      variant,
      sleepers,
      verdict: verdictOf(random),
      how: `random (seed ${RANDOM_SEED})`,
      executions: random.executionsToFound,
      seconds: seconds(),
      detail: `failure after ${random.executionsToFound} random runs`,
      states: 0,
    };
  }
  if (result === undefined) {
    const r = explore(factory, {
      mode: { kind: "dfs", stateful: true },
      target: "failure",
      shrink: false,
      maxStates: budget.states,
    });
    const counts = `${r.states.toLocaleString("en")} states, ${(r.executions + r.merged).toLocaleString("en")} executions`;
    result = {
      variant,
      sleepers,
      verdict: verdictOf(r),
      how: "stateful DFS",
      executions: r.kind === "found" ? r.executionsToFound : r.executions + r.merged,
      seconds: seconds(),
      detail:
        r.kind === "found"
          ? `failure after ${r.executionsToFound} stateful-DFS executions`
          : r.exhausted
            ? `exhausted: ${counts}`
            : `not exhausted within ${budget.states.toLocaleString("en")} states`,
      states: r.states,
    };
  }
  cache.set(key, result);
  return result;
}
