/**
 * TEACHING BUG (interlock): a lockmgr release that forgets its wakeup.
 *
 * What the interlock protects: a lockmgr lock's fields. lockmgr sends every
 * wakeup — of the waiters after a release or downgrade, of a drainer —
 * through the lock's interlock (so that an interlock with its own sleep
 * queue gets them). Its invariant: a release that leaves waiters
 * (WAIT_NONZERO) wakes them.
 *
 * The mistake: the interlock's wakeup does nothing, so lockmgr's release
 * clears the lock and wakes nobody; a waiter sleeps on a free lock forever
 * (`lost-wakeup`, I6: "… no longer has the flags it waits for"). Found by
 * the catalogue's `getblk-sleepfail-retry` scenario (G1): getblk sleeps on a
 * buffer lock that its holder then releases.
 *
 * Registered as the interlock `spin-wakeup-dropped`: the built-in spin
 * interlock with its wakeup replaced. Calling context as the spin
 * interlock's.
 */
import { type Interlock, type InterlockKind, spinInterlock } from "@kprim/lockmgr";
import { definePlugin, type Plugin } from "@kprim/plugin";

export const spinWakeupDropped: InterlockKind = Object.freeze({
  name: "spin-wakeup-dropped",
  description: "TEACHING BUG: the spin interlock with a wakeup that wakes nobody (lockmgr's releases forget theirs)",
  broken: true,
  create(...args: Parameters<InterlockKind["create"]>): Interlock {
    const il = spinInterlock.create(...args);
    const wrapped: Interlock & { readonly spin: Interlock } = {
      kind: "spin-wakeup-dropped",
      name: il.name,
      // A data property: a restored state puts the spin interlock's count back through it (not a closure alone).
      spin: il,
      acquire: (k) => il.acquire(k),
      release: (k) => il.release(k),
      sleep: (k, ident, wmesg, timo) => il.sleep(k, ident, wmesg, timo),
      // BUG: the wakeup lockmgr's release sends through its interlock goes nowhere.
      *wakeup() {},
      get inside() {
        return il.inside;
      },
    };
    return wrapped;
  },
});

const plugin: Plugin = definePlugin({
  name: "release-forgets-wakeup",
  interlocks: { "spin-wakeup-dropped": spinWakeupDropped },
});

export default plugin;
