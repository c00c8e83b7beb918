import { createMachine, expectOutcome, formatChoices, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { explore, lockOrder, runOnce } from "../src/index.js";
import { abba, factoryOf, lock, type Program, unlock } from "../src/examples.js";

/** One thread nests two locks of one class; tokens around them are ignored. */
const nesting: Program = {
  name: "nesting",
  cpus: 1,
  setup(m) {
    const a1 = m.cell("a1", 0);
    const a2 = m.cell("a2", 0);
    const t = m.cell("tok", 0);
    m.spawn({
      cpu: 0,
      name: "N",
      *body(k) {
        yield* lock(k, t, "vm_token", "token:vm");
        yield* lock(k, a1, "buf1", "lockmgr:buf");
        yield* lock(k, a2, "buf2", "lockmgr:buf");
        yield* unlock(k, a2, "buf2");
        yield* unlock(k, a1, "buf1");
        yield* unlock(k, t, "vm_token");
      },
    });
    return [];
  },
};

/** Tokens taken in opposite orders: excluded, so no cycle. */
const tokens: Program = {
  name: "tokens",
  cpus: 2,
  setup(m) {
    const a = m.cell("a", 0);
    const b = m.cell("b", 0);
    for (const [cpu, first, second] of [
      [0, a, b],
      [1, b, a],
    ] as const) {
      m.spawn({
        cpu,
        name: `T${cpu}`,
        *body(k) {
          yield* lock(k, first, first.name, `token:${first.name}`);
          yield* lock(k, second, second.name, `token:${second.name}`);
          yield* unlock(k, second, second.name);
          yield* unlock(k, first, first.name);
        },
      });
    }
    return [];
  },
};

describe("the lock-order graph", () => {
  it("reports an A/B order reversal with both acquisition sites from a run that did not deadlock", () => {
    const g = lockOrder();
    // Always the first enabled choice: T0 (cpu 0) runs to the end, then T1.
    const first = { name: "first", choose: () => 0 };
    const r = runOnce(factoryOf(abba()), { strategy: first, maxSteps: 1000, detectors: [g.detector] }).result;
    expectOutcome(r, "ok");
    const rep = g.report();
    expect(rep.edges).toBe(2);
    expect(rep.cycles).toHaveLength(1);
    const [cycle] = rep.cycles;
    expect(cycle!.classes).toEqual(["B", "A", "B"]);
    expect(cycle!.sites.map((s) => `${s.thread}: ${s.acquired} (${s.acquiredClass}) while holding ${s.held}`)).toEqual([
      "T1: A (A) while holding B",
      "T0: B (B) while holding A",
    ]);
    // A site's choices replay the execution up to the acquisition.
    const site = cycle!.sites[0]!;
    expect(site.execution).toBe(1);
    expect(formatChoices(site.choices)).toBe(formatChoices(r.schedule.choices.slice(0, site.step)));
  });

  it("builds one graph across every explored execution, reporting each cycle once", () => {
    const r = explore(factoryOf(abba()), { mode: { kind: "dpor" }, lockOrder: true, stopOnFound: false });
    expect(r.outcomes.deadlock).toBeGreaterThan(0);
    expect(r.lockOrder?.cycles).toHaveLength(1);
    expect(r.lockOrder?.sameClass).toEqual([]);
  });

  it("reports same-class nesting separately and ignores tokens", () => {
    const g = lockOrder();
    runOnce(factoryOf(nesting), { strategy: roundRobin(), maxSteps: 1000, detectors: [g.detector] });
    const rep = g.report();
    expect(rep.cycles).toEqual([]);
    expect(rep.edges).toBe(0);
    expect(rep.sameClass.map((s) => [s.lockClass, s.site.held, s.site.acquired])).toEqual([["buf", "buf1", "buf2"]]);
    const t = explore(factoryOf(tokens), { mode: { kind: "dpor" }, lockOrder: true, stopOnFound: false });
    expect(t.lockOrder).toEqual({ edges: 0, cycles: [], sameClass: [] });
  });

  it("a try-lock adds no order edge into the lock it took", () => {
    const g = lockOrder();
    const m = createMachine({ cpus: 1, strategy: roundRobin(), detectors: [g.detector] });
    const c = m.cell("c", 0);
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.store(c, 1);
        k.event("lock.acquire", "a", "spin:A");
        k.event("lock.try-acquire", "b", "spin:B");
        yield* k.store(c, 2);
        k.event("lock.acquire", "c", "spin:C");
        k.event("lock.release", "c");
        k.event("lock.release", "b");
        k.event("lock.release", "a");
      },
    });
    m.run();
    const rep = g.report();
    expect(rep.edges).toBe(2); // A→C and B→C, not A→B
    expect(rep.cycles).toEqual([]);
  });
});
