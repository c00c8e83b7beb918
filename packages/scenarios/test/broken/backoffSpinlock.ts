/**
 * A correct spinlock written the way a kernel programmer writes it (a test
 * plugin's `layers: { spinlock }`): the contested path is an ordinary retry
 * loop with exponential backoff — a compare-and-swap, then pause steps,
 * repeat — with no spin-until step and no declared loop (`k.enterLoop`). It
 * excludes exactly like the built-in one; only its waiting takes steps.
 */
import { type Gen, type KernelContext, op } from "@kprim/machine";
import { type Spinlock, spinlockLayer, type SpinlockLayer } from "@kprim/spinlock";

/** The longest pause between two tries, in steps. */
const MAX_BACKOFF = 8;

function* lockQuick(k: KernelContext, s: Spinlock): Gen<void> {
  const me = k.thread.id + 1;
  for (let backoff = 1; ; backoff = Math.min(backoff * 2, MAX_BACKOFF)) {
    const old = (yield op.cmpxchg(s.word, 0, me)) as number;
    if (old === 0) break;
    if (old === me) k.panic(`spin_lock: ${k.thread.name} already holds ${s.name} (recursion)`);
    for (let i = 0; i < backoff; i++) yield* k.nop("pause");
  }
  s.stats.acquisitions++;
  k.thread.spinlocks++;
  k.event("lock.acquire", s.name, `spin:${s.lockClass}`);
}

export const backoffSpinlock: SpinlockLayer = Object.freeze({
  ...spinlockLayer,
  name: "backoff: a retry loop with exponential backoff",
  lockQuick,
});
