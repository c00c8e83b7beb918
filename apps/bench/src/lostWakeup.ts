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
 * inconclusive. A size the search cannot finish within the budget — the
 * size below did not, or the growth so far says it will not — is not
 * searched: inconclusive at once. The search runs with the chain wakeup
 * (the default), or with the multicast wakeup and symmetry reduction over
 * the sleepers (the chain visits cpus in order, so it has no symmetry).
 */
import { explore, type ExploreResult } from "@kprim/explore";
import type { DispatchModel } from "@kprim/machine";
import { prepare, scenarioFactory } from "@kprim/scenarios";

/** The scenario's `sleep` parameter values, as the report names them. */
export const LOST_WAKEUP_VARIANTS = [
  { param: "tsleep_interlock", label: "with interlock", spinVariant: 1 },
  { param: "unlock-then-tsleep", label: "no interlock", spinVariant: 2 },
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
  return r.kind === "not-found" ? verdictOfSearch(null, r.exhausted) : verdictOfSearch(r.failureKind, false);
}

/**
 * A search's verdict from what it found (its failure kind, null for none)
 * and whether it exhausted the space — in explore()'s terms or the CLI's
 * `--json` (`failureKind`, `exhausted`), so a process and an in-process
 * search are judged alike. A step-limited run is no verdict.
 */
export function verdictOfSearch(failureKind: string | null, exhausted: boolean): Verdict {
  if (failureKind === null) return exhausted ? "no failure" : "inconclusive";
  if (failureKind === "violation:lost-wakeup") return "lost-wakeup";
  if (failureKind === "violation:interlock-discipline") return "interlock-discipline";
  if (failureKind === "deadlock") return "deadlock";
  return "inconclusive";
}

/**
 * How the stateful search runs: the wakeup form, symmetry reduction over the
 * sleepers (multicast only), and the machine's dispatch model — "separate"
 * (today's: a thread woken on an idle cpu by an IPI or a timeout is
 * dispatched by a step of its own) or "same-step" (the model before that
 * change, kept to replay old schedules; the bench counts states under both).
 */
export interface SearchSetup {
  readonly wakeup: "chain" | "multicast";
  readonly symmetry: boolean;
  readonly dispatch?: DispatchModel;
}

export const CHAIN: SearchSetup = { wakeup: "chain", symmetry: false };
export const MULTICAST_SYMMETRY: SearchSetup = { wakeup: "multicast", symmetry: true };

/** The same set-up under the same-step dispatch model (before the wake and its dispatch became separate steps). */
export const sameStep = (setup: SearchSetup): SearchSetup => ({ ...setup, dispatch: "same-step" });

const keyOf = (variant: string, n: number, budget: Budget, setup: SearchSetup): string =>
  `${variant}/${n}/${budget.randomRuns}/${budget.states}/${setup.wakeup}/${setup.symmetry}/${setup.dispatch ?? "separate"}`;

/**
 * Why N sleepers are not worth searching, or null: N − 1 did not exhaust, or
 * the states N − 1 needed times the growth from N − 2 to N − 1 exceed the
 * budget (a deterministic estimate: the counts, not the clock, decide).
 */
function hopeless(variant: string, n: number, budget: Budget, setup: SearchSetup): string | null {
  const prev = cache.get(keyOf(variant, n - 1, budget, setup));
  if (prev === undefined) return null;
  if (prev.verdict === "inconclusive") {
    return prev.how === "not searched"
      ? `not searched (nor was N = ${n - 1})`
      : `not searched: N = ${n - 1} did not exhaust`;
  }
  if (prev.how !== "stateful DFS") return null;
  const before = cache.get(keyOf(variant, n - 2, budget, setup));
  if (before === undefined || before.states === 0 || prev.states === 0) return null;
  const estimate = Math.round((prev.states * prev.states) / before.states);
  return estimate > budget.states
    ? `not searched: about ${estimate.toLocaleString("en")} states expected (${before.states.toLocaleString("en")}, ${prev.states.toLocaleString("en")} at N = ${n - 2}, ${n - 1})`
    : null;
}

export function kprimLostWakeup(
  variant: LostWakeupVariant,
  sleepers: number,
  budget: Budget,
  setup: SearchSetup = CHAIN,
): KprimLostWakeup {
  const key = keyOf(variant, sleepers, budget, setup);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const why = hopeless(variant, sleepers, budget, setup);
  if (why !== null) {
    const skipped: KprimLostWakeup = {
      variant,
      sleepers,
      verdict: "inconclusive",
      how: "not searched",
      executions: 0,
      seconds: 0,
      detail: `${why} within ${budget.states.toLocaleString("en")} states`,
      states: 0,
    };
    cache.set(key, skipped);
    return skipped;
  }
  const factory = scenarioFactory(
    prepare({
      scenario: "lost-wakeup",
      variant: "SPIN+TI",
      options: { wakeup: setup.wakeup },
      params: { sleepers, sleep: variant },
      ...(setup.dispatch === "same-step" ? { dispatch: "same-step" as const } : {}),
    }),
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
      detail: `failure after ${random.executionsToFound} random run${random.executionsToFound === 1 ? "" : "s"}`,
      states: 0,
    };
  }
  if (result === undefined) {
    const r = explore(factory, {
      mode: { kind: "dfs", stateful: true, symmetry: setup.symmetry },
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
