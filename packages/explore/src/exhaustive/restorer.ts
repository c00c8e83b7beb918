/**
 * Going back to a branch point of a stateful search by restoring the state
 * saved there (@kprim/machine/internal's snapshots) instead of replaying the
 * path on a fresh machine: one machine for the search, a snapshot per node
 * of the current path that has choices left to take. A machine with a
 * detector that cannot be restored turns it off for the whole search
 * (every execution is replayed, as without it).
 *
 * Calling context: the engine (search.ts) — `built` when it builds a
 * machine, `note` from its strategy at each step, `runFrom` for an
 * execution, `truncate` when it backtracks.
 */
import type { Machine } from "@kprim/machine";
import {
  continueRun,
  coreOf,
  enableRestore,
  restore,
  restoreBlocker,
  snapshot,
  type Snapshot,
} from "@kprim/machine/internal";
import { type Execution, runChecked } from "../driver.js";

export class Restorer {
  /** The machine snapshots are taken of (null: none yet, or restoring is off). */
  private reused: Machine | null = null;
  private readonly snaps: (Snapshot | null)[] = [];

  constructor(private on: boolean) {}

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
    this.snaps[k] = worth ? snapshot(coreOf(m)) : null;
  }

  /** The execution run on from the state saved at step k (`before` sees the machine first), or null: none saved there (build and replay). */
  runFrom(k: number, before: (m: Machine) => void): Execution | null {
    const m = this.machineAt(k);
    if (m === null) return null;
    before(m);
    return { machine: m, result: runChecked(() => continueRun(m)) };
  }

  /** The machine put back in its state at step k, or null (none saved there). */
  private machineAt(k: number): Machine | null {
    const m = this.reused;
    if (!this.on || m === null || k >= this.snaps.length) return null;
    const s = this.snaps[k];
    return s !== null && s !== undefined && restore(coreOf(m), s) ? m : null;
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
