/**
 * Replay: take exactly the recorded choices, by identity — the one replay of
 * kprim (explorers replay a prefix with it too). A choice that is not
 * enabled, a run that outlasts the schedule, or a schedule that outlasts the
 * run is a divergence, reported with the step, the expected choice and what
 * was enabled. Handed a strategy, the replay lets it decide once the
 * schedule is used up (the strategy sees the absolute step in its view).
 */
import { type Choice, formatChoice } from "../choice.js";
import { ReplayDivergence } from "../errors.js";
import type { Strategy } from "../strategy.js";
import type { MachineView } from "../view.js";

/** Take `choices`, then ask `then` (without it, the schedule's end is the run's end); an empty prefix is `then` itself. */
export function replay(choices: readonly Choice[], then?: Strategy): Strategy {
  if (then !== undefined && choices.length === 0) return then;
  return new Replay(choices, then ?? null);
}

/** The index of the recorded choice `want` at 0-based `step` among `enabled`, or a ReplayDivergence naming what was enabled. */
export function replayIndex(step: number, want: Choice, enabled: readonly Choice[]): number {
  const i = enabled.indexOf(want);
  if (i < 0) throw new ReplayDivergence(step + 1, formatChoice(want), enabled.map(formatChoice));
  return i;
}

class Replay implements Strategy {
  readonly name: string;

  constructor(
    private readonly choices: readonly Choice[],
    private readonly then: Strategy | null,
  ) {
    this.name = then?.name ?? "replay";
  }

  choose(enabled: readonly Choice[], view: MachineView): number {
    const step = view.step;
    if (step < this.choices.length) return replayIndex(step, this.choices[step]!, enabled);
    if (this.then !== null) return this.then.choose(enabled, view);
    throw new ReplayDivergence(step + 1, "the end of the schedule", enabled.map(formatChoice));
  }

  end(view: MachineView): void {
    if (view.step < this.choices.length) {
      throw new ReplayDivergence(view.step + 1, formatChoice(this.choices[view.step]!), []);
    }
    this.then?.end?.(view);
  }
}
