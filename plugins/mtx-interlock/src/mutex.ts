/**
 * A sleep mutex (FreeBSD's default MTX_DEF kind) with its own turnstile.
 *
 * Protects: whatever its user guards with it — here, a lockmgr lock's fields
 * (as its interlock) or a caller's condition. State, one cell: `owner` (0
 * free, else the holder's thread id + 1) and `turnstile`, the ids of the
 * threads blocked waiting for it, in arrival order.
 *
 * Invariants:
 * - At most one owner; only the owner releases (else: panic). No recursion.
 * - A thread is on the turnstile only while the mutex is owned and the
 *   thread is blocked on it: the test "owned?", the insertion and the switch
 *   are one step (FreeBSD does them under the turnstile chain lock, which
 *   the releaser must take too — one step stands for that).
 * - The release empties the turnstile and schedules every waiter (FreeBSD's
 *   turnstile_broadcast); a woken waiter tries again and may lose to a
 *   newcomer (no hand-off). No waiter is left behind on a free mutex.
 * - A contended acquire blocks; it never spins. The owner may be preempted
 *   (by an interrupt thread) or asleep, possibly on the same cpu; spinning
 *   on it there would never end.
 *
 * Holding a sleep mutex is not a critical section: the holder may be
 * preempted by an interrupt thread, and may block on another sleep mutex.
 * It must not block otherwise while holding it — `msleep` (sleepQueue.ts)
 * releases it on the way to sleep.
 *
 * Calling context: thread context (kernel or interrupt thread), not inside
 * an IPI or timeout handler. `mtxLock` may block (a blocking point: with a
 * spinlock held that is the spinlock-blocking violation); `mtxUnlock` never
 * blocks.
 *
 * Interface:
 *   createSleepMutex(machine, name, lockClass?)
 *   mtxLock(k, m)     uncontended: one step; contended: block on the turnstile, retry when woken
 *   mtxUnlock(k, m)   one step: free it and wake the turnstile
 *   mtxOwner(view, m) the owner's name, for observers
 */
import type { Cell, Gen, KernelContext, Machine, MachineView, Thread } from "@kprim/machine";

export interface MutexWord {
  /** 0 free, else the owner's thread id + 1. */
  owner: number;
  /** Thread ids blocked on the mutex, in arrival order. */
  turnstile: number[];
}

export interface SleepMutex {
  readonly name: string;
  /** The lock class, for the lock-order graph (lock events "mtx:<class>"). */
  readonly lockClass: string;
  readonly cell: Cell<MutexWord>;
  readonly stats: { acquisitions: number; blocked: number };
}

export function createSleepMutex(machine: Machine, name: string, lockClass = name): SleepMutex {
  return {
    name,
    lockClass,
    cell: machine.cell<MutexWord>(`mtx ${name}`, { owner: 0, turnstile: [] }),
    stats: { acquisitions: 0, blocked: 0 },
  };
}

/** `mtx_lock`: take the mutex, blocking on its turnstile while another thread owns it. */
export function* mtxLock(k: KernelContext, m: SleepMutex): Gen<void> {
  if (k.intrNestingLevel > 0) k.panic(`mtx_lock(${m.name}): called from an interrupt handler`);
  const me = k.thread.id + 1;
  for (;;) {
    const got = yield* k.atomic(`mtx_lock ${m.name}`, { writes: [m.cell] }, (tx) => {
      const w = tx.read(m.cell);
      if (w.owner === 0) {
        tx.mutate(m.cell).owner = me;
        tx.event("lock.acquire", m.name, `mtx:${m.lockClass}`);
        return true;
      }
      if (w.owner === me) tx.panic(`mtx_lock: ${k.thread.name} recursed on ${m.name}`);
      // Owned: join the turnstile and switch out, in this same step.
      tx.mutate(m.cell).turnstile.push(me - 1);
      tx.block(`mtx ${m.name} (turnstile), owned by ${tx.view.thread(w.owner - 1).name}`);
      return false;
    });
    if (got) break;
    m.stats.blocked++; // woken by a release: try again
  }
  m.stats.acquisitions++;
}

/** `mtx_unlock`: free the mutex and schedule everything on its turnstile. */
export function* mtxUnlock(k: KernelContext, m: SleepMutex): Gen<void> {
  const me = k.thread.id + 1;
  yield* k.atomic(`mtx_unlock ${m.name}`, { writes: [m.cell] }, (tx) => {
    const w = tx.mutate(m.cell);
    if (w.owner !== me) {
      const who = w.owner === 0 ? "nobody" : tx.view.thread(w.owner - 1).name;
      tx.panic(`mtx_unlock: ${k.thread.name} releases ${m.name}, owned by ${who}`);
    }
    w.owner = 0;
    tx.event("lock.release", m.name, `mtx:${m.lockClass}`);
    for (const id of w.turnstile.splice(0)) tx.schedule(tx.view.thread(id) as Thread);
  });
}

/** The owner's name, or undefined when free (observers only). */
export function mtxOwner(view: MachineView, m: SleepMutex): string | undefined {
  const w = view.peek(m.cell);
  return w.owner === 0 ? undefined : view.thread(w.owner - 1).name;
}
