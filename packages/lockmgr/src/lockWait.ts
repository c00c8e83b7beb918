/**
 * What a thread sleeping in lockmgr's acquire waits for (its liveness
 * condition), kept as a thread-local: read by acquire, by the lock's sleep
 * condition and by the `lockmgr-state` detector.
 */
import { defineThreadLocal, type Thread } from "@kprim/machine";
import type { Lock } from "./lock.js";

/** What a thread sleeping in acquire waits for (its liveness condition). */
export interface LockWait {
  lock: Lock | null;
  /** The flag bits that must all clear. */
  wanted: number;
}

export const LOCK_WAIT = defineThreadLocal<LockWait>("lockmgr-wait", () => ({ lock: null, wanted: 0 }));

export function lockWait(t: Thread): LockWait {
  return t.local(LOCK_WAIT);
}
