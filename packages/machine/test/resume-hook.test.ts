/**
 * SchedulerHooks.onResume: called just before the machine runs a thread's own
 * code, so a watchdog outside a synchronous run can name a thread whose body
 * never yields.
 */
import { describe, expect, it } from "vitest";
import { createMachine, expectOutcome, roundRobin } from "../src/index.js";

describe("onResume", () => {
  it("names each thread before its body runs, once per step it takes, and once more for its end", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    const c = m.cell("c", 0);
    const resumed: string[] = [];
    m.addHooks({ name: "watch", onResume: (t) => void resumed.push(`${t.name}@cpu${t.cpu}`) });
    for (const [cpu, name, steps] of [
      [0, "A", 2],
      [1, "B", 1],
    ] as const) {
      m.spawn({
        cpu,
        name,
        *body(k) {
          for (let i = 0; i < steps; i++) yield* k.add(c, 1);
        },
      });
    }
    const r = m.run();
    expectOutcome(r, "ok");
    // A: start + 2 resumes after its steps; B: start + 1 resume after its step.
    expect(resumed.filter((x) => x === "A@cpu0")).toHaveLength(3);
    expect(resumed.filter((x) => x === "B@cpu1")).toHaveLength(2);
    expect(resumed).toHaveLength(5);
  });

  it("is called before a body that never yields starts looping (the last name is the culprit)", () => {
    const m = createMachine({ cpus: 1 });
    let last = "";
    m.addHooks({
      name: "watch",
      onResume: (t) => {
        last = t.name;
        if (t.name === "stuck") throw new Error("stop here");
      },
    });
    m.spawn({
      cpu: 0,
      name: "ok",
      *body(k) {
        yield* k.nop("work");
      },
    });
    m.spawn({
      cpu: 0,
      name: "stuck",
      *body() {
        for (;;);
      },
    });
    expect(() => m.run()).toThrow("stop here");
    expect(last).toBe("stuck");
  });
});
