/**
 * Sleeping through an interlock (the Interlock contract's `sleep`) — the
 * sleep-queue scenarios that take a lock, so every variant's interlock and
 * any plugin's reach them (spec §7.1 R4, §7.2 G3, G4, G8).
 *
 * Each waiter takes the interlock, tests a flag and, while it is clear,
 * sleeps on X through the interlock; a setter takes the interlock, sets the
 * flag, releases it and calls wakeup(X).
 *
 * R4 (sleep-queue form) — one cpu; the setter is an interrupt thread that may
 * preempt the waiter anywhere outside a critical section: the naive interlock
 * leaves one between its release and tsleep.
 * G3 — spurious wakeups: a wakeup of another ident in the same bucket, and a
 * wakeup of X while the flag is still clear; plus a first sleep with a
 * timeout whose wakeup IPI may arrive after the timeout woke the waiter.
 * G4 — the setter may run entirely before the waiter takes the interlock:
 * the waiter's test sees the flag and it never sleeps.
 * G8 — legitimate timeouts: the waiter sleeps once, with a timeout, and gives
 * up when it ends with EWOULDBLOCK; the setter sets the flag and wakes it —
 * before, during or after that sleep. A sleep ended by its timeout is not a
 * lost wakeup.
 */
import type { Cell, Gen, KernelContext, Machine } from "@kprim/machine";
import type { Interlock } from "@kprim/lockmgr";
import { EWOULDBLOCK, type Ident } from "@kprim/sleepq";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { flagCondition } from "./flags.js";
import { newInterlock } from "./locks.js";
import { INTERLOCK_OPTIONS } from "../dependsOn.js";

// Thread bodies are module-level generator functions: one made per
// execution would cost V8 a hidden class per execution (explorations build
// hundreds of thousands of machines).

function* waitForFlag(
  k: KernelContext,
  il: Interlock,
  X: Ident,
  flag: Cell<number>,
  timeouts: number[] = [],
): Gen<void> {
  yield* il.acquire(k);
  for (let round = 0; (yield* k.load(flag)) === 0; round++) {
    yield* il.sleep(k, X, "flagwt", timeouts[round] ?? 0);
  }
  yield* il.release(k);
}

function* setFlag(k: KernelContext, il: Interlock, X: Ident, flag: Cell<number>): Gen<void> {
  yield* il.acquire(k);
  yield* k.store(flag, 1);
  yield* il.release(k);
  yield* il.wakeup(k, X);
}

/** G3's setter: a wakeup of a colliding ident and one of X before it sets the flag. */
function* spuriousSetter(
  k: KernelContext,
  kernel: Kernel,
  il: Interlock,
  X: Ident,
  Y: Ident,
  flag: Cell<number>,
): Gen<void> {
  yield* kernel.sleepq.wakeup(k, Y); // same bucket, another ident
  yield* kernel.sleepq.wakeup(k, X); // the flag is still clear: spurious
  yield* setFlag(k, il, X, flag);
}

/** G4's waiter: it takes the interlock only after a step of its own. */
function* lateWaiter(k: KernelContext, il: Interlock, X: Ident, flag: Cell<number>): Gen<void> {
  yield* k.nop("arrive late");
  yield* waitForFlag(k, il, X, flag);
}

/** G8's waiter: sleeps at most once, with a timeout, and gives up if it ends with EWOULDBLOCK. */
function* timedWaiter(k: KernelContext, il: Interlock, X: Ident, flag: Cell<number>): Gen<void> {
  yield* il.acquire(k);
  if ((yield* k.load(flag)) === 0) {
    const error = yield* il.sleep(k, X, "flagwt", 3);
    if (error === EWOULDBLOCK) k.printf("T_w: gave up waiting for the flag (EWOULDBLOCK)");
  }
  yield* il.release(k);
}

function flagSetup(m: Machine, kernel: Kernel) {
  const il = newInterlock(m, kernel, "IL", { cpu: 0 });
  const { flag, ident: X } = flagCondition(m, kernel);
  return { il, flag, X };
}

export const interlockPreemptedSleep = kernelScenario({
  name: "interlock-preempted-sleep",
  description:
    "one cpu: an interrupt thread sets the flag and wakes, possibly between the interlock release and tsleep",
  specId: "R4",
  dependsOn: INTERLOCK_OPTIONS,
  params: {},
  cpus: () => 1,
  setup({ machine: m, kernel }) {
    const { il, flag, X } = flagSetup(m, kernel);
    m.spawn({ cpu: 0, name: "T_w", body: (k) => waitForFlag(k, il, X, flag) });
    m.spawn({ cpu: 0, name: "intr", kind: "interrupt", body: (k) => setFlag(k, il, X, flag) });
  },
});

export const interlockSpuriousWakeups = kernelScenario({
  name: "interlock-spurious-wakeups",
  description: "wakeups of a colliding ident and of X before the flag is set, and a timeout racing a wakeup",
  specId: "G3",
  dependsOn: INTERLOCK_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const { il, flag, X } = flagSetup(m, kernel);
    const Y = kernel.sleepq.collidingIdent(m, "Y", X);
    m.spawn({ cpu: 0, name: "T_w", body: (k) => waitForFlag(k, il, X, flag, [2]) });
    m.spawn({ cpu: 1, name: "T_s", body: (k) => spuriousSetter(k, kernel, il, X, Y, flag) });
  },
});

export const interlockWakeupFirst = kernelScenario({
  name: "interlock-wakeup-first",
  description: "the flag is set and the wakeup sent before the waiter even takes the interlock",
  specId: "G4",
  dependsOn: INTERLOCK_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const { il, flag, X } = flagSetup(m, kernel);
    m.spawn({ cpu: 1, name: "T_s", body: (k) => setFlag(k, il, X, flag) });
    m.spawn({ cpu: 0, name: "T_w", body: (k) => lateWaiter(k, il, X, flag) });
  },
});

export const interlockTimeout = kernelScenario({
  name: "interlock-timeout",
  description: "a sleep with a timeout ends with EWOULDBLOCK when no wakeup comes",
  specId: "G8",
  dependsOn: INTERLOCK_OPTIONS,
  params: {},
  raises: { console: ["T_w: gave up waiting for the flag (EWOULDBLOCK)"] },
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const { il, flag, X } = flagSetup(m, kernel);
    m.spawn({ cpu: 0, name: "T_w", body: (k) => timedWaiter(k, il, X, flag) });
    m.spawn({ cpu: 1, name: "T_s", body: (k) => setFlag(k, il, X, flag) });
  },
});
