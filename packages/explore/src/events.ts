/**
 * Trace event kinds the explorer reads (declared by @kprim/machine, emitted
 * by the layers with `k.event(kind, obj, detail)` or `tx.event(...)`):
 *
 *   "lock.acquire"      obj = the lock's name (an instance), detail = "<kind>:<class>[:<mode>]"
 *                       or just "<class>" (kind "lock"); emitted when the lock is held.
 *   "lock.try-acquire"  the same, for a successful try-lock (it adds no order
 *                       edge into the lock: a try-lock cannot wait).
 *   "lock.release"      obj = the lock's name.
 *   "restart-limit"     an execution that emits it ended by giving up after its
 *                       restart limit (counted apart; it does not clear "exhausted").
 *
 * Locks of kind "token" are ignored by the lock-order graph (LWKT tokens are
 * released on blocking and cannot deadlock).
 */
export const LOCK_ACQUIRE = "lock.acquire";
export const LOCK_TRY_ACQUIRE = "lock.try-acquire";
export const LOCK_RELEASE = "lock.release";
export const RESTART_LIMIT = "restart-limit";
