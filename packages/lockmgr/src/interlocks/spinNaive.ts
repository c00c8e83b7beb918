/**
 * A DELIBERATELY BROKEN control: a spinlock interlock released before tsleep,
 * without tsleep_interlock (spec §7: "SPIN-naive", a hypothetical wrong
 * patch). Between the release — whose crit_exit lets IPIs and interrupts in —
 * and the queue insertion in tsleep, a release and wakeup by another thread
 * find nobody to wake: the waiter then sleeps forever on a free lock. It
 * exists so the catalogue can show what tsleep_interlock is for; never use
 * it as a real interlock.
 */
import type { Gen, KernelContext, Machine } from "@kprim/machine";
import type { Ident } from "@kprim/sleepq";
import type { Spinlock } from "@kprim/spinlock";
import {
  InsideCounter,
  type Interlock,
  type InterlockDeps,
  type InterlockKind,
  type InterlockOptions,
} from "../interlock.js";

class SpinNaiveInterlock extends InsideCounter implements Interlock {
  readonly kind = "spin-naive";

  constructor(
    readonly name: string,
    readonly spin: Spinlock,
    private readonly deps: InterlockDeps,
  ) {
    super();
  }

  *acquire(k: KernelContext): Gen<void> {
    yield* this.deps.spinlock.lock(k, this.spin);
    this.enter();
  }

  *release(k: KernelContext): Gen<void> {
    this.leave();
    yield* this.deps.spinlock.unlock(k, this.spin);
  }

  *sleep(k: KernelContext, ident: Ident, wmesg: string, timo: number): Gen<number> {
    this.leave();
    yield* this.deps.spinlock.unlock(k, this.spin); // the window opens here
    const error = yield* this.deps.sleepq.tsleep(k, ident, {}, wmesg, timo);
    yield* this.deps.spinlock.lock(k, this.spin);
    this.enter();
    return error;
  }

  *wakeup(k: KernelContext, ident: Ident): Gen<void> {
    yield* this.deps.sleepq.wakeup(k, ident);
  }
}

export const spinNaiveInterlock: InterlockKind = Object.freeze({
  name: "spin-naive",
  description: "BROKEN CONTROL: a spinlock released before tsleep, without tsleep_interlock",
  broken: true,
  create(machine: Machine, name: string, deps: InterlockDeps, opts: InterlockOptions = {}): Interlock {
    return new SpinNaiveInterlock(
      name,
      deps.spinlock.create(machine, name, { lockClass: opts.lockClass ?? name }),
      deps,
    );
  },
});
