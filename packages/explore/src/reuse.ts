/**
 * One machine for many executions: a runner that builds a factory's machine
 * once, saves the state its set-up left it in, and for every later
 * execution resets the machine to the state after its start — threads
 * spawned, each cpu's first thread resumed to its first op
 * (@kprim/machine/internal's `armReset`/`resetStarted`) — and runs it on
 * under the new strategy, instead of building a machine per execution. Sampling (random, PCT, a plugin's
 * strategy) and the shrinker run their executions through it.
 *
 * An execution on a reset machine is the execution a fresh machine built
 * from the same request would give — the same choices, outcome, console,
 * counters, schedule and trace — since every execution's request differs
 * only in its strategy. The request's detectors (the explorer's own, such
 * as the lock-order graph) are shared by every machine anyway and are not
 * reset; the scenario's detectors are reset through their
 * `snapshot`/`restore` or `reset`. A machine that cannot be reset (a
 * scenario detector with none of them) is built afresh for every
 * execution, as before;
 * so is every execution after one that threw.
 *
 * Calling context: one execution at a time. The machine of an execution is
 * valid until the next one starts (its RunResult stays valid).
 */
import type { Choice, Machine, Outcome, Strategy } from "@kprim/machine";
import { replay } from "@kprim/machine";
import {
  armReset,
  coreOf,
  outcomeStarted,
  type ResetPoint,
  resetBlocker,
  resetStarted,
  runStarted,
} from "@kprim/machine/internal";
import { checkedError, type Execution, runChecked, runOnce, type RunRequest } from "./driver.js";
import type { MachineFactory } from "./factory.js";

/** What every execution of a reused machine shares: the build request without the strategy. */
export type ReuseRequest = Omit<RunRequest, "strategy" | "prefix" | "onBuilt" | "cycles">;

export class MachineReuse {
  #machine: Machine | null = null;
  #point: ResetPoint | null = null;
  /** Why the factory's machine is built afresh every time (null: it is reused, or not built yet). */
  #blocker: string | null;
  /** The machine of the last `runQuiet`. */
  last: Machine | null = null;
  /** The last `runQuiet`'s execution when it built its machine, else null. */
  built: Execution | null = null;

  constructor(
    private readonly factory: MachineFactory,
    private readonly req: ReuseRequest,
    /** False: build a machine per execution (the behaviour is the same; for comparisons). */
    reuse = true,
  ) {
    this.#blocker = reuse ? null : "reuse turned off";
  }

  /** Why executions are not run on one machine, or null when they are (after the first). */
  get blocker(): string | null {
    return this.#blocker;
  }

  /** One execution: `prefix` first (replayed), then `strategy`. */
  run(strategy: Strategy, prefix?: readonly Choice[]): Execution {
    const m = this.#machine;
    if (m !== null) {
      this.#machine = null; // until this run returns: a run that throws leaves a machine half-way
      const result = runChecked(() => {
        resetStarted(coreOf(m), this.#point!, prefix ? replay(prefix, strategy) : strategy);
        return runStarted(m);
      });
      this.#machine = m;
      return { machine: m, result };
    }
    return this.build(strategy, prefix);
  }

  /**
   * One execution as `run` makes it, but on the reused machine without its
   * RunResult: the outcome, and the machine (`last`) to read the console,
   * the choices and the rest off until the next execution. Null when the
   * machine was built for it: the execution is in `built`.
   */
  runQuiet(strategy: Strategy, prefix?: readonly Choice[]): Outcome | null {
    const m = this.#machine;
    if (m === null) {
      this.built = this.build(strategy, prefix);
      this.last = this.built.machine;
      return null;
    }
    this.#machine = null; // until this run returns: a run that throws leaves a machine half-way
    let outcome: Outcome;
    try {
      resetStarted(coreOf(m), this.#point!, prefix ? replay(prefix, strategy) : strategy);
      outcome = outcomeStarted(m);
    } catch (e) {
      throw checkedError(e);
    }
    this.#machine = m;
    this.last = m;
    this.built = null;
    return outcome;
  }

  /** A machine built for this execution (armed for reuse after it, when it can be). */
  private build(strategy: Strategy, prefix: readonly Choice[] | undefined): Execution {
    let point: ResetPoint | null = null;
    const shared = this.req.detectors ?? [];
    const ex = runOnce(this.factory, {
      ...this.req,
      strategy,
      prefix,
      onBuilt: (built) => {
        if (this.#blocker !== null) return;
        const core = coreOf(built);
        this.#blocker = resetBlocker(core, shared);
        if (this.#blocker === null) point = armReset(core, shared);
      },
    });
    if (point !== null) {
      this.#machine = ex.machine;
      this.#point = point;
    }
    return ex;
  }
}
