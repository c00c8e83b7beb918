/** Seeded random: each enabled choice equally likely, from the strategy's own PRNG. */
import type { Choice } from "../choice.js";
import { Prng } from "../prng.js";
import type { Strategy } from "../strategy.js";

export function random(opts: { seed: number }): Strategy {
  return new RandomStrategy(opts.seed);
}

/**
 * A class rather than an object literal of closures: every run's strategy has
 * the same shape and the very same `choose` function, so the machine's run
 * loop calls it without checking which closure it got (and a run builds two
 * objects fewer).
 */
export class RandomStrategy implements Strategy {
  readonly name = "random";
  private readonly prng: Prng;

  constructor(seed: number) {
    this.prng = new Prng(seed);
  }

  /**
   * @internal serve another run, as `random({ seed })` would: a sampler
   * running schedule after schedule on one machine reseeds one strategy
   * instead of making one per run.
   */
  reseed(seed: number): this {
    this.prng.reseed(seed);
    return this;
  }

  choose(choices: readonly Choice[]): number {
    return choices.length === 1 ? 0 : this.prng.nextInt(choices.length);
  }
}
