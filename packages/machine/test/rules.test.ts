import { describe, expect, it } from "vitest";
import {
  createMachine,
  expectOutcome,
  formatChoices,
  type KernelContext,
  ModelError,
  random,
  roundRobin,
} from "../src/index.js";

describe("spinning, deadlock and the step limit", () => {
  it("a spin that never ends is a deadlock naming the spinner and the holder", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    const lock = m.cell("S", 0);
    m.spawn({
      cpu: 0,
      name: "holder",
      *body(k) {
        yield* k.store(lock, 1);
        yield* k.atomic("sleep forever", {}, (tx) => tx.block("asleep on nothing"));
      },
    });
    m.spawn({
      cpu: 1,
      name: "spinner",
      *body(k) {
        yield* k.nop("start");
        yield* k.spinUntil("S", [lock], (tx) => tx.read(lock) === 0, { describe: () => "held by holder" });
      },
    });
    const r = m.run();
    expectOutcome(r, "deadlock");
    if (r.outcome.kind !== "deadlock") return;
    expect(r.outcome.waiters.map((w) => `${w.name} ${w.waitsOn}`)).toEqual([
      "holder asleep on nothing",
      "spinner spinning on S held by holder",
    ]);
  });

  it("a spinner is disabled until a write makes its test true, then takes one step", () => {
    const m = createMachine({ cpus: 2, strategy: random({ seed: 3 }), trace: true });
    const flag = m.cell("flag", 0);
    const stepsOfSpinner: number[] = [];
    const sp = m.spawn({
      cpu: 0,
      name: "spinner",
      *body(k) {
        yield* k.spinUntil("flag", [flag], (tx) => tx.read(flag) === 3);
      },
    });
    m.spawn({
      cpu: 1,
      name: "writer",
      *body(k) {
        for (let i = 1; i <= 3; i++) yield* k.store(flag, i);
      },
    });
    const r = m.run();
    for (const e of r.trace ?? []) if (e.kind === "op" && e.thread === sp.id) stepsOfSpinner.push(e.step);
    expectOutcome(r, "ok");
    expect(stepsOfSpinner).toHaveLength(1);
    const lastWrite = Math.max(
      ...(r.trace ?? []).filter((e) => e.kind === "op" && e.obj === "flag" && e.thread !== sp.id).map((e) => e.step),
    );
    expect(stepsOfSpinner[0]).toBeGreaterThan(lastWrite);
  });

  it("a thread that loops taking steps gives step-limit", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin(), maxSteps: 500 });
    const c = m.cell("c", 0);
    m.spawn({
      cpu: 0,
      name: "looper",
      *body(k) {
        for (;;) yield* k.add(c, 1);
      },
    });
    const r = m.run();
    expect(r.outcome).toEqual({ kind: "step-limit", step: 500 });
  });

  it("a thread asleep with nobody to wake it is a deadlock listing what it sleeps on", () => {
    const m = createMachine({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("sleep", {}, (tx) => tx.block("asleep on X"));
      },
    });
    const r = m.run();
    expect(r.outcome).toMatchObject({ kind: "deadlock", waiters: [{ name: "T", waitsOn: "asleep on X" }] });
  });

  it("a daemon asleep at the end is not a deadlock", () => {
    const m = createMachine({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "d",
      daemon: true,
      *body(k) {
        yield* k.atomic("sleep", {}, (tx) => tx.block("asleep on work"));
      },
    });
    expectOutcome(m.run(), "ok");
  });
});

describe("built-in rules", () => {
  it("blocking with a spinlock count above zero is a spinlock-blocking violation at that step", () => {
    const m = createMachine({ cpus: 1, trace: true });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        k.thread.spinlocks++; // what spin_lock does
        yield* k.nop("holding");
        yield* k.yieldCpu();
        k.thread.spinlocks--;
      },
    });
    const r = m.run();
    expect(r.outcome).toMatchObject({ kind: "violation", detector: "spinlock-blocking", step: 2 });
    if (r.outcome.kind === "violation") expect(r.outcome.message).toContain("lwkt_yield");
  });

  it("a critical count below zero is a crit-count violation", () => {
    const m = createMachine({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.nop("a");
        k.critExit();
        yield* k.nop("b");
      },
    });
    const r = m.run();
    expect(r.outcome).toMatchObject({ kind: "violation", detector: "crit-count", step: 1 });
  });

  it("k.assert failures and k.panic end the run with a panic naming the thread", () => {
    const m = createMachine({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k: KernelContext) {
        yield* k.nop("a");
        k.assert(k.crit > 0, "lockmgr: locking against myself");
      },
    });
    expect(m.run().outcome).toEqual({
      kind: "panic",
      message: "lockmgr: locking against myself",
      thread: "T",
      step: 1,
    });
  });

  it("exiting while holding a spinlock or inside a critical section panics", () => {
    const m = createMachine({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        k.critEnter();
        yield* k.nop("a");
      },
    });
    expect(m.run().outcome).toMatchObject({ kind: "panic", message: "T exited inside a critical section (count 1)" });
  });

  it("a thread body that throws an ordinary error is a ModelError, not a kernel outcome", () => {
    const m = createMachine({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.nop("a");
        throw new TypeError("oops");
      },
    });
    expect(() => m.run()).toThrow(/T threw at step 1: oops/);
  });

  it("a ModelError carries the choices taken up to it, the failing step's included", () => {
    const m = createMachine({ cpus: 2 });
    for (const cpu of [0, 1]) {
      m.spawn({
        cpu,
        name: `T${cpu}`,
        *body(k) {
          yield* k.nop("a");
          if (cpu === 1) throw new TypeError("oops");
          yield* k.nop("b");
        },
      });
    }
    let err: unknown;
    try {
      m.run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect(formatChoices((err as ModelError).choices)).toBe("0s.1s");
    expect((err as ModelError).step).toBe(2);
  });

  it("yielding something that is not an op is reported clearly", () => {
    const m = createMachine({ cpus: 1, check: true });
    m.spawn({
      cpu: 0,
      name: "T",
      *body() {
        yield 42 as never;
      },
    });
    expect(() => m.run()).toThrow(/not an op \(did you mean yield\* \?\)/);
  });
});
