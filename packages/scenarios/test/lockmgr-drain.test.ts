/**
 * LK_DRAIN as kern_lock.c rev 1.13 has it (spec §4.3–4.4), rules that had no
 * test of their own (issue 19):
 *
 * - The drainer sleeps on `&lk_flags` with WAITDRAIN set until nothing of
 *   LK_ALL remains; the request that leaves the lock idle wakes it from
 *   lockmgr's epilogue. An interlock that drops that wakeup leaves the
 *   drainer asleep on an idle lock (the failing twin).
 * - Shared requests wait only for HAVE_EXCL, WANT_EXCL and WANT_UPGRADE, not
 *   for WAITDRAIN: they overtake a sleeping drainer.
 * - So an unbounded stream of overlapping shared holds starves the drainer
 *   for ever (here under the token interlock, as in 2005); a bounded one
 *   lets it through.
 */
import { type BuildRequest, explore } from "@kprim/explore";
import {
  type Cell,
  createMachine,
  type Gen,
  type KernelContext,
  type Machine,
  random,
  roundRobin,
  type Thread,
} from "@kprim/machine";
import {
  type Interlock,
  type InterlockKind,
  type Lock,
  lockinit,
  lockmgr,
  peekLock,
  spinInterlock,
  tokenInterlock,
} from "@kprim/lockmgr";
import { type Ident, newIdent, tsleep, tsleepInterlock, wakeup } from "@kprim/sleepq";
import { describe, expect, it } from "vitest";
import { composeKernel, interlockDeps, resolveOptions } from "../src/index.js";

const LK_HAVE_EXCL = 0x400;
const LK_WAITDRAIN = 0x800;
const LK_DRAINING = 0x4000;

const deps = interlockDeps(composeKernel(resolveOptions("TOK")));

function machine(req: BuildRequest, cpus: number): Machine {
  return createMachine({
    cpus,
    strategy: req.strategy,
    ...(req.recordFootprints !== undefined ? { recordFootprints: req.recordFootprints } : {}),
    ...(req.maxSteps !== undefined ? { maxSteps: req.maxSteps } : {}),
    ...(req.detectors ? { detectors: req.detectors } : {}),
    ...(req.trace !== undefined ? { trace: req.trace } : {}),
  });
}

/** The twin's interlock: the spin interlock with the drainer's wakeups (on `&lk_flags`) dropped. */
const dropsDrainWakeups: InterlockKind = {
  name: "drops-drain-wakeups",
  description: "BROKEN: the spin interlock, dropping wakeups of a lock's lk_flags",
  broken: true,
  create(m, name, d, opts): Interlock {
    const il = spinInterlock.create(m, name, d, opts);
    const wakeup = il.wakeup.bind(il);
    return Object.assign(il, {
      *wakeup(k: KernelContext, ident: Ident): Gen<void> {
        if (!ident.name.endsWith(".lk_flags")) yield* wakeup(k, ident);
      },
    });
  },
};

/** H holds L exclusively on cpu0 and releases it; D drains it from cpu1. */
function drainWorld(req: BuildRequest, interlock: InterlockKind): { m: Machine; L: Lock; D: Thread } {
  const m = machine(req, 2);
  const L = lockinit(m, "L", { deps, interlock, cpu: 0 });
  const held = m.cell("held", 0);
  m.spawn({ cpu: 0, name: "H", body: (k) => holdThenRelease(k, L, held) });
  const D = m.spawn({ cpu: 1, name: "D", body: (k) => drainAfterHold(k, L, held) });
  return { m, L, D };
}

const drainFactory =
  (interlock: InterlockKind) =>
  (req: BuildRequest): Machine =>
    drainWorld(req, interlock).m;

function* holdThenRelease(k: KernelContext, L: Lock, held: Cell<number>): Gen<void> {
  yield* lockmgr(k, L, "exclusive");
  yield* k.store(held, 1);
  yield* k.nop("work");
  yield* lockmgr(k, L, "release");
}

function* drainAfterHold(k: KernelContext, L: Lock, held: Cell<number>): Gen<void> {
  yield* k.spinUntil("H holds L", [held], (tx) => tx.read(held) === 1);
  const e = yield* lockmgr(k, L, "drain");
  k.assert(e === 0, `drain returned ${e}`);
}

describe("LK_DRAIN wakes the drainer", () => {
  for (const interlock of [tokenInterlock, spinInterlock]) {
    it(`the release that leaves the lock idle wakes the sleeping drainer, which then holds it drained (${interlock.name} interlock, every schedule)`, () => {
      const r = explore(drainFactory(interlock), { mode: { kind: "dpor" }, target: "failure", shrink: false });
      expect(r.kind === "found" ? r.failure : "none").toBe("none");
      expect(r.kind === "not-found" && r.exhausted).toBe(true);
      // And at the end the drainer holds the lock drained: DRAINING | HAVE_EXCL, holder D.
      for (let seed = 1; seed <= 50; seed++) {
        const { m, L, D } = drainWorld({ strategy: random({ seed }) }, interlock);
        expect(m.run().outcome).toEqual({ kind: "ok" });
        const s = peekLock(m, L);
        expect([s.flags & (LK_DRAINING | LK_HAVE_EXCL | LK_WAITDRAIN), s.holder]).toEqual([
          LK_DRAINING | LK_HAVE_EXCL,
          D.id,
        ]);
      }
    });
  }

  it("its failing twin — an interlock that drops the wakeup of lk_flags — leaves the drainer asleep on an idle lock", () => {
    const r = explore(drainFactory(dropsDrainWakeups), { mode: { kind: "dpor" }, target: "failure", shrink: false });
    expect(r.kind === "found" ? r.failure : "none").toMatch(
      /\[lost-wakeup\] D sleeps on L\.lk_flags although L is idle \(its drain can proceed\)/,
    );
  });
});

// ------------------------------------------------------------ shared requests overtake a drainer

/**
 * Readers S0 and S1 relay shared holds so that one always holds L: only the
 * reader whose turn it is releases and re-acquires, and only once the other
 * holds. D drains L once both hold. `rounds`: how many relays (Infinity: an
 * unbounded stream).
 */
function relayWorld(
  rounds: number,
  maxSteps?: number,
): { m: Machine; L: Lock; D: Thread; regrants: Cell<number>; drained: Cell<number> } {
  const m = createMachine({ cpus: 3, strategy: roundRobin(), ...(maxSteps ? { maxSteps } : {}) });
  const L = lockinit(m, "L", { deps, interlock: tokenInterlock, cpu: 0 });
  const r: Relay = {
    L,
    holds: m.cell("holds", 0), // bit i: reader i holds L
    turn: m.cell("turn", 0),
    done: m.cell("done", 0), // bit i: reader i has finished its rounds
    regrants: m.cell("regrants", 0), // shared holds granted while the drainer slept
    drained: m.cell("drained", 0), // the drainer's flags once drain returned
    changed: newIdent(m, "relay"),
    rounds,
  };
  for (const i of [0, 1]) m.spawn({ cpu: i, name: `S${i}`, daemon: rounds === Infinity, body: (k) => reader(k, r, i) });
  const D = m.spawn({ cpu: 2, name: "D", body: (k) => drainWhenBothHold(k, r) });
  return { m, L, D, regrants: r.regrants, drained: r.drained };
}

interface Relay {
  readonly L: Lock;
  readonly holds: Cell<number>;
  readonly turn: Cell<number>;
  readonly done: Cell<number>;
  readonly regrants: Cell<number>;
  readonly drained: Cell<number>;
  /** Woken after every change of `holds` or `turn`. */
  readonly changed: Ident;
  readonly rounds: number;
}

/** Sleep (a blocking point, not a busy wait) until `test` holds of the relay's cells. */
function* waitUntil(
  k: KernelContext,
  r: Relay,
  test: (holds: number, turn: number, done: number) => boolean,
): Gen<void> {
  for (;;) {
    k.critEnter();
    yield* tsleepInterlock(k, r.changed);
    const ok = yield* k.atomic("relay: look", { reads: [r.holds, r.turn, r.done] }, (tx) =>
      test(tx.read(r.holds), tx.read(r.turn), tx.read(r.done)),
    );
    if (!ok) yield* tsleep(k, r.changed, { interlocked: true }, "relay", 0);
    k.critExit();
    if (ok) return;
  }
}

function* reader(k: KernelContext, r: Relay, i: number): Gen<void> {
  const me = 1 << i;
  const other = 1 << (1 - i);
  yield* lockmgr(k, r.L, "shared");
  yield* k.or(r.holds, me);
  yield* wakeup(k, r.changed);
  for (let n = 0; n < r.rounds; n++) {
    // My turn, and the other reader holds L (or has finished): release mine and take it again at once.
    yield* waitUntil(k, r, (holds, turn, done) => turn === i && ((holds & other) !== 0 || (done & other) !== 0));
    yield* k.and(r.holds, ~me);
    yield* lockmgr(k, r.L, "release");
    yield* lockmgr(k, r.L, "shared");
    yield* k.atomic("granted", { reads: [r.L.cell], writes: [r.regrants] }, (tx) => {
      if ((tx.read(r.L.cell).flags & LK_WAITDRAIN) !== 0) tx.write(r.regrants, tx.read(r.regrants) + 1);
    });
    yield* k.or(r.holds, me);
    yield* k.store(r.turn, 1 - i);
    yield* wakeup(k, r.changed);
  }
  yield* k.or(r.done, me);
  yield* k.and(r.holds, ~me);
  yield* lockmgr(k, r.L, "release");
  yield* wakeup(k, r.changed);
}

/** Drain L once both readers hold it; note what it then held; release it (so late readers finish). */
function* drainWhenBothHold(k: KernelContext, r: Relay): Gen<void> {
  yield* waitUntil(k, r, (holds) => holds === 3);
  yield* lockmgr(k, r.L, "drain");
  yield* k.atomic("drained", { reads: [r.L.cell], writes: [r.drained] }, (tx) => {
    const s = tx.read(r.L.cell);
    tx.write(r.drained, s.holder === k.thread.id ? s.flags & (LK_DRAINING | LK_HAVE_EXCL) : -1);
  });
  yield* lockmgr(k, r.L, "release");
}

describe("shared requests and a sleeping drainer (token interlock)", () => {
  it("a shared request is granted while the drainer sleeps: it does not wait for WAITDRAIN", () => {
    const { m, regrants, drained } = relayWorld(3);
    expect(m.run().outcome).toEqual({ kind: "ok" });
    expect(m.peek(regrants)).toBeGreaterThan(0);
    // ... and once the bounded stream ends, the drainer gets the lock, drained.
    expect(m.peek(drained)).toBe(LK_DRAINING | LK_HAVE_EXCL);
  });

  it("an unbounded stream of overlapping shared holds starves the drainer: it sleeps for ever while readers come and go", () => {
    const { m, L, D, regrants } = relayWorld(Infinity, 4000);
    expect(m.run().outcome).toEqual({ kind: "step-limit", step: 4000 });
    expect(m.peek(regrants)).toBeGreaterThan(20);
    expect(D.state).toBe("blocked");
    expect(peekLock(m, L).flags & LK_WAITDRAIN).toBe(LK_WAITDRAIN);
  });
});
