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
  defineExtension,
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

  it("maps and arrays changed in place (in a cell and in a layer's extension) come back as set-up left them, whatever the run did", () => {
    const reg = defineExtension("reg", () => ({
      byId: new Map<number, string>([[1, "one"]]),
      order: [1],
      values: new Map([["a", 0]]),
    }));
    const build = (seed: number) => {
      const m = createMachine({ cpus: 2, strategy: random({ seed }) });
      const map = m.cell(
        "map",
        new Map<string, number>([
          ["x", 1],
          ["y", 2],
        ]),
      );
      const list = m.cell<(number | undefined)[]>("list", [1, undefined, 3]);
      const r = m.ext(reg);
      // Each thread changes them in one of several ways, chosen by the value it reads: entries added, removed,
      // changed or put back in another order; the list grown, shrunk or changed.
      for (let t = 0; t < 2; t++) {
        m.spawn({
          cpu: t,
          name: `T${t}`,
          *body(k) {
            const v = (yield* k.load(list)).length + t;
            yield* k.atomic("change", { writes: [map, list] }, (tx) => {
              const mm = tx.mutate(map);
              const l = tx.mutate(list);
              if (v % 3 === 0) mm.set(`z${t}`, v);
              else if (v % 3 === 1) mm.delete("x");
              else {
                mm.set("x", 9).delete("y");
                mm.set("y", 2);
              }
              if (v % 2 === 0) l.push(v);
              else l.pop();
              l[0] = v;
              r.byId.set(v, "more");
              if (v % 2 === 0) r.byId.delete(1);
              r.order.push(v);
              r.values.set("a", v);
            });
          },
        });
      }
      return { m, map, list, r };
    };
    const seen = (b: ReturnType<typeof build>, res: ReturnType<Machine["run"]>) =>
      JSON.stringify({
        s: res.schedule.choices,
        map: [...b.m.peek(b.map)],
        list: b.m.peek(b.list),
        byId: [...b.r.byId],
        order: b.r.order,
        values: [...b.r.values],
      });
    const b = build(0);
    const point = armReset(coreOf(b.m));
    const runs = new Set<string>();
    for (let seed = 0; seed < 16; seed++) {
      if (seed > 0) {
        resetRun(coreOf(b.m), point);
        expect([...b.m.peek(b.map)]).toEqual([
          ["x", 1],
          ["y", 2],
        ]);
        expect(b.m.peek(b.list)).toEqual([1, undefined, 3]);
        expect(Object.keys(b.m.peek(b.list))).toEqual(["0", "1", "2"]);
        expect([...b.r.byId]).toEqual([[1, "one"]]);
        expect(b.r.order).toEqual([1]);
        expect([...b.r.values]).toEqual([["a", 0]]);
        b.m.setStrategy(random({ seed }));
      }
      const res = b.m.run();
      expect(res.outcome.kind).toBe("ok");
      const got = seen(b, res);
      const f = build(seed);
      expect(got).toBe(seen(f, f.m.run()));
      runs.add(got);
    }
    expect(runs.size).toBeGreaterThan(1);
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
