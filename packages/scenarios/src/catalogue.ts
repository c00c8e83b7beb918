/**
 * The named scenario catalogue. Each entry declares the spec id it implements
 * (or none); expected verdicts come from the matrix only.
 */
import { bufChurn } from "./catalogue/bufChurn.js";
import { bufKernprocRelease, getblkSleepfailRetry, getnewbufWarningsThenValid } from "./catalogue/bufCorrect.js";
import { getblkReusedBuffer, getnewbufBlockedUnexpectedly, getnewbufLockedBuf } from "./catalogue/getnewbufRaces.js";
import {
  interlockOutsideCrit,
  interlockThenBlock,
  interlockThenIpiProcessing,
  spinlockAcrossTsleep,
} from "./catalogue/interlockViolations.js";
import {
  interlockPreemptedSleep,
  interlockSpuriousWakeups,
  interlockTimeout,
  interlockWakeupFirst,
} from "./catalogue/interlockSleeps.js";
import { lockmgrBarging, lockmgrReleaseUnheld, lockmgrTokenHeldThroughSleep } from "./catalogue/lockmgrCorrect.js";
import { lockmgrLostWakeup, lockmgrPreemptedRelease, lockmgrUpgradeVsExclusive } from "./catalogue/lockmgrRaces.js";
import { lostWakeup } from "./catalogue/lostWakeup.js";
import { spinlockAcrossToken } from "./catalogue/spinlockAcrossToken.js";
import { tokenPreemptedHolder } from "./catalogue/tokenPreemptedHolder.js";
import { tokenRereadAfterAcquire } from "./catalogue/tokenRereadAfterAcquire.js";
import { tokenStaleRead } from "./catalogue/tokenStaleRead.js";
import { spinlockInterruptContender } from "./catalogue/spinlockContenders.js";
import { collidingIdents, wakeupOneRemote, wakeupReachesEveryCpu } from "./catalogue/wakeups.js";
import type { KernelScenario } from "./define.js";

export const catalogue: readonly KernelScenario[] = [
  tokenStaleRead,
  tokenRereadAfterAcquire,
  tokenPreemptedHolder,
  spinlockAcrossToken,
  lostWakeup,
  interlockThenBlock,
  interlockThenIpiProcessing,
  interlockOutsideCrit,
  spinlockAcrossTsleep,
  lockmgrLostWakeup,
  lockmgrPreemptedRelease,
  interlockPreemptedSleep,
  lockmgrUpgradeVsExclusive,
  lockmgrBarging,
  lockmgrTokenHeldThroughSleep,
  lockmgrReleaseUnheld,
  interlockSpuriousWakeups,
  interlockWakeupFirst,
  interlockTimeout,
  getnewbufLockedBuf,
  getnewbufBlockedUnexpectedly,
  getblkReusedBuffer,
  getblkSleepfailRetry,
  getnewbufWarningsThenValid,
  bufKernprocRelease,
  bufChurn,
  spinlockInterruptContender,
  wakeupReachesEveryCpu,
  wakeupOneRemote,
  collidingIdents,
];

export function findScenario(name: string): KernelScenario | undefined {
  return catalogue.find((s) => s.name === name);
}
