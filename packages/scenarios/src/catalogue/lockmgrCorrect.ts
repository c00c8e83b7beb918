/**
 * Correct-by-design lockmgr behaviour that must not be reported
 * (spec §7.2 G2, G10, G11).
 *
 * G2 — barging: a release wakes the sleeper, but a NOWAIT caller may get the
 * lock before the woken waiter runs; the waiter re-tests and sleeps again,
 * and the next release wakes it. Not a lost wakeup. The NOWAIT caller runs
 * on the releaser's cpu, after it (two cpus keep the exhaustive check small).
 *
 * G10 — with the token interlock, a waiter sleeps "holding" the interlock
 * token; the token is granted to the other cpu while it is switched out, and
 * the holder there uses the lock meanwhile. Not a token-exclusion violation:
 * the sleeper is at a blocking point.
 *
 * G11 — LK_RELEASE of a lock nobody holds: silently ignored by the 2005
 * code; the 2008 code panics.
 */
import { type Lock, lockmgr } from "@kprim/lockmgr";
import { type Cell, type Gen, type KernelContext } from "@kprim/machine";
import { kernelScenario } from "../define.js";
import { newLock } from "./locks.js";
import { LOCKMGR_OPTIONS } from "../dependsOn.js";

export const lockmgrBarging = kernelScenario({
  name: "lockmgr-barging",
  description: "a NOWAIT caller takes the lock between a release and the woken waiter's re-test",
  specId: "G2",
  dependsOn: LOCKMGR_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const L = newLock(m, kernel, "L", { cpu: 0 });
    const taken = m.cell("taken", 0);
    m.spawn({ cpu: 0, name: "H", body: (k) => bargingHolder(k, L, taken) });
    // N shares H's cpu: it runs once H has released (or blocked on the way).
    m.spawn({ cpu: 0, name: "N", body: (k) => barger(k, L) });
    m.spawn({ cpu: 1, name: "W", body: (k) => bargingWaiter(k, L, taken) });
  },
});

export const lockmgrTokenHeldThroughSleep = kernelScenario({
  name: "lockmgr-token-held-through-sleep",
  description: "a waiter sleeps holding the interlock token while the other cpu uses the lock",
  specId: "G10",
  dependsOn: LOCKMGR_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const L = newLock(m, kernel, "L", { cpu: 0 });
    const taken = m.cell("taken", 0);
    m.spawn({ cpu: 1, name: "H", body: (k) => holder(k, L, taken) });
    m.spawn({ cpu: 0, name: "W", body: (k) => sleepingWaiter(k, L, taken) });
  },
});

export const lockmgrReleaseUnheld = kernelScenario({
  name: "lockmgr-release-unheld",
  description: "LK_RELEASE of a lock nobody holds (ignored in 2005, a panic in 2008)",
  specId: "G11",
  dependsOn: LOCKMGR_OPTIONS,
  params: {},
  cpus: () => 1,
  setup({ machine: m, kernel }) {
    const L = newLock(m, kernel, "L", { cpu: 0 });
    m.spawn({ cpu: 0, name: "T", body: (k) => releaser(k, L) });
  },
});

// The bodies are module-level generator functions: one made per execution
// would cost V8 a hidden class per execution (explorations build hundreds of
// thousands of machines).

/** G2: takes L, says so in `taken`, and releases it once W waits. */
function* bargingHolder(k: KernelContext, L: Lock, taken: Cell<number>): Gen<void> {
  yield* lockmgr(k, L, "exclusive");
  yield* k.store(taken, 1);
  yield* k.spinUntil("W waits", [L.cell], (tx) => tx.read(L.cell).waitcount === 1);
  yield* lockmgr(k, L, "release");
}

/** G2: the NOWAIT caller. */
function* barger(k: KernelContext, L: Lock): Gen<void> {
  if ((yield* lockmgr(k, L, "exclusive", { nowait: true })) === 0) {
    yield* k.nop("use it");
    yield* lockmgr(k, L, "release");
  }
}

/** G2: waits for L once H has it. */
function* bargingWaiter(k: KernelContext, L: Lock, taken: Cell<number>): Gen<void> {
  yield* k.spinUntil("H took L", [taken], (tx) => tx.read(taken) === 1);
  yield* lockmgr(k, L, "exclusive");
  yield* lockmgr(k, L, "release");
}

/** G10: takes L, says so in `taken`, and releases it once W sleeps. */
function* holder(k: KernelContext, L: Lock, taken: Cell<number>): Gen<void> {
  yield* lockmgr(k, L, "exclusive");
  yield* k.store(taken, 1);
  yield* k.spinUntil("W asleep", [L.cell], (tx) => tx.read(L.cell).waitcount === 1);
  yield* lockmgr(k, L, "release");
}

/** G10: waits for L once H has it, then uses it. */
function* sleepingWaiter(k: KernelContext, L: Lock, taken: Cell<number>): Gen<void> {
  yield* k.spinUntil("H took L", [taken], (tx) => tx.read(taken) === 1);
  yield* lockmgr(k, L, "exclusive");
  yield* k.nop("use it");
  yield* lockmgr(k, L, "release");
}

/** G11: releases a lock nobody holds. */
function* releaser(k: KernelContext, L: Lock): Gen<void> {
  yield* lockmgr(k, L, "release");
}
