/** Seeded random: each enabled choice equally likely, from the strategy's own PRNG. */
import type { Choice } from "../choice.js";
import { Prng } from "../prng.js";
import type { Strategy } from "../strategy.js";

export function random(opts: { seed: number }): Strategy {
  const prng = new Prng(opts.seed);
  return {
    name: "random",
    choose(choices: readonly Choice[]): number {
      return choices.length === 1 ? 0 : prng.nextInt(choices.length);
    },
  };
}
