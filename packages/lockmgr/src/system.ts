/**
 * The per-machine lockmgr registry: the locks of a machine, and the
 * `lockmgr-state` detector installed with the first of them.
 */
import { defineExtension, type Machine, type Raises } from "@kprim/machine";
import { lockmgrState } from "./detectors.js";
import type { Interlock } from "./interlock.js";
import type { Lock } from "./lock.js";

export interface LockmgrSystem {
  /** Frozen (lock.ts): what changes in a lock is listed below, in lock order. */
  readonly locks: Lock[];
  /** Each lock's interlock (its `inside` count and whatever else it keeps): restored states put them back from here. */
  readonly interlocks: Interlock[];
  /** Each lock's stats. */
  readonly stats: Lock["stats"][];
}

export const LOCKMGR_SYSTEM = defineExtension<LockmgrSystem>("lockmgr", (m: Machine) => {
  const sys: LockmgrSystem = { locks: [], interlocks: [], stats: [] };
  m.addDetector(lockmgrState(sys));
  return sys;
});

/**
 * What lockmgr raises (whatever its interlock): the `lockmgr-state`
 * detector, its panics, and the console line of a blocking request made
 * from an interrupt.
 */
export const LOCKMGR_RAISES: Raises = Object.freeze({
  violations: ["lockmgr-state"],
  panics: [
    "lockmgr_kernproc: %s does not hold %s exclusively",
    "shareunlock: count < decr",
    "lockmgr: non-zero exclusive count",
    "lockmgr: not holding exclusive lock",
    "lockmgr: upgrade exclusive lock",
    "lockmgr: pid %d, not exclusive lock holder thr %d unlocking",
    "lockmgr: LK_RELEASE of %s, which is not held",
    "lockmgr: draining against myself",
    "lockmgr: unknown locktype request %s",
    "lockmgr: locking against myself",
  ],
  console: ["lockmgr %s from %s: called from interrupt"],
});

export function lockmgrSystem(m: Machine): LockmgrSystem {
  return m.ext(LOCKMGR_SYSTEM);
}
