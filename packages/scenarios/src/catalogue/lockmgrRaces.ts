/**
 * lockmgr across the interlock change (spec §4.4–4.7, §7.1 R3, R4, R7).
 *
 * R3 — a waiter on one cpu, the holder on another. The waiter finds the lock
 * held, counts itself, and releases the interlock to sleep. With the naive
 * spinlock interlock the holder can release the lock and call wakeup in that
 * window; the waiter then sleeps forever on a free lock. With the token, the
 * holder cannot get the interlock until the waiter's cpu switches (after it
 * is queued); with spinlock + tsleep_interlock the wakeup's IPI is held off
 * until the waiter is queued. Nothing is lost in either.
 *
 * R4 (lockmgr form) — one cpu. The lock is held by "the kernel" for an I/O
 * (BUF_KERNPROC); its completion interrupt releases it. With the naive
 * interlock, the waiter's spin_unlock leaves the critical section and the
 * interrupt can preempt right there: release and wakeup before the waiter
 * is queued. With tsleep_interlock the critical section forbids the
 * preemption; with the token, an interrupt that needs the token its
 * preempted thread holds yields back to it.
 *
 * R7 — upgrade vs. exclusive (lockmgr-internal, any interlock): S1 and S2
 * share the lock, E waits exclusive (WANT_EXCL set, waiting for the shares
 * to go), S1 asks to upgrade (drops its share, sets WANT_UPGRADE, waits),
 * S2 releases and wakes both. If S1 re-tests first it becomes the exclusive
 * holder, and E — whose second wait does not include HAVE_EXCL in 2005 —
 * proceeds and panics "lockmgr: non-zero exclusive count". The 2008 code
 * waits for HAVE_EXCL too. Two cpus: S2 shares S1's cpu and sleeps while
 * S1 works, so the exhaustive check of the 2008 code stays small (5,064
 * executions, against more than 900,000 unfinished with S2 on a third cpu).
 */
import { type Lock, lockmgr, lockmgrKernproc } from "@kprim/lockmgr";
import { type Cell, type Gen, type KernelContext, type Thread } from "@kprim/machine";
import type { Ident } from "@kprim/sleepq";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { newLock } from "./locks.js";
import { LOCKMGR_OPTIONS } from "../dependsOn.js";

export const lockmgrLostWakeup = kernelScenario({
  name: "lockmgr-lost-wakeup",
  description: "an exclusive waiter and the releasing holder on two cpus",
  specId: "R3",
  dependsOn: LOCKMGR_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const L = newLock(m, kernel, "L", { cpu: 1 });
    const taken = m.cell("taken", 0);
    m.spawn({ cpu: 1, name: "T_h", body: (k) => holder(k, L, taken) });
    m.spawn({ cpu: 0, name: "T_w", body: (k) => waiter(k, L, taken) });
  },
});

export const lockmgrPreemptedRelease = kernelScenario({
  name: "lockmgr-preempted-release",
  description: "one cpu: an I/O-completion interrupt releases the lock a thread is about to sleep on",
  specId: "R4",
  dependsOn: LOCKMGR_OPTIONS,
  params: {},
  cpus: () => 1,
  setup({ machine: m, kernel }) {
    const L = newLock(m, kernel, "L", { cpu: 0 });
    const done = m.spawn({ cpu: 0, name: "biodone", kind: "interrupt", armed: false, body: (k) => biodone(k, L) });
    m.spawn({ cpu: 0, name: "T_w", body: (k) => ioWaiter(k, L, done) });
  },
});

export const lockmgrUpgradeVsExclusive = kernelScenario({
  name: "lockmgr-upgrade-vs-exclusive",
  description: "an upgrade and an exclusive request woken by the same release (lockmgr-internal)",
  specId: "R7",
  dependsOn: LOCKMGR_OPTIONS,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const L = newLock(m, kernel, "L", { cpu: 0 });
    const hold = kernel.sleepq.ident(m, "hold");
    // S2 and S1 share cpu0: S2 takes its share and sleeps on `hold`, so S1
    // runs; S1 wakes it just before asking to upgrade, and S2 runs (and
    // releases its share) once S1 blocks.
    m.spawn({ cpu: 0, name: "S2", body: (k) => sleepingSharer(k, kernel, L, hold) });
    m.spawn({ cpu: 0, name: "S1", body: (k) => upgrader(k, kernel, L, hold) });
    m.spawn({ cpu: 1, name: "E", body: (k) => exclusiveWaiter(k, L) });
  },
});

// The bodies are module-level generator functions: one made per execution
// would cost V8 a hidden class per execution (explorations build hundreds of
// thousands of machines).

/** R3: takes L, says so in `taken`, uses it and releases it. */
function* holder(k: KernelContext, L: Lock, taken: Cell<number>): Gen<void> {
  yield* lockmgr(k, L, "exclusive");
  yield* k.store(taken, 1);
  yield* k.nop("use the resource");
  yield* lockmgr(k, L, "release");
}

/** R3: waits for L once T_h has it. */
function* waiter(k: KernelContext, L: Lock, taken: Cell<number>): Gen<void> {
  yield* k.spinUntil("T_h took L", [taken], (tx) => tx.read(taken) === 1);
  yield* lockmgr(k, L, "exclusive");
  yield* lockmgr(k, L, "release");
}

/** R4: the I/O-completion interrupt. */
function* biodone(k: KernelContext, L: Lock): Gen<void> {
  yield* lockmgr(k, L, "release"); // held by LK_KERNTHREAD: any thread may release it
}

/** R4: hands L to an I/O (`done` completes it) and waits for it. */
function* ioWaiter(k: KernelContext, L: Lock, done: Thread): Gen<void> {
  yield* lockmgr(k, L, "exclusive");
  yield* lockmgrKernproc(k, L); // start the I/O: the hold goes to "the kernel"
  yield* k.atomic("start I/O", {}, (tx) => tx.arm(done));
  yield* lockmgr(k, L, "exclusive"); // wait for the I/O to complete
  yield* lockmgr(k, L, "release");
}

/** LK_WANT_EXCL, in the lock word's flags. */
const WANT_EXCL = 0x200;

/** R7: shares L and sleeps on `hold` until S1 wakes it. */
function* sleepingSharer(k: KernelContext, kernel: Kernel, L: Lock, hold: Ident): Gen<void> {
  yield* lockmgr(k, L, "shared");
  yield* kernel.sleepq.tsleep(k, hold, { interlocked: false }, "hold", 0);
  yield* lockmgr(k, L, "release");
}

/** R7: shares L and asks to upgrade once E waits. */
function* upgrader(k: KernelContext, kernel: Kernel, L: Lock, hold: Ident): Gen<void> {
  yield* lockmgr(k, L, "shared");
  // Upgrade once E waits for the shares to go.
  yield* k.spinUntil("E waiting", [L.cell], (tx) => {
    const s = tx.read(L.cell);
    return s.waitcount === 1 && (s.flags & WANT_EXCL) !== 0;
  });
  yield* kernel.sleepq.wakeup(k, hold);
  const e = yield* lockmgr(k, L, "upgrade");
  if (e === 0) yield* lockmgr(k, L, "release");
}

/** R7: asks for L exclusive once S1 and S2 both share it. */
function* exclusiveWaiter(k: KernelContext, L: Lock): Gen<void> {
  yield* k.spinUntil("both share", [L.cell], (tx) => tx.read(L.cell).sharecount === 2);
  yield* lockmgr(k, L, "exclusive");
  yield* lockmgr(k, L, "release");
}
