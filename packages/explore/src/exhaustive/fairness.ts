/**
 * Weak fairness for the exhaustive search's default continuation.
 *
 * The search extends every execution past its last scheduled node with
 * default choices: continue the previous choice when enabled. A busy-wait
 * written as an ordinary retry loop (a compare-and-swap, pause steps,
 * repeat — no spin-until step, no declared loop) is always enabled, so that
 * default keeps the spinner running while the thread it waits for, on
 * another cpu, stays enabled and never runs: an unfair execution that can
 * only end at the step limit, although a fair scheduler leaves it at once.
 *
 * So a thread step that has been continuously enabled for `patience` steps
 * without being taken is taken next (the longest-waiting first): every
 * default continuation is weakly fair to threads, and a retry loop ends when
 * the lock it waits for is released. If DPOR's sleep set forbids that step
 * (it is asleep: every execution that takes it from here on is explored on
 * another branch), the execution is cut instead — it could only go on by
 * starving that thread forever. The continuation is free in DPOR
 * (any maximal execution from a new state will do), so this changes which
 * executions are explored first, not which behaviours are covered. Only
 * thread steps count (an armed interrupt, a pending IPI or a timeout may
 * wait forever). An execution that still reaches the step limit is one no
 * weakly fair default could leave.
 *
 * Calling context: `observe` at every choice of every execution (replayed
 * steps too), in order; `reset` before each execution.
 */
import { type Choice, ChoiceKind, choiceKind } from "@kprim/machine";

/** Steps a thread may stay enabled and untaken before the default continuation takes it. */
export const FAIR_PATIENCE = 32;

export class Fairness {
  /** Thread-step choice → the step since which it has been enabled without being taken. */
  private readonly since = new Map<Choice, number>();

  constructor(private readonly patience = FAIR_PATIENCE) {}

  reset(): void {
    this.since.clear();
  }

  /**
   * At step `k` with `enabled`: the thread step that has waited longest, if
   * it has waited `patience` steps or more (else undefined).
   */
  starved(k: number, enabled: readonly Choice[]): Choice | undefined {
    for (const c of [...this.since.keys()]) if (!enabled.includes(c)) this.since.delete(c);
    let best: Choice | undefined;
    let bestSince = Infinity;
    for (const c of enabled) {
      if (choiceKind(c) !== ChoiceKind.step) continue;
      let s = this.since.get(c);
      if (s === undefined) this.since.set(c, (s = k));
      if (k - s >= this.patience && s < bestSince) {
        best = c;
        bestSince = s;
      }
    }
    return best;
  }

  /** Choice `c` was taken: it waits no more. */
  taken(c: Choice): void {
    this.since.delete(c);
  }
}
