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
 * first run. A strategy object serves one run; a sampler running schedule
 * after schedule reseeds one (`PctStrategy.reseed`), which then behaves as a
 * fresh `pct(...)` with those options would: the priorities live in typed
 * arrays indexed by entity number, stamped with the run they belong to, so a
 * run allocates nothing and a reseed clears nothing.
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
  return new PctStrategy(opts);
}

/** Entity numbers below this have their priority in the typed arrays (every one the machine makes: see `entityOf`). */
const DENSE = 1 << 16;

/**
 * PCT as a class (see the module comment): one object, reseeded for every
 * run of a sampler. The options are checked at every seeding.
 */
export class PctStrategy implements Strategy {
  readonly name = "pct";
  readonly #prng = new Prng(0);
  #depth = 1;
  /** change[i] = the step (1-based) before which the i-th change point lowers the runner to d − 1 − i. */
  #change: number[] = [];
  /** prio[e]: entity e's priority, valid when stamp[e] is this run's stamp. */
  #prio = new Float64Array(64);
  #stamp = new Uint32Array(64);
  #run = 0;
  /** Entities numbered beyond the typed arrays (none the machine makes today), by number. */
  #sparse: Map<number, number> | null = null;

  constructor(opts: PctOptions) {
    this.reseed(opts.seed, opts.depth, opts.steps);
  }

  /** Serve another run, as a fresh `pct({ seed, depth, steps })` would. */
  reseed(seed: number, depth: number, steps: number): this {
    if (!Number.isInteger(depth) || depth < 1) {
      throw new ExploreConfigError(`pct: depth must be an integer ≥ 1, not ${String(depth)}`);
    }
    if (!Number.isInteger(steps) || steps < 1) {
      throw new ExploreConfigError(`pct: steps must be an integer ≥ 1, not ${String(steps)}`);
    }
    const prng = this.#prng;
    prng.reseed(seed);
    const d = depth;
    this.#depth = d;
    const change = this.#change;
    while (change.length > d - 1) change.pop();
    for (let i = 0; i < d - 1; i++) change[i] = 1 + prng.nextInt(steps);
    this.#run++;
    if (this.#run === 0x100000000) {
      // The stamps wrapped (after 2^32 runs): start them over.
      this.#stamp.fill(0);
      this.#run = 1;
    }
    if (this.#sparse !== null) this.#sparse.clear();
    return this;
  }

  choose(choices: readonly Choice[], view: MachineView): number {
    let i = this.#pick(choices, view);
    const change = this.#change;
    if (change.length === 0) return i;
    const step = view.step + 1;
    const d = this.#depth;
    for (let c = 0; c < change.length; c++) {
      if (change[c] === step) {
        this.#set(entityOf(choices[i]!, view), d - 1 - c);
        i = this.#pick(choices, view);
      }
    }
    return i;
  }

  /** The enabled choice whose entity has the highest priority (the first of equals). */
  #pick(choices: readonly Choice[], view: MachineView): number {
    let best = 0;
    let bestP = -Infinity;
    for (let i = 0; i < choices.length; i++) {
      const p = this.#priority(entityOf(choices[i]!, view));
      if (p > bestP) {
        bestP = p;
        best = i;
      }
    }
    return best;
  }

  /** Entity `e`'s priority, drawn the first time the run sees it. */
  #priority(e: number): number {
    if (e >= 0 && e < DENSE) {
      if (e < this.#stamp.length && this.#stamp[e] === this.#run) return this.#prio[e]!;
      const p = this.#depth + this.#prng.nextFloat();
      this.#set(e, p);
      return p;
    }
    const sparse = (this.#sparse ??= new Map());
    let p = sparse.get(e);
    if (p === undefined) {
      p = this.#depth + this.#prng.nextFloat();
      sparse.set(e, p);
    }
    return p;
  }

  #set(e: number, p: number): void {
    if (e < 0 || e >= DENSE) {
      (this.#sparse ??= new Map()).set(e, p);
      return;
    }
    if (e >= this.#stamp.length) this.#grow(e);
    this.#prio[e] = p;
    this.#stamp[e] = this.#run;
  }

  #grow(e: number): void {
    let n = this.#stamp.length;
    while (n <= e) n *= 2;
    const prio = new Float64Array(n);
    prio.set(this.#prio);
    const stamp = new Uint32Array(n);
    stamp.set(this.#stamp);
    this.#prio = prio;
    this.#stamp = stamp;
  }
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
