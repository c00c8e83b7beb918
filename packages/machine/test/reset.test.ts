/**
 * Resetting a machine to its set-up state (states/reset.ts): a reset machine
 * runs again exactly as a fresh one, objects changed in place come back with
 * their keys and their key order, the caller's shared detectors are left
 * alone, and a machine that cannot be reset says why.
 */
import { describe, expect, it } from "vitest";
import {
  type Cell,
  createMachine,
  type Detector,
  type Gen,
  Histories,
  type KernelContext,
  type Machine,
  random,
} from "../src/index.js";
import { armReset, coreOf, resetBlocker, resetRun } from "../src/internal.js";

/** Rename key `from` to `to` in the table (same number of keys), then add one to the counter. */
function* rename(
  k: KernelContext,
  table: Cell<Record<string, number>>,
  n: Cell<number>,
  from: string,
  to: string,
): Gen<void> {
  yield* k.atomic("rename", { writes: [table] }, (tx) => {
    const t = tx.mutate(table);
    const v = t[from];
    if (v === undefined) return;
    delete t[from];
    t[to] = v;
  });
  const v = yield* k.load(n);
  yield* k.store(n, v + 1);
}

function build(seed: number): { m: Machine; table: Cell<Record<string, number>>; n: Cell<number> } {
  const m = createMachine({ cpus: 2, strategy: random({ seed }), trace: true });
  const table = m.cell<Record<string, number>>("table", { a: 1, b: 2 });
  const n = m.cell("n", 0);
  m.spawn({ cpu: 0, name: "T0", body: (k) => rename(k, table, n, "a", "c") });
  m.spawn({ cpu: 1, name: "T1", body: (k) => rename(k, table, n, "b", "a") });
  return { m, table, n };
}

const shown = (m: Machine, r: ReturnType<Machine["run"]>, table: Cell<Record<string, number>>): string =>
  JSON.stringify({ r: { ...r, schedule: r.schedule.choices }, table: Object.entries(m.peek(table)) });

describe("resetting a machine to its set-up state", () => {
  it("runs again as a fresh machine, run for run, trace included", () => {
    const { m, table } = build(0);
    const point = armReset(coreOf(m));
    for (let seed = 0; seed < 12; seed++) {
      if (seed > 0) {
        resetRun(coreOf(m), point);
        m.setStrategy(random({ seed }));
      }
      const got = shown(m, m.run(), table);
      const f = build(seed);
      expect(got).toBe(shown(f.m, f.m.run(), f.table));
    }
  });

  it("an object changed in place gets its keys back, in their order, when a key was swapped for another", () => {
    const { m, table } = build(0);
    const point = armReset(coreOf(m));
    const object = m.peek(table);
    m.run();
    expect(Object.keys(object)).not.toEqual(["a", "b"]);
    resetRun(coreOf(m), point);
    expect(m.peek(table)).toBe(object);
    expect(Object.entries(object)).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  it("an object with a getter of its own keeps it: its data properties come back, the getter is not written", () => {
    const m = createMachine({ cpus: 1, strategy: random({ seed: 1 }) });
    let count = 0;
    const lock = m.cell("lock", {
      holder: 0,
      get inside(): number {
        return count;
      },
    });
    m.spawn({
      cpu: 0,
      name: "T0",
      *body(k) {
        yield* k.atomic("take", { writes: [lock] }, (tx) => void (tx.mutate(lock).holder = 1));
      },
    });
    const point = armReset(coreOf(m));
    m.run();
    count = 3;
    resetRun(coreOf(m), point);
    expect(m.peek(lock).holder).toBe(0);
    expect(m.peek(lock).inside).toBe(3);
  });

  it("restores the machine's own detectors (snapshot/restore, or reset) and leaves the shared ones as they are", () => {
    let own = 0;
    let shared = 0;
    const mine: Detector = {
      name: "mine",
      onStep: () => void own++,
      snapshot: () => own,
      restore: (s) => void (own = s as number),
    };
    let forgets = 0;
    const resettable: Detector = { name: "resettable", onStep: () => void forgets++, reset: () => void (forgets = 0) };
    const theirs: Detector = { name: "theirs", onStep: () => void shared++ };
    const { m } = build(0);
    m.addDetector(mine);
    m.addDetector(resettable);
    m.addDetector(theirs);
    expect(resetBlocker(coreOf(m), [])).toBe("detector theirs has no snapshot/restore or reset");
    expect(resetBlocker(coreOf(m), [theirs])).toBe(null);
    const point = armReset(coreOf(m), [theirs]);
    const steps = m.run().steps;
    expect([own, forgets, shared]).toEqual([steps, steps, steps]);
    resetRun(coreOf(m), point);
    expect([own, forgets, shared]).toEqual([0, 0, steps]);
  });

  it("refuses a machine that has run, one that tracks states, and another machine's reset point", () => {
    const { m } = build(0);
    const point = armReset(coreOf(m));
    m.run();
    expect(() => armReset(coreOf(m))).toThrow(/already started/);
    expect(() => resetRun(coreOf(build(0).m), point)).toThrow(/another machine/);
    const tracked = build(0).m;
    tracked.trackStates(new Histories());
    expect(resetBlocker(coreOf(tracked), [])).toBe("the machine tracks states");
    expect(() => armReset(coreOf(tracked))).toThrow(/tracks states/);
  });
});
