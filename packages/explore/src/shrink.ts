/**
 * Shrinking a failing schedule: find one with fewer preemptions, then fewer
 * steps, that still fails the same way (the caller's `keep`: the target
 * signal and the same failure kind — same detector, same panic message).
 *
 * Candidates are edits of the current schedule, run under a *relaxed
 * replay*: take the schedule's choice where it is enabled, otherwise — and
 * after the schedule ends — the non-preemptive default (continue the
 * previous choice if enabled, else the first enabled one). Edits: cut the
 * tail at a preemption, replace one preemption by continuing, delete a range
 * of choices (halves, quarters, … down to single choices). A candidate that
 * keeps the failure and is smaller (preemptions, then steps) becomes the
 * current schedule, as it actually ran. A recorded prefix (`fixed`) is kept.
 * Deterministic; at most `budget` runs, on one machine reset between them
 * (reuse.ts) unless cycles are watched (a watch is made per run).
 */
import type { Choice, ConsoleLine, Detector, Outcome, Strategy } from "@kprim/machine";
import { CycleWatch } from "./cycles.js";
import { runOnce } from "./driver.js";
import type { MachineFactory } from "./factory.js";
import { isPreemption } from "./preemption.js";
import { MachineReuse } from "./reuse.js";

export interface ShrinkOptions {
  readonly maxSteps: number;
  /** Does a run still fail the way we want? */
  readonly keep: (outcome: Outcome, console: readonly ConsoleLine[]) => boolean;
  /** At most this many runs (default 400). */
  readonly budget?: number;
  readonly detectors?: readonly Detector[];
  /** Watch for fair cycles (a livelock being shrunk: cycles.ts). */
  readonly cycles?: boolean;
  /** Leave the first `fixed` choices as they are (a recorded prefix). */
  readonly fixed?: number;
}

export interface ShrinkResult {
  readonly choices: readonly Choice[];
  readonly preemptions: number;
  readonly steps: number;
  /** Runs spent shrinking. */
  readonly runs: number;
}

interface Candidate {
  readonly choices: readonly Choice[];
  readonly preemptions: number;
}

/** Follow `plan` where enabled, else continue the previous choice, else the first enabled; count preemptions. */
function relaxed(plan: readonly Choice[]): { strategy: Strategy; preemptions: () => number } {
  let previous = -1;
  let preemptions = 0;
  return {
    preemptions: () => preemptions,
    strategy: {
      name: "shrink",
      choose(enabled, view): number {
        const want = plan[view.step];
        let i = want === undefined ? -1 : enabled.indexOf(want);
        if (i < 0) i = Math.max(0, enabled.indexOf(previous as Choice));
        if (isPreemption(previous, enabled[i]!, enabled)) preemptions++;
        previous = enabled[i]!;
        return i;
      },
    },
  };
}

/** Shrink `failing` (which must fail the way `keep` wants). */
export function shrink(factory: MachineFactory, failing: readonly Choice[], opts: ShrinkOptions): ShrinkResult {
  const budget = opts.budget ?? 400;
  let runs = 0;
  const detectors = opts.detectors ?? [];
  const reuse = opts.cycles === true ? null : new MachineReuse(factory, { maxSteps: opts.maxSteps, detectors });
  const attempt = (plan: readonly Choice[]): Candidate | null => {
    runs++;
    const r = relaxed(plan);
    const { result } =
      reuse !== null
        ? reuse.run(r.strategy)
        : runOnce(factory, {
            strategy: r.strategy,
            maxSteps: opts.maxSteps,
            detectors,
            cycles: new CycleWatch("report"),
          });
    if (!opts.keep(result.outcome, result.console)) return null;
    return { choices: result.schedule.choices, preemptions: r.preemptions() };
  };
  const smaller = (a: Candidate, b: Candidate): boolean =>
    a.preemptions < b.preemptions || (a.preemptions === b.preemptions && a.choices.length < b.choices.length);

  let best = attempt(failing);
  if (best === null) {
    // The failing schedule does not reproduce under relaxed replay: nothing to shrink.
    return { choices: failing, preemptions: -1, steps: failing.length, runs };
  }
  let improved = true;
  while (improved && runs < budget) {
    improved = false;
    for (const plan of edits(best.choices, opts.fixed ?? 0)) {
      if (runs >= budget) break;
      const c = attempt(plan);
      if (c !== null && smaller(c, best)) {
        best = c;
        improved = true;
        break;
      }
    }
  }
  return { choices: best.choices, preemptions: best.preemptions, steps: best.choices.length, runs };
}

/** Candidate edits of a schedule, most promising first. */
function* edits(s: readonly Choice[], fixed: number): Generator<readonly Choice[]> {
  // Where the schedule switched away from a choice that may still have been enabled.
  const switches: number[] = [];
  for (let i = Math.max(1, fixed); i < s.length; i++) if (s[i] !== s[i - 1]) switches.push(i);
  // Cut the tail at a switch (latest first): the default continuation takes over.
  for (let k = switches.length - 1; k >= 0; k--) yield s.slice(0, switches[k]);
  // Continue instead of switching, at one point.
  for (let k = switches.length - 1; k >= 0; k--) {
    const i = switches[k]!;
    yield [...s.slice(0, i), s[i - 1]!, ...s.slice(i + 1)];
  }
  // Delete ranges: halves, quarters, ... single choices.
  for (let len = (s.length - fixed) >> 1; len >= 1; len >>= 1) {
    for (let at = fixed; at + len <= s.length; at += len) yield [...s.slice(0, at), ...s.slice(at + len)];
  }
}
