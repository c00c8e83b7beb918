/** The built-in strategy names of `run` and `explore` (plugins add theirs to both). */
export const RUN_STRATEGIES = ["random", "pct", "timed", "rr"] as const;
export const EXPLORE_STRATEGIES = ["auto", "dpor", "stateful", "pct", "random"] as const;
