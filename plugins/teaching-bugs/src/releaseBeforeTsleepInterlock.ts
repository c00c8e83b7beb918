/**
 * TEACHING BUG (interlock): a spinlock interlock that releases the lock
 * BEFORE tsleep_interlock.
 *
 * What the interlock protects: a lockmgr lock's fields (or a caller's
 * condition). Its invariant, for sleeping: between the sleeper's last test
 * of its condition and its tsleep, any wakeup of the ident must still reach
 * it. The patch's order gives that: crit_enter, tsleep_interlock(X) (this
 * cpu's bit set), release the spinlock, tsleep(X) — a waker can change the
 * condition only after the release, and then it sees the bit.
 *
 * The mistake: two lines swapped — release, then tsleep_interlock. The
 * critical section is kept, so no interrupt on this cpu gets in; but a waker
 * on another cpu can take the lock, change the condition and call wakeup in
 * between, find no bit for this cpu and send no IPI; the thread then sleeps
 * forever on a free lock (`lost-wakeup`, I6). Found by the catalogue's
 * `lockmgr-lost-wakeup` scenario (R3); the one-cpu R4 scenarios stay clean.
 *
 * Registered as the interlock `spin-release-early`: the built-in spin
 * interlock, given a sleep-queue layer whose lock-releasing sleep has the
 * two lines swapped. Calling context as the spin interlock's.
 */
import { type InterlockKind, spinInterlock } from "@kprim/lockmgr";
import type { Gen, KernelContext } from "@kprim/machine";
import { definePlugin, type Plugin } from "@kprim/plugin";
import type { Ident, SleepLock, SleepqLayer } from "@kprim/sleepq";

function releasingEarly(sleepq: SleepqLayer): SleepqLayer["msleep"] {
  return function* msleep(k: KernelContext, ident: Ident, lock: SleepLock, wmesg: string, timo: number): Gen<number> {
    k.critEnter();
    yield* lock.release(k); // BUG: released before tsleep_interlock…
    yield* sleepq.tsleepInterlock(k, ident); // …so a wakeup from another cpu in between finds no bit set
    const error = yield* sleepq.tsleep(k, ident, { interlocked: true }, wmesg, timo);
    yield* lock.acquire(k);
    k.critExit();
    return error;
  };
}

export const spinReleaseEarly: InterlockKind = Object.freeze({
  name: "spin-release-early",
  description: "TEACHING BUG: the spin interlock, releasing the spinlock before tsleep_interlock",
  broken: true,
  create(...[machine, name, deps, opts]: Parameters<InterlockKind["create"]>) {
    const sleepq: SleepqLayer = { ...deps.sleepq, msleep: releasingEarly(deps.sleepq) };
    return spinInterlock.create(machine, name, { ...deps, sleepq }, opts);
  },
});

const plugin: Plugin = definePlugin({
  name: "release-before-tsleep-interlock",
  interlocks: { "spin-release-early": spinReleaseEarly },
});

export default plugin;
