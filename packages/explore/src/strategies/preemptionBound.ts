/**
 * A wrapper that keeps any strategy within a preemption bound (see
 * preemption.ts for what a preemption is): while the schedule has used its
 * budget, a choice that would preempt is replaced by continuing the previous
 * choice, which is then still enabled by definition.
 *
 *     withPreemptionBound(2)(pct({ seed, depth: 3, steps }))
 */
import type { Choice, Strategy } from "@kprim/machine";
import { ExploreConfigError } from "../errors.js";
import { isPreemption } from "../preemption.js";

export function withPreemptionBound(bound: number): (inner: Strategy) => Strategy {
  if (!Number.isInteger(bound) || bound < 0) {
    throw new ExploreConfigError(`preemption bound must be an integer ≥ 0, not ${String(bound)}`);
  }
  return (inner) => {
    let previous = -1;
    let used = 0;
    return {
      name: `${inner.name}+pb${bound}`,
      choose(choices, view): number {
        let i = inner.choose(choices, view);
        if (isPreemption(previous, choices[i]!, choices)) {
          if (used < bound) used++;
          else i = choices.indexOf(previous as Choice);
        }
        previous = choices[i]!;
        return i;
      },
      ...(inner.end ? { end: inner.end.bind(inner) } : {}),
    };
  };
}
