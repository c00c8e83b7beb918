/**
 * Spinlocks, as DragonFly had them in November 2005 (spinlock2.h rev 1.2,
 * kern_spinlock.c rev 1.1; spec §3).
 *
 * Protects: whatever its user guards with it; the lock itself is one word,
 * 0 free and non-zero held. There is no owner field, no waiter list, no
 * recursion count and no fairness. (The simulator stores the holder's thread
 * id + 1 as the non-zero value so that misuse can be reported — a diagnostic
 * the 2005 code did not have. To keep that id intact the acquire is a
 * compare-and-swap from 0 rather than a swap of 1; on the zero/non-zero
 * abstraction both behave the same and both are one locked instruction.)
 *
 * Invariants:
 * - `spin_lock` enters a critical section, then swaps 1 in; the holder can
 *   therefore neither be preempted nor take IPIs on its cpu until it leaves
 *   that section.
 * - The holder never reaches a blocking point while holding it: the machine
 *   reports `spinlock-blocking` at that step (per-thread count `td_spinlocks`).
 * - Releasing a lock this thread does not hold, and taking one it already
 *   holds, panic (a self-deadlock would otherwise spin forever).
 *
 * Calling context: any thread. `spin_lock`/`spin_unlock` manage their own
 * critical section; the `_quick` forms expect the caller to be in one (the
 * tsleep_interlock pattern releases with `spinUnlockQuick` to keep it).
 * Never blocks; a contended acquire spins (see contested.ts).
 *
 * Interface:
 *   createSpinlock(machine, name)       spin_init
 *   spinLock(k, s) / spinUnlock(k, s)   with the critical section
 *   spinLockQuick / spinUnlockQuick     without it
 *   spinTrylock(k, s)                   one swap, no critical section
 *   spinIsLocked(view, s)               observers only
 */
import {
  type Cell,
  type Footprint,
  type Gen,
  type KernelContext,
  type Machine,
  type MachineView,
  op,
  type Tx,
} from "@kprim/machine";
import { spinLockContested, WAITING, type Waiting } from "./contested.js";

/**
 * The members `spinLock` and `spinUnlock` call through their layer (`this`,
 * when called as a layer's method; the built-in forms when called bare).
 */
export interface SpinLayerCalls {
  lockQuick(k: KernelContext, s: Spinlock): Gen<void>;
  unlockQuick(k: KernelContext, s: Spinlock): Gen<void>;
}

export interface SpinlockStats {
  /** Successful acquisitions (lock and trylock). */
  acquisitions: number;
  /** Acquisitions that found the lock held and spun. */
  contended: number;
  /** Simulated cycles spent spinning. */
  spinCycles: number;
}

/**
 * How a contended spin_lock waits (spec §3.3, §8.7): `rev1.1` (2005,
 * confirmed) spins processing nothing; `rev1.3` (May 2006) also runs its
 * cpu's IPIs and interrupts while it waits (its "indefinite wait" path's
 * splz). Whether November 2005's rev 1.2 had that path is not known.
 */
export type SpinWait = "rev1.1" | "rev1.3";

/**
 * The release step of a lock: its footprint, and the closure that clears
 * the word if the stepping thread holds it and returns what the word held.
 * Made on the lock's first release and kept on the lock (its `UNLOCK` slot;
 * on the lock, not in a WeakMap beside it: see contested.ts `Waiting`) —
 * they depend on the lock alone, and every release (a rebuilt thread's
 * replayed ones too) gives a fresh op made of them.
 */
export interface Unlock {
  readonly fp: Footprint;
  readonly fn: (tx: Tx) => number;
}

/** The lock's slot for its `Unlock` (null until its first release). */
export const UNLOCK: unique symbol = Symbol("spinlock unlock");

export interface Spinlock {
  readonly name: string;
  /** The lock class (instances of one class are ordered alike), for the lock-order graph. */
  readonly lockClass: string;
  /** The lock word: 0 free, holder thread id + 1 when held. */
  readonly word: Cell<number>;
  readonly stats: SpinlockStats;
  /** How a contended acquire of this lock waits. */
  readonly wait: SpinWait;
  /** @internal What its contested waits are made of (contested.ts), made on the first. */
  [WAITING]?: Waiting | null;
  /** @internal What its releases are made of (`unlockOf`), made on the first. */
  [UNLOCK]?: Unlock | null;
}

/**
 * `spin_init`: a free spinlock (`opts.wait`: how a contended acquire waits,
 * default rev 1.1's busy wait).
 *
 * Calling context: set-up, before the machine runs.
 */
export function createSpinlock(
  machine: Machine,
  name: string,
  opts: { lockClass?: string; wait?: SpinWait } = {},
): Spinlock {
  return {
    name,
    lockClass: opts.lockClass ?? name,
    wait: opts.wait ?? "rev1.1",
    // The owner's thread id + 1 (symmetry renames it).
    word: machine.cell(name, 0, { code: "thread+1" }),
    stats: { acquisitions: 0, contended: 0, spinCycles: 0 },
    // Filled on first use (every lock has the slots from the start: one shape).
    [WAITING]: null,
    [UNLOCK]: null,
  };
}

/**
 * `spin_lock(s)`: enter a critical section, then take the lock (spinning if
 * held).
 *
 * Calling context: any thread; never blocks (a contended acquire spins, see
 * contested.ts). Taking a lock this thread holds panics.
 */
export function* spinLock(this: SpinLayerCalls | void, k: KernelContext, s: Spinlock): Gen<void> {
  k.critEnter();
  yield* ((this as SpinLayerCalls | undefined)?.lockQuick ?? spinLockQuick).call(this, k, s);
}

/**
 * `spin_lock_quick(s)`: take the lock; the caller is already in a critical
 * section (or the lock is never used from interrupts). How many tries it
 * took is invisible to the caller (`k.call`).
 *
 * Calling context: as spin_lock, inside a critical section.
 */
export function spinLockQuick(k: KernelContext, s: Spinlock): Gen<void> {
  return k.call(take(k, s));
}

function* take(k: KernelContext, s: Spinlock): Gen<void> {
  const me = k.thread.id + 1;
  const old = (yield op.cmpxchg(s.word, 0, me)) as number;
  if (old === me) k.panic(`spin_lock: ${k.thread.name} already holds ${s.name} (recursion)`);
  if (old !== 0) yield* spinLockContested(k, s, me);
  s.stats.acquisitions++;
  k.thread.spinlocks++;
  k.event("lock.acquire", s.name, `spin:${s.lockClass}`);
}

/**
 * `spin_unlock(s)`: release, then leave the critical section (pending IPIs
 * may run right here).
 *
 * Calling context: the holder; never blocks. Releasing a lock this thread
 * does not hold panics.
 */
export function* spinUnlock(this: SpinLayerCalls | void, k: KernelContext, s: Spinlock): Gen<void> {
  yield* ((this as SpinLayerCalls | undefined)?.unlockQuick ?? spinUnlockQuick).call(this, k, s);
  k.critExit();
}

/**
 * `spin_unlock_quick(s)`: release and keep the critical section (the
 * tsleep_interlock pattern). What the word held stays inside (`k.call`).
 *
 * Calling context: the holder; never blocks.
 */
export function spinUnlockQuick(k: KernelContext, s: Spinlock): Gen<void> {
  return k.call(release(k, s));
}

function* release(k: KernelContext, s: Spinlock): Gen<void> {
  const me = k.thread.id + 1;
  const u = unlockOf(s);
  const held = yield* k.atomic("spin_unlock", u.fp, u.fn);
  if (held !== me) {
    k.panic(`spin_unlock: ${k.thread.name} releases ${s.name}, which it does not hold`);
  }
  k.thread.spinlocks--;
  k.event("lock.release", s.name, `spin:${s.lockClass}`);
}

function unlockOf(s: Spinlock): Unlock {
  let u = s[UNLOCK];
  if (!u) {
    const word = s.word;
    u = {
      fp: { writes: [word] },
      fn: (tx) => {
        const v = tx.read(word);
        if (v === tx.thread!.id + 1) tx.write(word, 0);
        return v;
      },
    };
    s[UNLOCK] = u;
  }
  return u;
}

/**
 * `spin_trylock(s)`: one swap; true iff the lock was free. Does not enter a
 * critical section.
 *
 * Calling context: any thread; never blocks or spins.
 */
export function* spinTrylock(k: KernelContext, s: Spinlock): Gen<boolean> {
  const me = k.thread.id + 1;
  const old = yield* k.atomic("spin_trylock", { writes: [s.word] }, (tx) => {
    const v = tx.read(s.word);
    if (v === 0) tx.write(s.word, me);
    return v;
  });
  if (old === me) k.panic(`spin_trylock: ${k.thread.name} already holds ${s.name} (recursion)`);
  if (old !== 0) return false;
  s.stats.acquisitions++;
  k.thread.spinlocks++;
  k.event("lock.try-acquire", s.name, `spin:${s.lockClass}`);
  return true;
}

/** `spin_is_locked(s)`, for observers (detectors, tests): not a step. */
export function spinIsLocked(view: MachineView, s: Spinlock): boolean {
  return view.peek(s.word) !== 0;
}

/** The thread holding `s`, for diagnostics, or undefined (observers only: not a step). */
export function spinHolder(view: MachineView, s: Spinlock): string | undefined {
  const v = view.peek(s.word);
  return v === 0 ? undefined : view.thread(v - 1).name;
}
