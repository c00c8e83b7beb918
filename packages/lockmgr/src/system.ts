/**
 * The per-machine lockmgr registry: the locks of a machine, and the
 * `lockmgr-state` detector installed with the first of them.
 */
import { defineExtension, type Machine } from "@kprim/machine";
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

export function lockmgrSystem(m: Machine): LockmgrSystem {
  return m.ext(LOCKMGR_SYSTEM);
}
