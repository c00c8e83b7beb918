import { createMachine, expectOutcome, type KernelContext, random, roundRobin, timed } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { createSpinlock, spinLock, spinLockQuick, spinTrylock, spinUnlock, spinUnlockQuick } from "../src/index.js";

describe("spinlocks", () => {
  it("give mutual exclusion: 4 cpus increment a protected counter exactly, over 1,000 random schedules", () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const m = createMachine({ cpus: 4, strategy: random({ seed }) });
      const s = createSpinlock(m, "S");
      const c = m.cell("count", 0);
      for (let i = 0; i < 4; i++) {
        m.spawn({
          cpu: i,
          name: `T${i}`,
          *body(k) {
            for (let j = 0; j < 3; j++) {
              yield* spinLock(k, s);
              const v = yield* k.load(c);
              yield* k.store(c, v + 1);
              yield* spinUnlock(k, s);
            }
          },
        });
      }
      const r = m.run();
      expectOutcome(r, "ok");
      expect(m.peek(c)).toBe(12);
      expect(s.stats.acquisitions).toBe(12);
    }
  });

  it("spin_lock enters a critical section: the holder is not preempted and its cpu defers IPIs", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const s = createSpinlock(m, "S");
    const inside = m.cell("inside", 0);
    const log = m.cell<string[]>("log", [], { cpu: 0 });
    m.spawn({
      cpu: 0,
      name: "holder",
      *body(k) {
        yield* spinLock(k, s);
        yield* k.store(inside, 1);
        yield* k.nop("work");
        yield* k.atomic("mark", {}, (tx) => void tx.mutate(log).push("holder done with lock"));
        yield* spinUnlock(k, s);
      },
    });
    m.spawn({
      cpu: 0,
      name: "I",
      kind: "interrupt",
      *body(k) {
        yield* k.atomic("isr", {}, (tx) => void tx.mutate(log).push("interrupt"));
      },
    });
    m.spawn({
      cpu: 1,
      name: "sender",
      *body(k) {
        yield* k.spinUntil("inside", [inside], (tx) => tx.read(inside) === 1);
        yield* k.atomic("send", {}, (tx) => tx.sendIpi(0, "ipi", (itx) => void itx.mutate(log).push("ipi")));
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    const l = m.peek(log);
    expect(l.indexOf("holder done with lock")).toBeLessThan(l.indexOf("ipi"));
    const preempt = r.trace!.find((e) => e.kind === "preempt");
    const unlock = r.trace!.find((e) => e.kind === "op" && e.detail === "spin_unlock")!;
    if (preempt) expect(preempt.step).toBeGreaterThan(unlock.step);
  });

  it("never lets an interrupt in between lock and unlock, under any of 200 random schedules", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const m = createMachine({ cpus: 1, strategy: random({ seed }) });
      const s = createSpinlock(m, "S");
      const log = m.cell<string[]>("log", [], { cpu: 0 });
      m.spawn({
        cpu: 0,
        name: "holder",
        *body(k) {
          yield* k.nop("before");
          yield* spinLock(k, s);
          yield* k.atomic("a", {}, (tx) => void tx.mutate(log).push("locked"));
          yield* k.atomic("b", {}, (tx) => void tx.mutate(log).push("unlocking"));
          yield* spinUnlock(k, s);
        },
      });
      m.spawn({
        cpu: 0,
        name: "I",
        kind: "interrupt",
        *body(k) {
          yield* k.atomic("isr", {}, (tx) => void tx.mutate(log).push("isr"));
        },
      });
      expectOutcome(m.run(), "ok");
      const l = m.peek(log);
      expect(l.indexOf("unlocking") - l.indexOf("locked")).toBe(1);
    }
  });

  it("a contended acquire waits without taking steps and counts contention and spin cycles", () => {
    const m = createMachine({ cpus: 2, strategy: timed(), trace: true });
    const s = createSpinlock(m, "S");
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* spinLock(k, s);
        yield* k.nop("long", 5000);
        yield* spinUnlock(k, s);
      },
    });
    m.spawn({
      cpu: 1,
      name: "B",
      *body(k) {
        yield* k.nop("late", 50);
        yield* spinLock(k, s);
        yield* spinUnlock(k, s);
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(s.stats).toMatchObject({ acquisitions: 2, contended: 1 });
    expect(s.stats.spinCycles).toBeGreaterThan(4000);
    const waits = r.trace!.filter((e) => e.kind === "spin-wait" && e.obj === "spinlock S");
    expect(waits).toHaveLength(1);
  });

  it("releasing a spinlock this thread does not hold panics", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    const s = createSpinlock(m, "S");
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* spinLock(k, s);
        yield* k.nop("hold");
        yield* k.nop("hold");
        yield* spinUnlock(k, s);
      },
    });
    m.spawn({
      cpu: 1,
      name: "B",
      *body(k) {
        yield* k.nop("x");
        yield* spinUnlock(k, s);
      },
    });
    expect(m.run().outcome).toMatchObject({
      kind: "panic",
      thread: "B",
      message: "spin_unlock: B releases S, which it does not hold",
    });
  });

  it("taking a spinlock this thread already holds panics instead of spinning forever", () => {
    const m = createMachine({ cpus: 1 });
    const s = createSpinlock(m, "S");
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* spinLock(k, s);
        yield* spinLock(k, s);
      },
    });
    expect(m.run().outcome).toMatchObject({ kind: "panic", message: "spin_lock: A already holds S (recursion)" });
  });

  it("spin_trylock takes a free lock without a critical section and fails on a held one", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    const s = createSpinlock(m, "S");
    const results = m.cell<string[]>("results", [], { cpu: 1 });
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* spinLock(k, s);
        yield* k.nop("hold");
        yield* k.nop("hold");
        yield* k.nop("hold");
        yield* spinUnlock(k, s);
      },
    });
    m.spawn({
      cpu: 1,
      name: "B",
      *body(k: KernelContext) {
        const first = yield* spinTrylock(k, s);
        yield* k.atomic("r", {}, (tx) => void tx.mutate(results).push(`first ${first} crit ${k.crit}`));
        yield* k.spinUntil("free", [s.word], (tx) => tx.read(s.word) === 0);
        const second = yield* spinTrylock(k, s);
        yield* k.atomic("r", {}, (tx) => void tx.mutate(results).push(`second ${second} crit ${k.crit}`));
        if (second) {
          k.critEnter();
          yield* spinUnlock(k, s);
        }
      },
    });
    expectOutcome(m.run(), "ok");
    expect(m.peek(results)).toEqual(["first false crit 0", "second true crit 0"]);
  });

  it("spin_unlock_quick keeps the critical section that spin_lock_quick expects", () => {
    const m = createMachine({ cpus: 1 });
    const s = createSpinlock(m, "S");
    const crits = m.cell<number[]>("crits", [], { cpu: 0 });
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k: KernelContext) {
        k.critEnter();
        yield* spinLockQuick(k, s);
        yield* spinUnlockQuick(k, s);
        yield* k.atomic("c", {}, (tx) => void tx.mutate(crits).push(k.crit));
        k.critExit();
      },
    });
    expectOutcome(m.run(), "ok");
    expect(m.peek(crits)).toEqual([1]);
  });

  it("holding a spinlock across a blocking point is reported at that step", () => {
    const m = createMachine({ cpus: 1, trace: true });
    const s = createSpinlock(m, "S");
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* spinLock(k, s);
        yield* k.atomic("tsleep", {}, (tx) => tx.block("asleep on X"));
      },
    });
    const r = m.run();
    expect(r.outcome).toMatchObject({ kind: "violation", detector: "spinlock-blocking" });
    if (r.outcome.kind === "violation")
      expect(r.outcome.message).toBe("A reached a blocking point (asleep on X) holding 1 spinlock(s)");
  });

  it("a spinner whose holder never releases deadlocks, naming the spinner and the holder", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    const s = createSpinlock(m, "S");
    const never = m.cell("never", 0);
    m.spawn({
      cpu: 0,
      name: "holder",
      *body(k) {
        yield* spinLock(k, s);
        yield* k.spinUntil("never", [never], (tx) => tx.read(never) === 1);
      },
    });
    m.spawn({
      cpu: 1,
      name: "spinner",
      *body(k) {
        yield* k.nop("later");
        yield* k.nop("later");
        yield* spinLock(k, s);
      },
    });
    const r = m.run();
    expect(r.outcome).toMatchObject({
      kind: "deadlock",
      waiters: [
        { name: "holder", waitsOn: "spinning on never" },
        { name: "spinner", waitsOn: "spinning on spinlock S held by holder" },
      ],
    });
  });
});
