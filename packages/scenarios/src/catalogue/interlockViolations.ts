/**
 * Breaking tsleep_interlock's preconditions (spec §5.5, §7.1 R5, R5b, R6).
 *
 * The pattern only holds if the caller stays in its critical section, with
 * no blocking point and no explicit IPI processing, from tsleep_interlock(X)
 * until tsleep(X) has queued it: otherwise the wakeup IPI the cpumask bit
 * attracts can run on this cpu early, find nobody and clear the bit. Each
 * scenario below breaks one precondition after releasing the spinlock (so
 * only `interlock-discipline` applies, reported at the faulty step):
 *
 * - R5: a blocking operation (a contended token acquisition).
 * - R5b: an explicit IPI-processing point without a switch (a send that
 *   leaves an IPI FIFO over half full processes this cpu's own IPIs).
 * - R6: tsleep_interlock called outside any critical section (the lock was
 *   taken with spin_trylock, which does not enter one).
 */
import { type Cell, type Gen, IPI_FIFO_CAPACITY, type KernelContext } from "@kprim/machine";
import type { Ident } from "@kprim/sleepq";
import type { Spinlock } from "@kprim/spinlock";
import type { Token } from "@kprim/token";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { SLEEPQ_OPTIONS, TOKEN_OPTIONS } from "../dependsOn.js";
import { flagCondition, setAndWake } from "./flags.js";

export const interlockThenBlock = kernelScenario({
  name: "interlock-then-block",
  description: "a blocking token acquisition between tsleep_interlock and tsleep",
  specId: "R5",
  dependsOn: [...TOKEN_OPTIONS, ...SLEEPQ_OPTIONS],
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const L = kernel.spinlock.create(m, "L");
    const B = kernel.token.create(m, "B", { cpu: 1 });
    const { flag, ident: X } = flagCondition(m, kernel);
    const w: World = { kernel, L, flag, X };
    m.spawn({ cpu: 0, name: "T_W", body: (k) => blockingWaiter(k, w, B) });
    m.spawn({ cpu: 1, name: "T_H", body: (k) => setAndWake(k, kernel, L, X, flag) });
  },
});

export const interlockThenIpiProcessing = kernelScenario({
  name: "interlock-then-ipi-processing",
  description: "an IPI send that overfills a FIFO (and so processes IPIs) between tsleep_interlock and tsleep",
  specId: "R5b",
  dependsOn: SLEEPQ_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const L = kernel.spinlock.create(m, "L");
    const { flag, ident: X } = flagCondition(m, kernel);
    const go = m.cell("go", 0);
    const w: World = { kernel, L, flag, X };
    m.spawn({ cpu: 0, name: "T_W", body: (k) => notifyingWaiter(k, w) });
    m.spawn({ cpu: 1, name: "T_H", body: (k) => busySetter(k, w, go), daemon: true });
  },
});

export const interlockOutsideCrit = kernelScenario({
  name: "interlock-outside-crit",
  description: "tsleep_interlock called with no critical section held",
  specId: "R6",
  dependsOn: SLEEPQ_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const L = kernel.spinlock.create(m, "L");
    const { flag, ident: X } = flagCondition(m, kernel);
    const w: World = { kernel, L, flag, X };
    m.spawn({ cpu: 0, name: "T_W", body: (k) => trylockWaiter(k, w) });
    m.spawn({ cpu: 1, name: "T_H", body: (k) => setAndWake(k, kernel, L, X, flag) });
  },
});

export const spinlockAcrossTsleep = kernelScenario({
  name: "spinlock-across-tsleep",
  description: "a spinlock held across tsleep",
  specId: "R9",
  dependsOn: SLEEPQ_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const S = kernel.spinlock.create(m, "S");
    const X = kernel.sleepq.ident(m, "X");
    m.spawn({ cpu: 0, name: "T1", body: (k) => sleeper(k, kernel, S, X) });
    m.spawn({ cpu: 1, name: "T2", body: (k) => contender(k, kernel, S) });
  },
});

/** What a waiter and its setter share: the spinlock, the flag it guards and the ident to sleep on. */
interface World {
  readonly kernel: Kernel;
  readonly L: Spinlock;
  readonly flag: Cell<number>;
  readonly X: Ident;
}

// The bodies are module-level generator functions: one made per execution
// would cost V8 a hidden class per execution (explorations build hundreds of
// thousands of machines).

/** R5: a contended token acquisition between tsleep_interlock and tsleep. */
function* blockingWaiter(k: KernelContext, w: World, B: Token): Gen<void> {
  const { kernel, L, flag, X } = w;
  k.critEnter();
  yield* kernel.spinlock.lock(k, L);
  if ((yield* k.load(flag)) === 0) {
    yield* kernel.sleepq.tsleepInterlock(k, X);
    yield* kernel.spinlock.unlock(k, L); // still in the outer critical section
    const b = yield* kernel.token.get(k, B); // contended: a blocking point
    yield* kernel.token.release(k, b);
    yield* kernel.sleepq.tsleep(k, X, { interlocked: true }, "flag", 0);
  } else {
    yield* kernel.spinlock.unlock(k, L);
  }
  k.critExit();
}

/** R5b: an IPI send that overfills cpu1's FIFO between tsleep_interlock and tsleep. */
function* notifyingWaiter(k: KernelContext, w: World): Gen<void> {
  const { kernel, L, flag, X } = w;
  k.critEnter();
  yield* kernel.spinlock.lock(k, L);
  if ((yield* k.load(flag)) === 0) {
    yield* kernel.sleepq.tsleepInterlock(k, X);
    yield* kernel.spinlock.unlock(k, L);
    // Notify cpu1 of many events at once; its FIFO goes over half full.
    yield* k.atomic("notify cpu1", {}, (tx) => {
      for (let i = 0; i <= IPI_FIFO_CAPACITY / 2; i++) tx.sendIpi(1, "notify", () => {});
    });
    yield* kernel.sleepq.tsleep(k, X, { interlocked: true }, "flag", 0);
  } else {
    yield* kernel.spinlock.unlock(k, L);
  }
  k.critExit();
}

/** R5b's setter: sets the flag and wakes X, then stays in its critical section (a daemon: nothing sets `go`). */
function* busySetter(k: KernelContext, w: World, go: Cell<number>): Gen<void> {
  const { kernel, L, flag, X } = w;
  k.critEnter(); // busy in a critical section: cpu1 takes no IPIs yet
  yield* setAndWake(k, kernel, L, X, flag);
  yield* k.spinUntil("go", [go], (tx) => tx.read(go) === 1);
  k.critExit();
}

/** R6: takes L with spin_trylock (no critical section) and interlocks with a count of zero. */
function* trylockWaiter(k: KernelContext, w: World): Gen<void> {
  const { kernel, L, flag, X } = w;
  while (!(yield* kernel.spinlock.trylock(k, L))) yield* k.nop("retry");
  if ((yield* k.load(flag)) === 0) {
    yield* kernel.sleepq.tsleepInterlock(k, X); // crit count 0: meaningless
    yield* kernel.spinlock.unlockQuick(k, L);
    yield* kernel.sleepq.tsleep(k, X, { interlocked: true }, "flag", 0);
  } else {
    yield* kernel.spinlock.unlockQuick(k, L);
  }
}

/** R9: sleeps holding spinlock S. */
function* sleeper(k: KernelContext, kernel: Kernel, S: Spinlock, X: Ident): Gen<void> {
  yield* kernel.spinlock.lock(k, S);
  yield* kernel.sleepq.tsleep(k, X, {}, "x", 1);
  yield* kernel.spinlock.unlock(k, S);
}

function* contender(k: KernelContext, kernel: Kernel, S: Spinlock): Gen<void> {
  yield* kernel.spinlock.lock(k, S);
  yield* kernel.spinlock.unlock(k, S);
}
