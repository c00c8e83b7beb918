import { describe, expect, it } from "vitest";
import { createMachine, expectOutcome, FootprintError, type KernelContext, ModelError } from "../src/index.js";

describe("check mode", () => {
  it("an access outside the declared footprint throws", () => {
    const m = createMachine({ cpus: 1, check: true });
    const a = m.cell("a", 0);
    const b = m.cell("b", 0);
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("touch b", { writes: [a] }, (tx) => tx.write(b, 1));
      },
    });
    expect(() => m.run()).toThrow(/b written outside the declared footprint/);
  });

  it("a write through a cell declared only as read throws", () => {
    const m = createMachine({ cpus: 1, check: true });
    const a = m.cell("a", { n: 0 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("x", { reads: [a] }, (tx) => void (tx.mutate(a).n = 1));
      },
    });
    expect(() => m.run()).toThrow(/a written outside the declared footprint/);
  });

  it("mutating an object obtained by a read throws", () => {
    const m = createMachine({ cpus: 1, check: true });
    const a = m.cell("a", { n: 0 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("x", { writes: [a] }, (tx) => void ((tx.read(a) as { n: number }).n = 1));
      },
    });
    expect(() => m.run()).toThrow(/a\.n written through a read access/);
  });

  it("shared state kept from one step and used after it throws", () => {
    const m = createMachine({ cpus: 1, check: true });
    const a = m.cell("a", { n: 0, items: [1, 2] });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        const st = yield* k.atomic("read", { reads: [a] }, (tx) => tx.read(a));
        yield* k.nop("later");
        if (st.items.length > 1) yield* k.nop("unreachable");
      },
    });
    let err: unknown;
    try {
      m.run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).cause).toBeInstanceOf(FootprintError);
    expect(String((err as Error).message)).toMatch(/a\.items used outside the step that read it/);
  });

  it("a cpu-local cell touched from another cpu throws", () => {
    const m = createMachine({ cpus: 2, check: true });
    const local0 = m.cell("runq0", 0, { cpu: 0 });
    m.spawn({
      cpu: 1,
      name: "T",
      *body(k) {
        yield* k.atomic("x", {}, (tx) => tx.write(local0, 1));
      },
    });
    expect(() => m.run()).toThrow(/runq0 is local to cpu0 but was touched on cpu1/);
  });

  it("a kernel context used by another thread is caught", () => {
    const m = createMachine({ cpus: 1, check: true });
    let other: KernelContext | undefined;
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        other = k;
        yield* k.nop("a");
      },
    });
    m.spawn({
      cpu: 0,
      name: "B",
      *body(k) {
        yield* k.yieldCpu();
        other!.critEnter();
        yield* k.nop("b");
      },
    });
    expect(() => m.run()).toThrow(/crit_enter called for A while B is running/);
  });

  it("the same mistakes go unchecked (and fast) outside check mode", () => {
    const m = createMachine({ cpus: 1, check: false });
    const a = m.cell("a", 0);
    const b = m.cell("b", 0);
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("touch b", { writes: [a] }, (tx) => tx.write(b, 1));
      },
    });
    expectOutcome(m.run(), "ok");
    expect(m.peek(b)).toBe(1);
  });
});
