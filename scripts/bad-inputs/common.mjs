// What the bad-input cases share.
export const LW = "lockmgr-lost-wakeup";
export const NAIVE = ["--variant", "SPIN-naive"];
export const BIG = ["explore", "buf-churn", "--strategy", "pct", "--schedules", "1000000"];

/** A usage or input error: exit 2 and one line (exactly `line`, or matching it). */
export const usage = (name, args, line) => ({ name, args, ...(line !== undefined ? { line } : {}) });
