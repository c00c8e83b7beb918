/**
 * Going back to a branch point of an exhaustive search by restoring the
 * state saved there (@kprim/machine/internal's snapshots) instead of
 * replaying the path on a fresh machine: one machine for the search, a
 * snapshot per node of the current path the search may come back to (with
 * `every` > 1, at most one per `every` nodes: the nodes between are
 * replayed from the nearest one above). A machine with a
 * detector that cannot be restored turns it off for the whole search
 * (every execution is replayed, as without it).
 *
 * Calling context: the engine (search.ts) — `built` when it builds a
 * machine, `note` from its strategy at each step, `runFrom` for an
 * execution, `truncate` when it backtracks.
 */
import type { Machine, RunResult } from "@kprim/machine";
import {
  continueUntilCut,
  coreOf,
  enableRestore,
  restore,
  restoreBlocker,
  snapshot,
  type Snapshot,
} from "@kprim/machine/internal";
import { checkedError, type Execution } from "../driver.js";

/** An execution run on from a restored state: no result when the strategy cut it (`CUT`). */
export interface Resumed {
  readonly machine: Execution["machine"];
  readonly result: Execution["result"] | null;
}

export class Restorer {
  /** The machine snapshots are taken of (null: none yet, or restoring is off). */
  private reused: Machine | null = null;
  private readonly snaps: (Snapshot | null)[] = [];

  /**
   * `every`: a node saves its state only when none of the `every − 1`
   * nodes above it did (going back to it restores the nearest saved state
   * above and replays the few steps between on the same machine).
   */
  constructor(
    private on: boolean,
    private readonly every = 1,
  ) {}

  /** A fresh machine was built (before its run): it is the one restored from now on, if it can be. */
  built(m: Machine): void {
    if (!this.on) return;
    if (restoreBlocker(coreOf(m)) === null) {
      enableRestore(coreOf(m));
      this.reused = m;
    } else this.on = false;
  }

  /**
   * At step k of machine `m`: a node made now (`fresh`), or met again while
   * replaying on a fresh machine, saves its state if the search may come
   * back to it (`worth`: it has another choice to take).
   */
  note(m: Machine, k: number, fresh: boolean, worth: boolean): void {
    if (!this.on || (!fresh && this.snaps[k]?.core === coreOf(m))) return;
    this.snaps[k] = worth && !this.savedAbove(k) ? snapshot(coreOf(m)) : null;
  }

  /** Did one of the `every − 1` nodes above node k save its state? */
  private savedAbove(k: number): boolean {
    for (let j = k - 1; j > k - this.every && j >= 0; j--)
      if (this.snaps[j] !== null && this.snaps[j] !== undefined) return true;
    return false;
  }

  /**
   * The execution run on from the state saved at step k, or at the nearest
   * step above it that saved one (`before` sees the machine first; the
   * strategy replays the steps between), or null: none saved (build and
   * replay). Its result is null when the strategy cut it (chose `CUT`).
   */
  runFrom(k: number, before: (m: Machine) => void): Resumed | null {
    const m = this.machineAt(k);
    if (m === null) return null;
    before(m);
    let result: RunResult | null;
    try {
      result = continueUntilCut(m);
    } catch (e) {
      throw checkedError(e);
    }
    return { machine: m, result };
  }

  /** The machine put back in its state at step k or the nearest saved above it, or null (none saved there). */
  private machineAt(k: number): Machine | null {
    const m = this.reused;
    if (!this.on || m === null) return null;
    for (let j = Math.min(k, this.snaps.length - 1); j >= 0; j--) {
      const s = this.snaps[j];
      if (s !== null && s !== undefined) return restore(coreOf(m), s) ? m : null;
    }
    return null;
  }

  /** Nothing saved, no machine: the next execution is on a fresh one. */
  forget(): void {
    this.reused = null;
    this.snaps.length = 0;
  }

  /** The search backtracked to node k: the deeper nodes' states are gone. */
  truncate(k: number): void {
    if (this.snaps.length > k + 1) this.snaps.length = k + 1;
  }
}

/** KPRIM_RESTORE=0 turns restoring off (to measure replaying); read where there is a process. */
export function restoreDefault(): boolean {
  return typeof process === "undefined" || process.env["KPRIM_RESTORE"] !== "0";
}
