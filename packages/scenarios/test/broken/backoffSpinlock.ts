/**
 * Correct spinlocks written the way a kernel programmer writes them (a test
 * plugin's `layers: { spinlock }`): the contested path is an ordinary retry
 * loop — a compare-and-swap, then pause steps, repeat — with no spin-until
 * step. `backoffSpinlock` backs off exponentially and declares nothing: the
 * machine knows its spinner only by a growing history. `declaredSpinlock`
 * pauses one step per try inside a declared loop (`k.enterLoop`: its locals
 * are the same at every try), so the explorer recognises its cycles. Both
 * exclude exactly like the built-in one; only their waiting takes steps.
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

function* lockDeclared(k: KernelContext, s: Spinlock): Gen<void> {
  const me = k.thread.id + 1;
  const first = (yield op.cmpxchg(s.word, 0, me)) as number;
  if (first === me) k.panic(`spin_lock: ${k.thread.name} already holds ${s.name} (recursion)`);
  if (first !== 0) {
    k.enterLoop();
    do yield* k.nop("pause");
    while (((yield op.cmpxchg(s.word, 0, me)) as number) !== 0);
    k.leaveLoop();
  }
  s.stats.acquisitions++;
  k.thread.spinlocks++;
  k.event("lock.acquire", s.name, `spin:${s.lockClass}`);
}

export const declaredSpinlock: SpinlockLayer = Object.freeze({
  ...spinlockLayer,
  name: "declared: a retry loop declared with k.enterLoop",
  lockQuick: lockDeclared,
});
