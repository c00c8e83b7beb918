/**
 * Delay bounding (Emmi, Qadeer & Rakamarić, POPL 2011) as a wrapper: the
 * inner strategy proposes a choice, and a *delay* skips it for the next
 * enabled choice in cpu order (cyclically). At most `delays` delays per run,
 * placed at steps drawn from a seeded PRNG with probability `rate` each, so
 * a deterministic inner strategy (round-robin) yields a seeded family of
 * schedules that stay close to it.
 *
 *     withDelayBound({ delays: 2, seed: 7 })(roundRobin())
 */
import { Prng, type Strategy } from "@kprim/machine";
import { ExploreConfigError } from "../errors.js";

export interface DelayBoundOptions {
  /** At most this many delays per run. */
  readonly delays: number;
  readonly seed: number;
  /** Chance that a step with more than one enabled choice is delayed (default 0.05). */
  readonly rate?: number;
}

export function withDelayBound(opts: DelayBoundOptions): (inner: Strategy) => Strategy {
  if (!Number.isInteger(opts.delays) || opts.delays < 0) {
    throw new ExploreConfigError(`delay bound must be an integer ≥ 0, not ${String(opts.delays)}`);
  }
  const rate = opts.rate ?? 0.05;
  if (!(rate >= 0 && rate <= 1)) throw new ExploreConfigError(`delay rate must be in [0, 1], not ${String(rate)}`);
  return (inner) => {
    const prng = new Prng(opts.seed);
    let left = opts.delays;
    return {
      name: `${inner.name}+db${opts.delays}`,
      choose(choices, view): number {
        let i = inner.choose(choices, view);
        // Each delay moves on by one more enabled choice.
        while (left > 0 && choices.length > 1 && prng.nextFloat() < rate) {
          left--;
          i = (i + 1) % choices.length;
        }
        return i;
      },
      ...(inner.end ? { end: inner.end.bind(inner) } : {}),
    };
  };
}
