/**
 * Replay: take exactly the recorded choices, by identity. A choice that is not
 * enabled, a run that outlasts the schedule, or a schedule that outlasts the
 * run is a divergence, reported with the step, the expected choice and what
 * was enabled.
 */
import { type Choice, formatChoice } from "../choice.js";
import { ReplayDivergence } from "../errors.js";
import type { Strategy } from "../strategy.js";
import type { MachineView } from "../view.js";

export function replay(choices: readonly Choice[]): Strategy {
  return {
    name: "replay",
    choose(enabled: readonly Choice[], view: MachineView): number {
      const want = choices[view.step];
      if (want === undefined) {
        throw new ReplayDivergence(view.step + 1, "the end of the schedule", enabled.map(formatChoice));
      }
      const i = enabled.indexOf(want);
      if (i < 0) throw new ReplayDivergence(view.step + 1, formatChoice(want), enabled.map(formatChoice));
      return i;
    },
    end(view: MachineView): void {
      if (view.step < choices.length) {
        throw new ReplayDivergence(view.step + 1, formatChoice(choices[view.step]!), []);
      }
    },
  };
}
