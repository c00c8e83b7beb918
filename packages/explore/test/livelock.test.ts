/**
 * Busy-wait loops, livelocks and inconclusive step limits.
 *
 * - A retry-loop lock with backoff whose loop the machine can key (declared)
 *   is exhausted clean: every cycle that starves the holder is cut and its
 *   ways out explored.
 * - A state no schedule leaves is a livelock: two threads each backing off
 *   for ever, or a lock never released while another retries. It is
 *   reported as `livelock`, naming the cycle and the starved threads, and
 *   its replay handle reproduces it.
 * - An undeclared retry loop (a thread known only by its growing history)
 *   cannot be recognised: its step limit is inconclusive — not a failure,
 *   the space not exhausted, the loop's thread and ops and the hint given —
 *   unless step limits are the target.
 */
import { type Cell, type Gen, type KernelContext, type Machine } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { explore, replaySchedule } from "../src/index.js";
import { factoryOf, flipper, polite, type Program } from "../src/examples.js";

/** The contested path as a kernel programmer writes it: compare-and-swap, then pause with exponential backoff. */
function* backoffLock(k: KernelContext, word: Cell<number>, backoff: number): Gen<void> {
  for (let wait = 1; !(yield* k.cas(word, 0, k.thread.id + 1)); wait = Math.min(wait * 2, backoff)) {
    for (let i = 0; i < wait; i++) yield* k.nop("pause");
  }
}

/** The same loop declared (`k.enterLoop`): its locals must not change between tries, so one pause per try. */
function* declaredLock(k: KernelContext, word: Cell<number>): Gen<void> {
  k.enterLoop();
  while (!(yield* k.cas(word, 0, k.thread.id + 1))) yield* k.nop("pause");
  k.leaveLoop();
}

/** Two cpus increment a counter under a retry-loop lock (`backoff` 0: the declared loop). */
function counter(backoff: number): Program {
  return {
    name: backoff === 0 ? "declared-lock" : `backoff-lock-${backoff}`,
    cpus: 2,
    setup(m: Machine) {
      const word = m.cell("word", 0);
      const n = m.cell("n", 0);
      for (let c = 0; c < 2; c++) {
        m.spawn({
          cpu: c,
          name: `T${c}`,
          *body(k) {
            if (backoff === 0) yield* declaredLock(k, word);
            else yield* backoffLock(k, word, backoff);
            const v = yield* k.load(n);
            yield* k.store(n, v + 1);
            yield* k.store(word, 0);
          },
        });
      }
      return [n];
    },
  };
}

/** A holder that takes the lock and ends without releasing it, and a waiter that retries for ever (declared). */
const neverReleased: Program = {
  name: "never-released",
  cpus: 2,
  setup(m: Machine) {
    const word = m.cell("word", 0);
    m.spawn({
      cpu: 0,
      name: "H",
      *body(k) {
        yield* k.cas(word, 0, 1);
      },
    });
    m.spawn({ cpu: 1, name: "W", body: (k) => declaredLock(k, word) });
    return [word];
  },
};

/** Two threads, both flags already up, each backing off for the other for ever (declared loops). */
function* waitForOther(k: KernelContext, mine: Cell<number>, other: Cell<number>): Gen<void> {
  k.enterLoop();
  for (;;) {
    yield* k.store(mine, 1);
    if ((yield* k.load(other)) === 0) break;
    yield* k.nop("pause");
  }
  k.leaveLoop();
}
const stubborn: Program = {
  name: "stubborn",
  cpus: 2,
  setup(m: Machine) {
    const a = m.cell("a", 1);
    const b = m.cell("b", 1);
    m.spawn({ cpu: 0, name: "A", body: (k) => waitForOther(k, a, b) });
    m.spawn({ cpu: 1, name: "B", body: (k) => waitForOther(k, b, a) });
    return [a, b];
  },
};

describe("busy-wait loops, livelocks and inconclusive step limits", () => {
  for (const mode of [{ kind: "dpor" }, { kind: "dfs" }] as const) {
    it(`${mode.kind}: a declared retry loop is exhausted clean — the cycles that starve the holder are cut`, () => {
      const r = explore(factoryOf(counter(0)), { mode, maxSteps: 2_000 });
      expect(r).toMatchObject({ kind: "not-found", exhausted: true, stepLimited: 0, inconclusive: null });
      expect(r.cycles).toBeGreaterThan(0);
    });

    it(`${mode.kind}: a lock never released while another retries is a livelock naming the starved waiter, and its handle replays it`, () => {
      const f = factoryOf(neverReleased);
      const r = explore(f, { mode, maxSteps: 2_000 });
      if (r.kind !== "found") throw new Error(`expected a livelock, got ${r.kind}`);
      expect(r.failureKind).toBe("violation:livelock");
      expect(r.failure).toMatch(/no schedule ends.*W \(cas word.*starved: W/);
      const again = replaySchedule(f, r.shrunk);
      expect(again.outcome).toMatchObject({ kind: "violation", detector: "livelock" });
      expect(again.steps).toBe(r.shrunkSteps);
    });

    it(`${mode.kind}: two threads each backing off for the other for ever are a livelock naming both`, () => {
      const f = factoryOf(stubborn);
      const r = explore(f, { mode, maxSteps: 2_000, target: "livelock" });
      if (r.kind !== "found") throw new Error(`expected a livelock, got ${r.kind}`);
      expect(r.signal).toBe("violation:livelock");
      expect(r.failure).toMatch(/starved: A, B$/);
      const again = replaySchedule(f, r.shrunk);
      expect(again.outcome).toMatchObject({ kind: "violation", detector: "livelock" });
    });
  }

  it("polite threads, who can always get out of each other's way, are no livelock; a lone flipper is", () => {
    expect(explore(factoryOf(polite()), { mode: { kind: "dpor" }, maxSteps: 200 })).toMatchObject({
      kind: "not-found",
      exhausted: true,
    });
    expect(explore(factoryOf(flipper()), { mode: { kind: "dpor" }, maxSteps: 200 })).toMatchObject({
      kind: "found",
      failureKind: "violation:livelock",
    });
  });

  it("an undeclared backoff loop's step limit is inconclusive: not found, not exhausted, its loop and the hint named", () => {
    const f = factoryOf(counter(8));
    const r = explore(f, { mode: { kind: "dpor" }, maxSteps: 3_000, maxExecutions: 50 });
    expect(r).toMatchObject({ kind: "not-found", exhausted: false });
    expect(r.stepLimited).toBeGreaterThan(0);
    const i = r.inconclusive!;
    expect(i.count).toBe(r.stepLimited);
    expect(i.loop.map((l) => l.thread)).toEqual(["T1"]);
    expect(i.loop[0]!.ops).toEqual(["pause", "cas word"]);
    expect(i.starved).toEqual(["T0"]);
    expect(i.message).toMatch(/inconclusive, not a failure.*k\.enterLoop\(\)/);
    expect(replaySchedule(f, i.schedule).outcome.kind).toBe("step-limit");
    const targeted = explore(f, { mode: { kind: "dpor" }, maxSteps: 3_000, target: "step-limit", shrink: false });
    expect(targeted).toMatchObject({ kind: "found", failureKind: "step-limit", inconclusive: null });
  });

  it("livelock is a signal of exhaustive search only: sampling refuses it with one line", () => {
    expect(() =>
      explore(factoryOf(stubborn), {
        mode: { kind: "random", seed: 1, runs: 5 },
        target: "livelock",
        raises: { violations: [], panics: [], console: [] },
      }),
    ).toThrow(/livelocks are recognised by exhaustive search only/);
  });
});
