/**
 * Timed: the machine as a discrete-event simulation. Take the enabled choice
 * that happens first in simulated time (ties: lower cpu, then listing
 * order). Combine with the machine's seeded `jitter` for a spread of runs.
 */
import type { Choice } from "../choice.js";
import type { Strategy } from "../strategy.js";
import type { MachineView } from "../view.js";

export function timed(): Strategy {
  return {
    name: "timed",
    choose(choices: readonly Choice[], view: MachineView): number {
      let best = 0;
      let bestTime = Infinity;
      for (let i = 0; i < choices.length; i++) {
        const t = view.choiceTime(choices[i]!);
        if (t < bestTime) {
          bestTime = t;
          best = i;
        }
      }
      return best;
    },
  };
}
