/**
 * TEACHING BUG (spinlock layer): a spinlock that forgets its critical
 * section.
 *
 * What the layer protects: whatever its user guards with a spinlock. Its
 * invariant: spin_lock enters a critical section before it takes the word,
 * so the holder is neither preempted nor interrupted by an IPI on its cpu
 * until it lets go — nothing on its own cpu can then wait for it.
 *
 * The mistake: lock and unlock are the `_quick` forms, which assume the
 * caller already is in a critical section. An interrupt thread can now
 * preempt the holder; if it wants the same spinlock it spins on a word only
 * the thread it preempted can clear, and that thread never runs again on
 * this cpu: the machine reports a deadlock ("spinning on … held by …").
 * Found by the catalogue's `interlock-preempted-sleep` scenario (one cpu;
 * the setter is an interrupt thread).
 *
 * Calling context as spin_lock's: any thread; never blocks; spins.
 */
import { definePlugin, type Plugin } from "@kprim/plugin";
import { spinLockQuick, spinlockLayer, type SpinlockLayer, spinUnlockQuick } from "@kprim/spinlock";

export const spinlockForgetsCrit: SpinlockLayer = Object.freeze({
  ...spinlockLayer,
  name: "teaching: spin_lock without a critical section",
  // BUG: no crit_enter before taking the word (and no crit_exit after dropping it).
  lock: spinLockQuick,
  unlock: spinUnlockQuick,
});

const plugin: Plugin = definePlugin({
  name: "spinlock-forgets-crit",
  layers: { spinlock: spinlockForgetsCrit },
});

export default plugin;
