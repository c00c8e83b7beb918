/**
 * A spinlock contended from every side (spec §3.2, §7.2's spinlock
 * invariants; no spec row of its own).
 *
 * T0 (cpu0) and T1 (cpu1) each take spinlock S, increment a counter S
 * protects (a load and a store: two steps) and release S; an interrupt
 * thread on T0's cpu does the same and may arrive at any step boundary the
 * machine allows — so at every step of T0's acquire and release.
 *
 * The 2005 spinlock orders its critical section around the lock word:
 * spin_lock enters the section before it takes the word, spin_unlock
 * releases the word before it leaves the section. So while T0 holds S
 * nothing can preempt it on cpu0, and the interrupt never spins on a word
 * only the thread it preempted can clear. A layer that takes the word
 * first and enters the section after, or leaves the section before it
 * releases the word, or forgets the section, deadlocks here ("intr spinning
 * on S held by T0"); one whose acquire is not one atomic step loses an
 * increment (`lost-update`).
 */
import { type Cell, type Gen, type KernelContext } from "@kprim/machine";
import type { Spinlock } from "@kprim/spinlock";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { SPINLOCK_OPTIONS } from "../dependsOn.js";
import { finalValue } from "./checks.js";

export const spinlockInterruptContender = kernelScenario({
  name: "spinlock-interrupt-contender",
  description:
    "an interrupt thread on the holder's cpu and a thread on another cpu take the same spinlock: the critical section keeps the interrupt out for the whole hold",
  specId: null,
  dependsOn: SPINLOCK_OPTIONS,
  params: {},
  raises: { violations: ["lost-update"] },
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const S = kernel.spinlock.create(m, "S");
    const n = m.cell("n", 0);
    m.spawn({ cpu: 0, name: "T0", body: (k) => increment(k, kernel, S, n) });
    m.spawn({ cpu: 0, name: "intr", kind: "interrupt", body: (k) => increment(k, kernel, S, n) });
    m.spawn({ cpu: 1, name: "T1", body: (k) => increment(k, kernel, S, n) });
    return { detectors: [finalValue("lost-update", n, 3, "every increment under S must land")] };
  },
});

// The body is a module-level generator function: one made per execution
// would cost V8 a hidden class per execution.

function* increment(k: KernelContext, kernel: Kernel, S: Spinlock, n: Cell<number>): Gen<void> {
  yield* kernel.spinlock.lock(k, S);
  const v = yield* k.load(n);
  yield* k.store(n, v + 1);
  yield* kernel.spinlock.unlock(k, S);
}
