/**
 * @kprim/sleepq — DragonFly BSD's late-2005 tsleep/wakeup: per-cpu sleep
 * queues, a global cpumask per hash bucket, IPI wakeups, tsleep_interlock and
 * the lock-releasing sleep.
 */
export { type SleepEvent, type SleepEventReader, sleepEvents, type SleepRef, type WakeupRef } from "./events.js";
export { describeSleepQueues, type SleepBucketDescription } from "./describe.js";
export { interlockDiscipline, lostWakeup } from "./detectors.js";
export { EBUSY, EINTR, ENOLCK, EWOULDBLOCK } from "./errno.js";
export {
  bucketOf,
  bucketToChange,
  HASH_BUCKETS,
  type Ident,
  IDENT_BASE,
  NO_SLEEPERS,
  SLEEP_STATE,
  type SleepCondition,
  type SleepHash,
  type SleepState,
  sleepState,
  type WakeupForm,
} from "./hash.js";
export { SLEEPQ_RAISES, type SleepqLayer, sleepqLayer } from "./layer.js";
export { msleep, type MsleepCalls, type SleepLock } from "./msleep.js";
export { collidingIdent, declareCondition, identOf, newIdent, setForm, SLEEP_HASH, sleepHash } from "./system.js";
export { endtsleep, tsleep, type TsleepFlags, tsleepInterlock } from "./tsleep.js";
export { wakeup, wakeupHere, wakeupOne } from "./wakeup.js";
