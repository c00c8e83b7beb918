/**
 * Livelocks in the exhaustive search: states no schedule leaves.
 *
 * Every cycle the search meets is cut and its ways out are scheduled
 * (cycles.ts, search.ts). A node whose whole subtree has been explored
 * without any execution ending — every one was cut going round a cycle back
 * to a state at or below the node — is a state from which no schedule ends:
 * every way out leads back round. Under weak fairness some fair schedule
 * goes round for ever (the states are finitely many), and none leaves: a
 * livelock, the non-progress cycle a fair scheduler cannot leave. The
 * search reports it once, as an execution of its own: the first cycle cut
 * below the node, run again to the step that closes it, where the cycle
 * watch reports `livelock`.
 *
 * An execution "ends" here when it completes (any outcome), is cut by DPOR's
 * sleep set or a bound (what it would have done is explored elsewhere), or
 * is reported as a livelock. A cycle cut back to a state above a node is a
 * way out for that node (the state it returns to may end). Under DPOR a node
 * that inherited a sleeping choice still enabled is not judged: that choice's
 * schedules were explored on another branch and may end.
 *
 * Invariants: per depth, `ended` and `escaped` hold for the node at that
 * depth on the current path (fresh when the node is made); marks go up the
 * path and stop at the first node already marked, whose ancestors are.
 */
import { type Choice, type Detector, replay } from "@kprim/machine";
import { CycleWatch } from "../cycles.js";
import { type Execution, runOnce } from "../driver.js";
import type { MachineFactory } from "../factory.js";

/** A cycle cut: the path that closed it (its length is the closing step) and the step it returned to. */
export interface CutCycle {
  readonly choices: readonly Choice[];
  readonly from: number;
  readonly to: number;
}

export class Traps {
  private readonly ended: boolean[] = [];
  private readonly escaped: boolean[] = [];
  private readonly cut: (CutCycle | null)[] = [];

  /** A new node at depth k. */
  fresh(k: number): void {
    this.ended[k] = false;
    this.escaped[k] = false;
    this.cut[k] = null;
  }

  /** An execution of `depth` nodes ended (or was cut as covered elsewhere). */
  end(depth: number): void {
    for (let i = depth - 1; i >= 0 && this.ended[i] === false; i--) this.ended[i] = true;
  }

  /** An execution was cut at step `to` back in its state after step `from` (path: its choices). */
  cycle(c: CutCycle): void {
    for (let i = c.to - 1; i > c.from; i--) this.escaped[i] = true;
    for (let i = Math.min(c.from, c.to - 1); i >= 0 && this.cut[i] === null; i--) this.cut[i] = c;
  }

  /**
   * Node k's subtree is done: the cycle to report if no execution below it
   * ended and no cut below it left it (else null). `sleeping`: it inherited a
   * sleeping choice still enabled (DPOR), which may end elsewhere.
   */
  trapped(k: number, sleeping: boolean): CutCycle | null {
    if (this.ended[k] !== false || this.escaped[k] !== false || sleeping) return null;
    return this.cut[k] ?? null;
  }
}

/** The path of a trap's cycle run again, watched: it ends with the livelock where the cycle closes. */
export function livelockRun(
  factory: MachineFactory,
  c: CutCycle,
  maxSteps: number,
  detectors: readonly Detector[],
): Execution {
  return runOnce(factory, { strategy: replay(c.choices), maxSteps, detectors, cycles: new CycleWatch("report") });
}
