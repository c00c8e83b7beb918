/**
 * @kprim/explore — schedule exploration for the kprim machine: PCT,
 * preemption and delay bounding, exhaustive DFS with DPOR and sleep sets,
 * shrinking, target signals, a WITNESS-style lock-order graph, and parallel
 * random/PCT runs. Depends on @kprim/machine only.
 *
 * The `browser` export condition resolves to browser.ts: the same exports
 * without the Node worker-thread ones (exploreParallel, loadFactory).
 */
export * from "./browser.js";
export { exploreParallel, loadFactory } from "./parallel.js";
