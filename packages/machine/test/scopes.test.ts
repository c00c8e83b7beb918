/**
 * Step scopes (runtime/access.ts): the record reuses one scope object per
 * nesting depth. A scope opened inside another, or right after one closes,
 * must not disturb what the other one says.
 */
import { describe, expect, it } from "vitest";
import { createMachine, expectOutcome, roundRobin } from "../src/index.js";

describe("step scopes", () => {
  it("a handler run inside a step has a scope of its own, and the step's footprint holds again after it", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), check: true });
    const log = m.cell<string[]>("log0", [], { cpu: 0 });
    const declared = m.cell("declared", 0);
    const undeclared = m.cell("undeclared", 0);
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        k.critEnter();
        yield* k.atomic("self", { writes: [declared] }, (tx) => {
          // An IPI to oneself runs at once, in a scope nested in this one, with no footprint: it may write anything.
          tx.sendIpi(0, "self", (itx) => {
            itx.mutate(log).push(`handler on ${itx.thread?.name ?? "-"}`);
            itx.write(undeclared, 1);
          });
          tx.write(declared, 1);
          tx.mutate(log).push("step writes outside its footprint");
          tx.write(undeclared, 2);
        });
        k.critExit();
      },
    });
    expect(() => m.run()).toThrow(/undeclared written outside the declared footprint/);
    expect(m.peek(log)).toEqual(["handler on T", "step writes outside its footprint"]);
    expect(m.peek(undeclared)).toBe(1);
  });

  it("a step that changes two watched cells in place wakes the spinners of both", () => {
    // Each woken spinner re-tests in a scope of its own, at the depth of the step's scope that just closed.
    const m = createMachine({ cpus: 3, strategy: roundRobin() });
    const a = m.cell<{ v: number }>("a", { v: 0 });
    const b = m.cell<{ v: number }>("b", { v: 0 });
    const done = m.cell("done", 0);
    for (const [cpu, cell] of [
      [1, a],
      [2, b],
    ] as const) {
      m.spawn({
        cpu,
        name: `S${cpu}`,
        *body(k) {
          yield* k.spinUntil(`wait ${cell.name}`, [cell], (tx) => tx.read(cell).v === 1);
          yield* k.add(done, 1);
        },
      });
    }
    m.spawn({
      cpu: 0,
      name: "W",
      *body(k) {
        // Let both spinners start waiting first.
        yield* k.nop("a");
        yield* k.nop("b");
        yield* k.atomic("set both", { writes: [a, b] }, (tx) => {
          tx.mutate(a).v = 1;
          tx.mutate(b).v = 1;
        });
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(m.peek(done)).toBe(2);
  });
});
