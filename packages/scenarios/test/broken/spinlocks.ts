/**
 * Broken spinlock layers, each a classic mistake in one member (test
 * plugins: what a `layers: { spinlock }` plugin would put in place). Each is
 * the built-in layer spread, so every other member — and every path that
 * calls the broken one through the layer — is the built-in's.
 */
import { type Gen, type KernelContext, op } from "@kprim/machine";
import { type Spinlock, spinlockLayer, type SpinlockLayer } from "@kprim/spinlock";

/**
 * spin_lock and spin_unlock without their critical section (the `_quick`
 * forms): the holder can be preempted on its cpu. (Taking the word first and
 * entering the section right after it, with no step between, is no window
 * in the model: crit_enter is thread-local, done in the same step.)
 */
export const forgetsCrit: SpinlockLayer = Object.freeze({
  ...spinlockLayer,
  name: "broken: spin_lock without a critical section",
  lock: spinlockLayer.lockQuick,
  unlock: spinlockLayer.unlockQuick,
});

/** spin_unlock leaves its critical section before it releases the word. */
export const critExitBeforeRelease: SpinlockLayer = Object.freeze({
  ...spinlockLayer,
  name: "broken: spin_unlock leaves crit before releasing the word",
  *unlock(this: SpinlockLayer, k: KernelContext, s: Spinlock): Gen<void> {
    k.critExit();
    yield* this.unlockQuick(k, s);
  },
});

/** spin_lock_quick tests the word and then sets it, in two steps: not one locked instruction. */
export const testThenSet: SpinlockLayer = Object.freeze({
  ...spinlockLayer,
  name: "broken: spin_lock tests, then sets the word",
  *lockQuick(k: KernelContext, s: Spinlock): Gen<void> {
    yield op.spin(`spinlock ${s.name}`, [s.word], (tx) => tx.read(s.word) === 0);
    yield* k.store(s.word, k.thread.id + 1);
    k.thread.spinlocks++;
  },
});
