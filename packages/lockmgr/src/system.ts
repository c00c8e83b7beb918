/**
 * The per-machine lockmgr registry: the locks of a machine, and the
 * `lockmgr-state` detector installed with the first of them.
 */
import { defineExtension, type Machine, type Raises } from "@kprim/machine";
import { lockmgrState } from "./detectors.js";
import type { Lock } from "./lock.js";

export interface LockmgrSystem {
  readonly locks: Lock[];
}

export const LOCKMGR_SYSTEM = defineExtension<LockmgrSystem>("lockmgr", (m: Machine) => {
  const sys: LockmgrSystem = { locks: [] };
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
