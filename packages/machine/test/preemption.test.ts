import { describe, expect, it } from "vitest";
import {
  createMachine,
  expectOutcome,
  type Gen,
  type KernelContext,
  PRI,
  replay,
  roundRobin,
  type Thread,
} from "../src/index.js";
import { ChoiceKind, makeChoice } from "../src/choice.js";
import { log } from "./helpers.js";

describe("interrupt threads and preemption", () => {
  /** A 1-cpu machine: T runs `body`; the interrupt thread logs; the strategy fires the interrupt at boundary `at`, else prefers T. */
  function interruptAt(at: number, body: (k: KernelContext, log: (s: string) => Gen<void>) => Gen<void>) {
    const m = createMachine({ cpus: 1, trace: true });
    const logCell = m.cell<string[]>("log", [], { cpu: 0 });
    const log = function* (k: KernelContext, s: string): Gen<void> {
      yield* k.atomic(s, {}, (tx) => void tx.mutate(logCell).push(s));
    };
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* body(k, (s) => log(k, s));
      },
    });
    const it = m.spawn({
      cpu: 0,
      name: "I",
      kind: "interrupt",
      *body(k) {
        yield* log(k, "isr");
      },
    });
    const fire = makeChoice(0, ChoiceKind.interrupt, it.id);
    m.setStrategy({
      name: "fire-at",
      choose(cs, view) {
        if (view.step === at && cs.includes(fire)) return cs.indexOf(fire);
        const step = cs.indexOf(makeChoice(0, ChoiceKind.step));
        return step >= 0 ? step : 0;
      },
    });
    return { r: m.run(), log: m.peek(logCell) };
  }

  it("an interrupt arriving inside a critical section waits, and preempts as the section ends", () => {
    const { r, log } = interruptAt(1, function* (k, log) {
      k.critEnter();
      yield* log("in crit 1");
      yield* log("in crit 2");
      k.critExit();
      yield* log("outside");
    });
    expectOutcome(r, "ok");
    // Even with a strategy that always prefers T's step, the owed preemption comes first.
    expect(log).toEqual(["in crit 1", "in crit 2", "isr", "outside"]);
  });

  it("the owed preemption happens even if the thread enters a new section in the same step", () => {
    // The interrupt arrives at the first boundary, inside the first section.
    const { r, log } = interruptAt(0, function* (k, log) {
      k.critEnter();
      yield* log("locked");
      k.critExit(); // spin_unlock ...
      k.critEnter(); // ... then tsleep's crit_enter, with no step in between
      yield* log("queued");
      k.critExit();
    });
    expectOutcome(r, "ok");
    expect(log).toEqual(["locked", "isr", "queued"]);
  });

  it("an interrupt arriving outside a critical section preempts at once", () => {
    const { r, log } = interruptAt(1, function* (_k, log) {
      yield* log("first");
      yield* log("second");
    });
    expectOutcome(r, "ok");
    expect(log).toEqual(["first", "isr", "second"]);
    expect(r.counters.total.preemptions).toBe(1);
  });

  it("the preempted thread is parked and resumes the instant the preemptor blocks", () => {
    const m = createMachine({ cpus: 1, trace: true });
    const wake = m.cell("wake", 0);
    const t = m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.nop("t1");
        yield* k.nop("t2");
      },
    });
    const i = m.spawn({
      cpu: 0,
      name: "I",
      kind: "interrupt",
      daemon: true,
      *body(k) {
        yield* k.nop("isr work");
        yield* k.atomic("isr sleeps", {}, (tx) => tx.block("asleep on next interrupt"));
      },
    });
    // T steps once, then the interrupt arrives and preempts, runs its two steps, and T resumes.
    m.setStrategy(
      replay([
        makeChoice(0, ChoiceKind.step),
        makeChoice(0, ChoiceKind.interrupt, i.id),
        makeChoice(0, ChoiceKind.step),
        makeChoice(0, ChoiceKind.step),
        makeChoice(0, ChoiceKind.step),
      ]),
    );
    void wake;
    const r = m.run();
    expectOutcome(r, "ok");
    expect(log(m, r, ["preempt", "resume", "block", "thread-exit"])).toEqual([
      "preempt:I:T",
      "block:I",
      "resume:T",
      "thread-exit:T",
    ]);
    expect(t.state).toBe("done");
    expect(r.counters.total.preemptions).toBe(1);
  });

  it("a dormant interrupt thread's interrupt cannot arrive until it is armed", () => {
    const m = createMachine({ cpus: 1, trace: true });
    const order = m.cell<string[]>("order", [], { cpu: 0 });
    const dev = m.spawn({
      cpu: 0,
      name: "dev",
      kind: "interrupt",
      armed: false,
      *body(k) {
        yield* k.atomic("isr", {}, (tx) => void tx.mutate(order).push("isr"));
      },
    });
    const seen: boolean[] = [];
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.nop("before");
        yield* k.atomic("start the device", {}, (tx) => tx.arm(dev));
        yield* k.atomic("after", {}, (tx) => void tx.mutate(order).push("after arm"));
      },
    });
    m.setStrategy({
      name: "probe",
      choose(cs) {
        const fire = cs.indexOf(makeChoice(0, ChoiceKind.interrupt, dev.id));
        seen.push(fire >= 0);
        return fire >= 0 ? fire : 0;
      },
    });
    expect(m.run().outcome).toEqual({ kind: "ok" });
    expect(seen.slice(0, 3)).toEqual([false, false, true]);
    expect(m.peek(order)).toEqual(["isr", "after arm"]);
  });

  it("an interrupt thread of lower or equal priority never preempts", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin() });
    m.spawn({
      cpu: 0,
      name: "T",
      pri: PRI.INT_HIGH,
      *body(k) {
        yield* k.nop("a");
        yield* k.nop("b");
      },
    });
    const i = m.spawn({
      cpu: 0,
      name: "I",
      kind: "interrupt",
      pri: PRI.INT_LOW,
      runnable: true,
      *body(k) {
        yield* k.nop("isr");
      },
    });
    const seen: boolean[] = [];
    m.setStrategy({
      name: "probe",
      choose(cs) {
        seen.push(cs.includes(makeChoice(0, ChoiceKind.interrupt, i.id)));
        return 0;
      },
    });
    expectOutcome(m.run(), "ok");
    expect(seen.every((x) => !x)).toBe(true);
  });

  it("an arriving interrupt on an idle cpu is dispatched", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin(), trace: true });
    const done = m.cell("done", 0);
    m.spawn({
      cpu: 0,
      name: "I",
      kind: "interrupt",
      *body(k) {
        yield* k.store(done, 1);
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(m.peek(done)).toBe(1);
  });

  it("kernel threads never preempt each other; yield rotates equal priorities", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin(), trace: true });
    const order = m.cell<string[]>("order", [], { cpu: 0 });
    for (const name of ["A", "B"]) {
      m.spawn({
        cpu: 0,
        name,
        *body(k) {
          yield* k.atomic("mark", {}, (tx) => void tx.mutate(order).push(`${name}1`));
          yield* k.yieldCpu();
          yield* k.atomic("mark", {}, (tx) => void tx.mutate(order).push(`${name}2`));
        },
      });
    }
    expectOutcome(m.run(), "ok");
    expect(m.peek(order)).toEqual(["A1", "B1", "A2", "B2"]);
  });

  it("a higher-priority runnable thread is dispatched first", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin() });
    const order = m.cell<string[]>("order", [], { cpu: 0 });
    m.spawn({
      cpu: 0,
      name: "low",
      pri: 5,
      *body(k) {
        yield* k.atomic("m", {}, (tx) => void tx.mutate(order).push("low"));
      },
    });
    m.spawn({
      cpu: 0,
      name: "high",
      pri: 20,
      *body(k) {
        yield* k.atomic("m", {}, (tx) => void tx.mutate(order).push("high"));
      },
    });
    m.run();
    expect(m.peek(order)).toEqual(["high", "low"]);
  });
});

describe("the MP lock", () => {
  it("is released while its holder sleeps and re-taken before it resumes", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const seenOwner = m.cell<number[]>("seen", [], { cpu: 1 });
    const holder: Thread = m.spawn({
      cpu: 0,
      name: "holder",
      *body(k) {
        yield* k.mpLock();
        yield* k.atomic("sleep", {}, (tx) => tx.block("asleep on x"));
        yield* k.mpUnlock();
      },
    });
    m.spawn({
      cpu: 1,
      name: "other",
      *body(k) {
        yield* k.mpLock(); // succeeds only because the sleeping holder released it
        yield* k.atomic("look", { reads: [m.mplock] }, (tx) => void tx.mutate(seenOwner).push(tx.read(m.mplock)));
        yield* k.atomic("wake holder", {}, (tx) => tx.schedule(holder));
        yield* k.mpUnlock();
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(m.peek(seenOwner)).toEqual([1]);
    const kinds = log(m, r, ["mp-acquire", "mp-release", "mp-contended"]);
    expect(kinds[0]).toBe("mp-acquire:holder:mplock");
    expect(kinds).toContain("mp-acquire:other:mplock");
    expect(m.peek(m.mplock)).toBe(-1);
  });

  it("a contended get is a blocking point: the thread waits off-cpu until the lock is free", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const gate = m.cell("gate", 0);
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* k.mpLock();
        yield* k.spinUntil("gate", [gate], (tx) => tx.read(gate) === 1);
        yield* k.mpUnlock();
      },
    });
    m.spawn({
      cpu: 1,
      name: "B",
      *body(k) {
        yield* k.nop("let A take it");
        yield* k.mpLock();
        yield* k.mpUnlock();
      },
    });
    m.spawn({
      cpu: 1,
      name: "opener",
      pri: 5,
      *body(k) {
        yield* k.store(gate, 1);
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    const l = log(m, r, ["mp-contended", "block", "switch"]);
    expect(l).toContain("mp-contended:B:mplock");
    // While B waits for the lock, cpu1 runs the opener (B is off its cpu).
    expect(l.indexOf("switch:opener")).toBeGreaterThan(l.indexOf("mp-contended:B:mplock"));
  });

  it("a deadlock on the MP lock names the waiter and the holder cpu", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    const never = m.cell("never", 0);
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* k.mpLock();
        yield* k.spinUntil("never", [never], (tx) => tx.read(never) === 1);
        yield* k.mpUnlock();
      },
    });
    m.spawn({
      cpu: 1,
      name: "B",
      *body(k) {
        yield* k.nop("x");
        yield* k.mpLock();
        yield* k.mpUnlock();
      },
    });
    const r = m.run();
    expectOutcome(r, "deadlock");
    if (r.outcome.kind !== "deadlock") return;
    expect(r.outcome.waiters.map((w) => `${w.name}: ${w.waitsOn}`)).toEqual([
      "A: spinning on never",
      "B: waiting for the MP lock held by cpu0",
    ]);
  });
});
