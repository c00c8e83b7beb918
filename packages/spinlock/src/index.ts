/**
 * @kprim/spinlock — DragonFly BSD's November 2005 spinlocks on the kprim machine.
 */
export { spinLockContested } from "./contested.js";
export { SPINLOCK_RAISES, type SpinlockLayer, spinlockLayer, spinlockLayerWith } from "./layer.js";
export {
  createSpinlock,
  type Spinlock,
  type SpinLayerCalls,
  type SpinlockStats,
  type SpinWait,
  spinHolder,
  spinIsLocked,
  spinLock,
  spinLockQuick,
  spinTrylock,
  spinUnlock,
  spinUnlockQuick,
} from "./spinlock.js";
