/**
 * The flag condition most sleep scenarios are built on (spec §5.5–5.6): a
 * flag cell, the ident sleepers wait on while it is clear, and the sleep
 * condition the lost-wakeup detector judges by; with the two thread bodies
 * around it — the sleeper that tests the flag under a spinlock and sleeps
 * with the lock-releasing sleep until it is set, and the waker that sets it
 * under the spinlock, releases it and wakes the ident.
 *
 * Protects: nothing of its own; the flag is guarded by the scenario's
 * spinlock. Invariant (checked by `lost-wakeup` at quiescence): no thread is
 * asleep on the ident while the flag is set. Calling context: set-up
 * (`flagCondition`), thread code (`sleepUntilSet`, `setAndWake`: `yield*`
 * them).
 */
import type { Cell, Gen, KernelContext, Machine } from "@kprim/machine";
import type { Ident, SleepLock } from "@kprim/sleepq";
import type { Spinlock } from "@kprim/spinlock";
import type { Kernel } from "../kernel.js";

/** A flag, the ident its sleepers wait on, and the condition "may sleep only while the flag is clear". */
export interface FlagCondition {
  readonly flag: Cell<number>;
  readonly ident: Ident;
}

/**
 * A flag cell (initially 0) named `name`, an ident `X` of the Kernel's sleep
 * queue, and the sleep condition on it: a thread asleep on `X` while the flag
 * is set at quiescence is a lost wakeup.
 */
export function flagCondition(
  m: Machine,
  kernel: Kernel,
  opts: { readonly flag?: string; readonly ident?: string } = {},
): FlagCondition {
  const flag = m.cell(opts.flag ?? "flag", 0);
  const ident = kernel.sleepq.ident(m, opts.ident ?? "X");
  kernel.sleepq.declareCondition(m, ident, {
    cells: [flag],
    holds: (v) => v.peek(flag) !== 0,
    describe: `the ${flag.name} is set`,
  });
  return { flag, ident };
}

/** Take L, and while `flag` is clear sleep on X with msleep releasing `lock` (L); release L once it is set. */
export function* sleepUntilSet(
  k: KernelContext,
  kernel: Kernel,
  L: Spinlock,
  lock: SleepLock,
  X: Ident,
  flag: Cell<number>,
): Gen<void> {
  yield* kernel.spinlock.lock(k, L);
  while ((yield* k.load(flag)) === 0) yield* kernel.sleepq.msleep(k, X, lock, "flag", 0);
  yield* kernel.spinlock.unlock(k, L);
}

/** Set `flag` under L, release L, and wake X. */
export function* setAndWake(k: KernelContext, kernel: Kernel, L: Spinlock, X: Ident, flag: Cell<number>): Gen<void> {
  yield* kernel.spinlock.lock(k, L);
  yield* k.store(flag, 1);
  yield* kernel.spinlock.unlock(k, L);
  yield* kernel.sleepq.wakeup(k, X);
}
