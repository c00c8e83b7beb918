/**
 * The sleep-queue lock: a spin mutex (FreeBSD's MTX_SPIN kind), this
 * plugin's own, kept in one machine cell.
 *
 * Protects: the plugin's sleep queue (sleepQueue.ts) — which thread sleeps on
 * which ident. The word is 0 when free and the holder's thread id + 1 when
 * held.
 *
 * Invariants:
 * - The holder is in a critical section from before it takes the word until
 *   after it has dropped it: on its cpu it is neither preempted nor
 *   interrupted by an IPI while it holds the lock.
 * - The holder counts the lock in its spinlock count (`td_spinlocks`), so
 *   reaching a blocking point while holding it is the machine's
 *   `spinlock-blocking` violation — with one exception, `releaseAndBlock`,
 *   which drops the word and switches the thread out in one step (as
 *   FreeBSD's sleepq_wait has the switch release the chain lock).
 * - No recursion: taking it twice, or dropping it unheld, panics.
 *
 * Calling context: thread context. Never blocks; a contended acquire spins
 * (one spin-until step on the word, then a compare-and-exchange).
 *
 * Interface:
 *   createSpinMutex(machine, name, lockClass)
 *   spinMutexLock(k, s) / spinMutexUnlock(k, s)   with the critical section
 *   releaseAndBlock(k, s, waitsOn, timeout?)      drop + switch out, one step
 */
import type { Cell, Gen, KernelContext, Machine, TimeoutSpec } from "@kprim/machine";

export interface SpinMutex {
  readonly name: string;
  /** The lock class, for the lock-order graph (lock events "spin:<class>"). */
  readonly lockClass: string;
  /** 0 free; holder thread id + 1 when held. */
  readonly word: Cell<number>;
  readonly stats: { acquisitions: number; contended: number };
}

export function createSpinMutex(machine: Machine, name: string, lockClass = name): SpinMutex {
  // The word holds the owner's thread id + 1 (symmetry renames it).
  const word = machine.cell(name, 0, { code: "thread+1" });
  return { name, lockClass, word, stats: { acquisitions: 0, contended: 0 } };
}

/**
 * `mtx_lock_spin`: enter a critical section, then take the word (spinning
 * while another thread holds it). The taking runs in `k.call` and settles at
 * each retry: who held the word and how many tries failed change nothing
 * afterwards (stateful search keys the thread so).
 */
export function* spinMutexLock(k: KernelContext, s: SpinMutex): Gen<void> {
  k.critEnter();
  yield* k.call(take(k, s));
  s.stats.acquisitions++;
  k.thread.spinlocks++;
  k.event("lock.acquire", s.name, `spin:${s.lockClass}`);
}

function* take(k: KernelContext, s: SpinMutex): Gen<void> {
  const me = k.thread.id + 1;
  const old = yield* k.cmpxchg(s.word, 0, me);
  if (old === me) k.panic(`mtx_lock_spin: ${k.thread.name} already holds ${s.name}`);
  if (old === 0) return;
  s.stats.contended++;
  for (;;) {
    k.settle("spin");
    yield* k.spinUntil(`spin mutex ${s.name}`, [s.word], (tx) => tx.read(s.word) === 0, {
      describe: () => {
        const v = k.machine.peek(s.word);
        return v === 0 ? "(free)" : `held by ${k.machine.thread(v - 1).name}`;
      },
    });
    if ((yield* k.cmpxchg(s.word, 0, me)) === 0) return;
  }
}

/** `mtx_unlock_spin`: drop the word, then leave the critical section. */
export function* spinMutexUnlock(k: KernelContext, s: SpinMutex): Gen<void> {
  const me = k.thread.id + 1;
  const held = yield* k.atomic(`mtx_unlock_spin ${s.name}`, { writes: [s.word] }, (tx) => {
    const v = tx.read(s.word);
    if (v === me) tx.write(s.word, 0);
    return v;
  });
  if (held !== me) k.panic(`mtx_unlock_spin: ${k.thread.name} releases ${s.name}, which it does not hold`);
  k.thread.spinlocks--;
  k.event("lock.release", s.name, `spin:${s.lockClass}`);
  k.critExit();
}

/**
 * Drop the lock and switch out in ONE step (the sleep). The critical section
 * travels with the thread; it is left when the thread runs again. Returns
 * when the thread has been scheduled again (by a wakeup or its timeout).
 */
export function* releaseAndBlock(k: KernelContext, s: SpinMutex, waitsOn: string, timeout?: TimeoutSpec): Gen<void> {
  const me = k.thread.id + 1;
  // The count drops with the word, in the next step — which is also the switch.
  k.thread.spinlocks--;
  yield* k.atomic(`sleepq_wait ${s.name}`, { writes: [s.word] }, (tx) => {
    if (tx.read(s.word) !== me) tx.panic(`sleepq_wait: ${k.thread.name} does not hold ${s.name}`);
    tx.write(s.word, 0);
    tx.event("lock.release", s.name, `spin:${s.lockClass}`);
    tx.block(waitsOn, timeout);
  });
  k.critExit();
}
