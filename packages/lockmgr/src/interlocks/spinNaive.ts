/**
 * A DELIBERATELY BROKEN control: a spinlock interlock released before tsleep,
 * without tsleep_interlock (spec §7: "SPIN-naive", a hypothetical wrong
 * patch). It is the spin interlock with one method changed — `sleep`.
 *
 * Between the release — whose crit_exit lets IPIs and interrupts in — and
 * the queue insertion in tsleep, a release and wakeup by another thread find
 * nobody to wake: the waiter then sleeps forever on a free lock (R3), or an
 * interrupt thread preempts it right there and does the same (R4). It exists
 * so the catalogue can show what tsleep_interlock is for; never use it as a
 * real interlock.
 *
 * Calling context: as the spin interlock.
 */
import type { Gen, KernelContext, Machine } from "@kprim/machine";
import type { Ident } from "@kprim/sleepq";
import type { Interlock, InterlockDeps, InterlockKind, InterlockOptions } from "../interlock.js";
import { SpinInterlock } from "./spin.js";

class SpinNaiveInterlock extends SpinInterlock {
  /** spin_unlock; tsleep (no tsleep_interlock, no critical section kept); spin_lock. */
  override *sleep(k: KernelContext, ident: Ident, wmesg: string, timo: number): Gen<number> {
    this.leave();
    yield* this.deps.spinlock.unlock(k, this.spin); // the window opens here
    const error = yield* this.deps.sleepq.tsleep(k, ident, {}, wmesg, timo);
    yield* this.deps.spinlock.lock(k, this.spin);
    this.enter();
    return error;
  }
}

export const spinNaiveInterlock: InterlockKind = Object.freeze({
  name: "spin-naive",
  description: "BROKEN CONTROL: a spinlock released before tsleep, without tsleep_interlock",
  broken: true,
  create(machine: Machine, name: string, deps: InterlockDeps, opts: InterlockOptions = {}): Interlock {
    return new SpinNaiveInterlock(
      "spin-naive",
      name,
      deps.spinlock.create(machine, name, { lockClass: opts.lockClass ?? name }),
      deps,
    );
  },
});
