/**
 * @kprim/buf — DragonFly BSD's 2005 buffer cache and the getnewbuf race of
 * the November 2005 lockmgr interlock patch.
 */
export { bufdaemon } from "./bufdaemon.js";
export { BUF_ADDR_BASE, BUF_SIZE, createBufCache, presetBuf } from "./cache.js";
export { dirtyReuse, misdirectedWrite, getnewbufResult, queueConsistency } from "./detectors.js";
export { getblk } from "./getblk.js";
export { getnewbuf, type GetnewbufResult } from "./getnewbuf.js";
export { BUF_RAISES, type BufLayer, bufLayer } from "./layer.js";
export { bufKernproc, bufLock, type BufLockFlags, bufRefcnt, bufTimelock, bufUnlock } from "./locking.js";
export { bdwrite, bqrelse, bremfree, brelse } from "./queues.js";
export {
  B_AGE,
  B_CACHE,
  B_DELWRI,
  B_DONE,
  B_INVAL,
  B_LOCKED,
  type Buf,
  type BufCache,
  type BufCacheOptions,
  type BufCalls,
  type BufChecks,
  type GetblkCheck,
  type LockedBufSleep,
  type Splbio,
  type BufWord,
  identityKey,
  QUEUE_CLEAN,
  QUEUE_DIRTY,
  QUEUE_EMPTY,
  QUEUE_EMPTYKVA,
  QUEUE_LOCKED,
  QUEUE_NAMES,
  QUEUE_NONE,
  type QueueIndex,
  type RestartReason,
} from "./types.js";
