/**
 * The scenario kit: the building blocks the catalogue's scenarios are made
 * of, for scenario authors outside this package (a plugin's scenarios). Each
 * builds from the Kernel composition a scenario's `setup` is given, so a
 * scenario written with them runs under every variant and every plugin's
 * layers — lockmgr included — exactly as the catalogue's own do.
 *
 * - `newLock(m, kernel, name, { cpu?, timo? })`: a lockmgr lock made through
 *   the Kernel's lockmgr, with the variant's interlock, semantics and
 *   closing-wakeup order; `lockmgr(k, lock, request, flags?)` and
 *   `lockmgrKernproc(k, lock)` call that lock's lockmgr.
 * - `newInterlock(m, kernel, name, { cpu? })`: a bare interlock of the
 *   variant's kind, e.g. the mutex around a condition (`il.sleep(k, X, …)`).
 * - `newBufCache(m, kernel, { bufs, lockCpu?, bufInterlockCpu?, maxRestarts? })`:
 *   a buffer cache from the Kernel's buffer layer with the variant's checks,
 *   getblk check, lockmgr semantics, splbio and BUF_LOCK interlock;
 *   `underOuter(k, kernel, body)` runs a buffer path under the variant's
 *   outer serialization (the MP lock, or none).
 * - `spinSleepLock(kernel, spinlock)`: a spinlock of the Kernel's spinlock
 *   layer as the lock `msleep` releases and takes again.
 * - `flagCondition(m, kernel, name?)`: a flag cell, the ident sleepers wait
 *   on, and the sleep condition that says a sleeper may sleep only while the
 *   flag is clear (what the lost-wakeup detector judges by).
 * - `finalValue(name, cell, expected, what)`: a detector that reports, at
 *   the end of a run, a cell that does not hold `expected` (a lost update).
 *
 * Calling context: set-up (`setup` of a scenario), except `lockmgr`,
 * `lockmgrKernproc` and `underOuter`, which are thread code (`yield*` them).
 */
export { newBufCache, underOuter } from "./catalogue/bufs.js";
export { finalValue } from "./catalogue/checks.js";
export { type FlagCondition, flagCondition } from "./catalogue/flags.js";
export { lockmgr, lockmgrKernproc, newInterlock, newLock } from "./catalogue/locks.js";
export { spinSleepLock } from "./catalogue/sleepLocks.js";
