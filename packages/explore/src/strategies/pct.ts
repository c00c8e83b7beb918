/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi &
 * Nagarakatte, ASPLOS 2010), on the machine's choices. Seeded: the same seed,
 * depth and step estimate give the same schedule.
 *
 * Each schedulable entity gets a random priority the first time it is seen:
 * a thread (for "step the cpu's current thread" and for its interrupt), an
 * IPI FIFO, a timeout, an idle cpu's dispatch. Initial priorities are above
 * `depth`; the enabled choice whose entity has the highest priority runs.
 * Before steps k_1 … k_{d−1}, drawn uniformly from [1, steps], the entity that
 * would run drops to priority d − i (below every initial one). With n
 * entities and k steps, a bug of depth d is found with probability at least
 * 1 / (n k^(d−1)).
 *
 * `steps` is the expected schedule length; the explorer estimates it from a
 * first run. A strategy object serves one run.
 */
import {
  type Choice,
  ChoiceKind,
  choiceArg,
  choiceCpu,
  choiceKind,
  type MachineView,
  Prng,
  type Strategy,
} from "@kprim/machine";
import { ExploreConfigError } from "../errors.js";

export interface PctOptions {
  readonly seed: number;
  /** Bug depth d ≥ 1 (d − 1 priority change points). */
  readonly depth: number;
  /** Expected number of steps of a run (≥ 1). */
  readonly steps: number;
}

export function pct(opts: PctOptions): Strategy {
  if (!Number.isInteger(opts.depth) || opts.depth < 1) {
    throw new ExploreConfigError(`pct: depth must be an integer ≥ 1, not ${String(opts.depth)}`);
  }
  if (!Number.isInteger(opts.steps) || opts.steps < 1) {
    throw new ExploreConfigError(`pct: steps must be an integer ≥ 1, not ${String(opts.steps)}`);
  }
  const prng = new Prng(opts.seed);
  const d = opts.depth;
  // change[i] = the step (1-based) before which the i-th change point lowers the runner to d − 1 − i.
  const change = Array.from({ length: d - 1 }, () => 1 + prng.nextInt(opts.steps));
  const priority = new Map<number, number>();
  const prio = (key: number): number => {
    let p = priority.get(key);
    if (p === undefined) {
      p = d + prng.nextFloat();
      priority.set(key, p);
    }
    return p;
  };
  return {
    name: "pct",
    choose(choices: readonly Choice[], view: MachineView): number {
      const pick = (): number => {
        let best = 0;
        let bestP = -Infinity;
        for (let i = 0; i < choices.length; i++) {
          const p = prio(entityOf(choices[i]!, view));
          if (p > bestP) {
            bestP = p;
            best = i;
          }
        }
        return best;
      };
      let i = pick();
      const step = view.step + 1;
      for (let c = 0; c < change.length; c++) {
        if (change[c] === step) {
          priority.set(entityOf(choices[i]!, view), d - 1 - c);
          i = pick();
        }
      }
      return i;
    },
  };
}

/** The entity a choice schedules, as a number: kind in the low 3 bits. */
function entityOf(c: Choice, view: MachineView): number {
  const cpu = choiceCpu(c);
  switch (choiceKind(c)) {
    case ChoiceKind.step:
      return ((view.cpus[cpu]!.current?.id ?? 0) << 3) | 0;
    case ChoiceKind.interrupt:
      return (choiceArg(c) << 3) | 0;
    case ChoiceKind.ipi:
      return (((cpu << 5) | choiceArg(c)) << 3) | 1;
    case ChoiceKind.timeout:
      return (choiceArg(c) << 3) | 2;
    case ChoiceKind.dispatch:
      return (cpu << 3) | 3;
    default:
      return (c << 3) | 4;
  }
}
