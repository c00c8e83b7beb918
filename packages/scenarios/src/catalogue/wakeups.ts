/**
 * How far a wakeup reaches (spec §5.2–5.4; no spec rows of their own): the
 * sleep-queue paths a one-sleeper, two-cpu scenario never takes.
 *
 * Every sleeper takes spinlock L, tests its condition and, while it does not
 * hold, sleeps with the lock-releasing sleep (tsleep_interlock inside a
 * critical section, so no wakeup is lost to the sleeper's own window); the
 * waker changes the condition under L, releases L and wakes. A sleeper left
 * asleep while its condition holds is a lost wakeup (`lost-wakeup`): the
 * wakeup path is what lost it.
 *
 * - `wakeup-reaches-every-cpu`: sleepers on cpus 0 … n−1, the waker on cpu
 *   n. wakeup(X) must reach each cpu whose bit is set: the chain's first hop
 *   wakes one cpu's sleeper, and that cpu passes the wakeup on. A chain that
 *   stops after one hop leaves every sleeper past the first asleep.
 * - `wakeup-one-remote`: the same layout, each sleeper consuming one unit of
 *   a count; the waker posts one unit per sleeper (all at once, under L) and
 *   then calls wakeup_one(X) once per unit. The
 *   sleepers are all on other cpus than the waker: a wakeup_one that never
 *   leaves the waker's cpu wakes nobody, and one that does not pass on past a
 *   cpu whose sleeper was already woken (its bit is a hint) strands a unit.
 * - `colliding-idents`: X and Y hash to one bucket. cpu0 has a sleeper on Y
 *   and one on X (queued in either order); the waker (cpu1) wakes X, then Y.
 *   wakeup(X) must skip Y's sleeper without stopping, and leave cpu0's bit
 *   set while Y's sleeper is still queued there — else wakeup(Y) finds no
 *   bit and Y's sleeper is lost.
 *
 * Sleep-queue scenarios run without the MP lock under every variant.
 */
import { type Cell, type Gen, type KernelContext, param } from "@kprim/machine";
import type { Ident, SleepLock } from "@kprim/sleepq";
import type { Spinlock } from "@kprim/spinlock";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { SLEEPQ_OPTIONS } from "../dependsOn.js";
import { flagCondition, setAndWake, sleepUntilSet } from "./flags.js";
import { spinSleepLock } from "./sleepLocks.js";

export const wakeupReachesEveryCpu = kernelScenario({
  name: "wakeup-reaches-every-cpu",
  description: "one wakeup of X must reach sleepers on every other cpu (the chain's later hops)",
  specId: null,
  dependsOn: SLEEPQ_OPTIONS,
  params: {
    sleepers: param.int({ default: 2, min: 1, max: 7, description: "sleeping threads, one per cpu" }),
  },
  cpus: (p) => p.sleepers + 1,
  setup({ machine: m, kernel, params }) {
    const L = kernel.spinlock.create(m, "L");
    const { flag, ident: X } = flagCondition(m, kernel);
    const lock = spinSleepLock(kernel, L);
    for (let i = 0; i < params.sleepers; i++) {
      m.spawn({ cpu: i, name: `T_S${i}`, body: (k) => sleepUntilSet(k, kernel, L, lock, X, flag) });
    }
    m.spawn({ cpu: params.sleepers, name: "T_W", body: (k) => setAndWake(k, kernel, L, X, flag) });
  },
});

export const wakeupOneRemote = kernelScenario({
  name: "wakeup-one-remote",
  description: "wakeup_one with every sleeper on another cpu than the waker: each post wakes one of them",
  specId: null,
  dependsOn: SLEEPQ_OPTIONS,
  params: {
    sleepers: param.int({ default: 2, min: 1, max: 7, description: "sleeping threads, one per cpu (and posts)" }),
  },
  cpus: (p) => p.sleepers + 1,
  setup({ machine: m, kernel, params }) {
    const L = kernel.spinlock.create(m, "L");
    const count = m.cell("count", 0);
    const X = kernel.sleepq.ident(m, "X");
    kernel.sleepq.declareCondition(m, X, {
      cells: [count],
      holds: (v) => v.peek(count) > 0,
      describe: "a posted unit is waiting",
    });
    const w: World = { kernel, L, lock: spinSleepLock(kernel, L) };
    for (let i = 0; i < params.sleepers; i++) {
      m.spawn({ cpu: i, name: `T_S${i}`, body: (k) => consume(k, w, X, count) });
    }
    m.spawn({ cpu: params.sleepers, name: "T_W", body: (k) => post(k, w, X, count, params.sleepers) });
  },
});

export const collidingIdents = kernelScenario({
  name: "colliding-idents",
  description: "sleepers on two idents of one hash bucket on one cpu: each wakeup finds its own and leaves the other",
  specId: null,
  dependsOn: SLEEPQ_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const L = kernel.spinlock.create(m, "L");
    const flagX = m.cell("flagX", 0);
    const flagY = m.cell("flagY", 0);
    const X = kernel.sleepq.ident(m, "X");
    const Y = kernel.sleepq.collidingIdent(m, "Y", X);
    kernel.sleepq.declareCondition(m, X, {
      cells: [flagX],
      holds: (v) => v.peek(flagX) !== 0,
      describe: "flagX is set",
    });
    kernel.sleepq.declareCondition(m, Y, {
      cells: [flagY],
      holds: (v) => v.peek(flagY) !== 0,
      describe: "flagY is set",
    });
    const lock = spinSleepLock(kernel, L);
    m.spawn({ cpu: 0, name: "T_Y", body: (k) => sleepUntilSet(k, kernel, L, lock, Y, flagY) });
    m.spawn({ cpu: 0, name: "T_X", body: (k) => sleepUntilSet(k, kernel, L, lock, X, flagX) });
    m.spawn({ cpu: 1, name: "T_W", body: (k) => setAndWakeBoth(k, kernel, L, X, flagX, Y, flagY) });
  },
});

/** What the threads share (set up once per machine). */
interface World {
  readonly kernel: Kernel;
  readonly L: Spinlock;
  readonly lock: SleepLock;
}

// The bodies are module-level generator functions: one made per execution
// would cost V8 a hidden class per execution.

/** X's flag set and X woken, then Y's. */
function* setAndWakeBoth(
  k: KernelContext,
  kernel: Kernel,
  L: Spinlock,
  X: Ident,
  flagX: Cell<number>,
  Y: Ident,
  flagY: Cell<number>,
): Gen<void> {
  yield* setAndWake(k, kernel, L, X, flagX);
  yield* setAndWake(k, kernel, L, Y, flagY);
}

/** Take one unit of `count`, sleeping on X while there is none. */
function* consume(k: KernelContext, w: World, X: Ident, count: Cell<number>): Gen<void> {
  yield* w.kernel.spinlock.lock(k, w.L);
  let n: number;
  while ((n = yield* k.load(count)) === 0) yield* w.kernel.sleepq.msleep(k, X, w.lock, "unit", 0);
  yield* k.store(count, n - 1);
  yield* w.kernel.spinlock.unlock(k, w.L);
}

/** Post `units` units under L, then wakeup_one(X) once per unit. */
function* post(k: KernelContext, w: World, X: Ident, count: Cell<number>, units: number): Gen<void> {
  yield* w.kernel.spinlock.lock(k, w.L);
  yield* k.store(count, units);
  yield* w.kernel.spinlock.unlock(k, w.L);
  for (let i = 0; i < units; i++) yield* w.kernel.sleepq.wakeupOne(k, X);
}
