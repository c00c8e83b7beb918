/**
 * @kprim/lockmgr — DragonFly BSD's lockmgr (2005 and 2008 semantics) with
 * swappable interlocks.
 */
export { acquire, acquiredrain } from "./acquire.js";
export { checkLockWord, lockmgrState } from "./detectors.js";
export { describeLock, describeLocks, type LockDescription } from "./describe.js";
export { describeFlags, type LockFlags, type LockRequest, type LockStatus } from "./flags.js";
export { type Interlock, type InterlockDeps, type InterlockKind } from "./interlock.js";
export { spinInterlock } from "./interlocks/spin.js";
export { spinNaiveInterlock } from "./interlocks/spinNaive.js";
export { tokenInterlock } from "./interlocks/token.js";
export {
  type Lock,
  type LockInit,
  lockcount,
  lockcountnb,
  type LockSemantics,
  type LockWakeups,
  lockinit,
  lockmgrKernproc,
  lockstatus,
  lockWait,
  type LockWord,
  peekLock,
} from "./lock.js";
export { type CallerInterlock, lockmgr, type LockmgrOptions, lockreinit } from "./lockmgr.js";
export { LOCKMGR_RAISES, LOCKMGR_SYSTEM, lockmgrSystem } from "./system.js";

import { spinInterlock } from "./interlocks/spin.js";
import { spinNaiveInterlock } from "./interlocks/spinNaive.js";
import { tokenInterlock } from "./interlocks/token.js";
import type { InterlockKind } from "./interlock.js";

/** The interlocks this package provides, by name. */
export const builtinInterlocks: Readonly<Record<string, InterlockKind>> = Object.freeze({
  token: tokenInterlock,
  spin: spinInterlock,
  "spin-naive": spinNaiveInterlock,
});
