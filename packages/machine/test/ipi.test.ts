import { describe, expect, it } from "vitest";
import {
  type Cell,
  createMachine,
  expectOutcome,
  IPI_FIFO_CAPACITY,
  roundRobin,
  type Thread,
  type Tx,
} from "../src/index.js";

/** The handler appends a marker to a cpu-local log cell of its target. */
function marker(logCell: Cell<string[]>, text: string) {
  return (tx: Tx) => {
    tx.mutate(logCell).push(text);
  };
}

describe("IPIs", () => {
  it("an IPI to a cpu whose thread is in a critical section is taken only after the section ends", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const log = m.cell<string[]>("log0", [], { cpu: 0 });
    const sent = m.cell("sent", 0);
    m.spawn({
      cpu: 0,
      name: "inCrit",
      *body(k) {
        k.critEnter();
        yield* k.atomic("note enter", {}, (tx) => void tx.mutate(log).push("crit entered"));
        // Wait (inside the section) until cpu1 has sent its IPI.
        yield* k.spinUntil("sent", [sent], (tx) => tx.read(sent) === 1);
        yield* k.atomic("note still in", {}, (tx) => void tx.mutate(log).push("still in crit"));
        k.critExit();
        yield* k.atomic("note after", {}, (tx) => void tx.mutate(log).push("after crit"));
      },
    });
    m.spawn({
      cpu: 1,
      name: "sender",
      *body(k) {
        yield* k.atomic("send", { writes: [sent] }, (tx) => {
          tx.sendIpi(0, "mark", marker(log, "ipi ran"));
          tx.write(sent, 1);
        });
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(m.peek(log)).toEqual(["crit entered", "still in crit", "ipi ran", "after crit"]);
  });

  it("leaving the critical section owes every waiting IPI before the thread's next step", () => {
    // Under a strategy that always prefers the thread's step, the IPI still runs first.
    const m = createMachine({
      cpus: 2,
      trace: true,
      strategy: {
        name: "prefer-steps",
        choose: (cs) =>
          Math.max(
            0,
            cs.findIndex((c) => (c & 0xe0) === 0),
          ),
      },
    });
    const log = m.cell<string[]>("log0", [], { cpu: 0 });
    const sent = m.cell("sent", 0);
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        k.critEnter();
        yield* k.spinUntil("sent", [sent], (tx) => tx.read(sent) === 1);
        k.critExit();
        yield* k.atomic("next", {}, (tx) => void tx.mutate(log).push("next step"));
      },
    });
    m.spawn({
      cpu: 1,
      name: "S",
      *body(k) {
        yield* k.atomic("send", { writes: [sent] }, (tx) => {
          tx.sendIpi(0, "mark", marker(log, "ipi"));
          tx.write(sent, 1);
        });
      },
    });
    expectOutcome(m.run(), "ok");
    expect(m.peek(log)).toEqual(["ipi", "next step"]);
  });

  it("a thread that blocks inside a critical section lets its cpu take waiting IPIs", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const log = m.cell<string[]>("log0", [], { cpu: 0 });
    const sent = m.cell("sent", 0);
    const sleeper: Thread = m.spawn({
      cpu: 0,
      name: "sleeper",
      *body(k) {
        k.critEnter();
        yield* k.spinUntil("sent", [sent], (tx) => tx.read(sent) === 1);
        // Still inside the section: block. The IPI must run while we sleep.
        yield* k.atomic("sleep", {}, (tx) => {
          tx.mutate(log).push("sleeping in crit");
          tx.block("asleep on test");
        });
        yield* k.atomic("woke", {}, (tx) => void tx.mutate(log).push("woke"));
        k.critExit();
      },
    });
    m.spawn({
      cpu: 1,
      name: "sender",
      *body(k) {
        yield* k.atomic("send", { writes: [sent] }, (tx) => {
          tx.sendIpi(0, "wake sleeper", (itx) => {
            itx.mutate(log).push("ipi ran");
            itx.schedule(sleeper);
          });
          tx.write(sent, 1);
        });
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(m.peek(log)).toEqual(["sleeping in crit", "ipi ran", "woke"]);
  });

  it("the next thread's own critical section keeps deferring the IPI", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const log = m.cell<string[]>("log0", [], { cpu: 0 });
    const sent = m.cell("sent", 0);
    m.spawn({
      cpu: 0,
      name: "B",
      *body(k) {
        // B runs first and yields inside its own critical section.
        k.critEnter();
        yield* k.yieldCpu();
        yield* k.atomic("B in crit", {}, (tx) => void tx.mutate(log).push("B runs in crit"));
        k.critExit();
        yield* k.atomic("B after", {}, (tx) => void tx.mutate(log).push("B after crit"));
      },
    });
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        k.critEnter();
        yield* k.spinUntil("sent", [sent], (tx) => tx.read(sent) === 1);
        yield* k.atomic("block", {}, (tx) => tx.block("forever"));
      },
      daemon: true,
    });
    m.spawn({
      cpu: 1,
      name: "S",
      *body(k) {
        yield* k.atomic("send", { writes: [sent] }, (tx) => {
          tx.sendIpi(0, "mark", marker(log, "ipi"));
          tx.write(sent, 1);
        });
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(m.peek(log)).toEqual(["B runs in crit", "ipi", "B after crit"]);
  });

  it("an IPI to oneself runs at once, inside the sending step", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const log = m.cell<string[]>("log0", [], { cpu: 0 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        k.critEnter();
        yield* k.atomic("self", {}, (tx) => {
          tx.sendIpi(0, "self", marker(log, "handler"));
          tx.mutate(log).push("after send");
        });
        k.critExit();
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(m.peek(log)).toEqual(["handler", "after send"]);
    expect(r.counters.total.ipisSent).toBe(0);
  });

  it("FIFOs from one sender are taken in order; each sender's FIFO is its own choice", () => {
    const m = createMachine({ cpus: 3, strategy: roundRobin(), trace: true });
    const log = m.cell<string[]>("log0", [], { cpu: 0 });
    const go = m.cell("go", 0);
    m.spawn({
      cpu: 0,
      name: "target",
      *body(k) {
        k.critEnter();
        yield* k.spinUntil("both sent", [go], (tx) => tx.read(go) === 2);
        k.critExit();
        yield* k.nop("done");
      },
    });
    for (const s of [1, 2]) {
      m.spawn({
        cpu: s,
        name: `S${s}`,
        *body(k) {
          yield* k.atomic("send", { writes: [go] }, (tx) => {
            tx.sendIpi(0, `a${s}`, marker(log, `a${s}`));
            tx.sendIpi(0, `b${s}`, marker(log, `b${s}`));
            tx.write(go, tx.read(go) + 1);
          });
        },
      });
    }
    const r = m.run();
    expectOutcome(r, "ok");
    const seen = m.peek(log);
    expect(seen.indexOf("a1")).toBeLessThan(seen.indexOf("b1"));
    expect(seen.indexOf("a2")).toBeLessThan(seen.indexOf("b2"));
    expect(seen).toHaveLength(4);
  });

  it("a FIFO over half full makes the sender process its own incoming IPIs until it drains", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const log0 = m.cell<string[]>("log0", [], { cpu: 0 });
    const log1 = m.cell<string[]>("log1", [], { cpu: 1 });
    const release = m.cell("release", 0);
    const ready = m.cell("ready", 0);
    // cpu1 sits in a critical section so its FIFO from cpu0 fills up.
    m.spawn({
      cpu: 1,
      name: "busy",
      *body(k) {
        k.critEnter();
        yield* k.atomic("queue one for cpu0", { writes: [ready] }, (tx) => {
          tx.sendIpi(0, "for cpu0", marker(log0, "cpu0 took its IPI"));
          tx.write(ready, 1);
        });
        yield* k.spinUntil("release", [release], (tx) => tx.read(release) === 1);
        k.critExit();
      },
    });
    m.spawn({
      cpu: 0,
      name: "flooder",
      *body(k) {
        yield* k.spinUntil("ready", [ready], (tx) => tx.read(ready) === 1);
        k.critEnter(); // even inside a critical section the drain processes IPIs
        for (let i = 0; i <= IPI_FIFO_CAPACITY / 2; i++) {
          yield* k.atomic(`send ${i}`, {}, (tx) => tx.sendIpi(1, `m${i}`, marker(log1, `m${i}`)));
        }
        yield* k.atomic("after flood", { writes: [release] }, (tx) => {
          tx.mutate(log0).push("flood done");
          tx.write(release, 1);
        });
        k.critExit();
      },
    });
    const r = m.run();
    // The drain spins until cpu1 takes its IPIs, which needs `release`, which comes after
    // the flood: the sender processed its own IPI (an explicit processing point) and then
    // deadlocked waiting for the drain.
    expect(m.peek(log0)).toEqual(["cpu0 took its IPI"]);
    expectOutcome(r, "deadlock");
    const points = (r.trace ?? []).filter((e) => e.kind === "ipi-point");
    expect(points.length).toBeGreaterThan(0);
    expect(points[0]!.detail).toContain("over half full");
  });

  it("a no-wait send fails instead of waiting when the FIFO is half full", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    const results = m.cell<boolean[]>("results", [], { cpu: 0 });
    m.spawn({
      cpu: 1,
      name: "busy",
      *body(k) {
        k.critEnter();
        yield* k.nop("x");
        yield* k.nop("y");
        k.critExit();
      },
    });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("sends", {}, (tx) => {
          for (let i = 0; i < IPI_FIFO_CAPACITY / 2 + 2; i++)
            tx.mutate(results).push(tx.sendIpiNowait(1, "n", () => {}));
        });
      },
    });
    m.run();
    const res = m.peek(results);
    expect(res.filter((x) => x)).toHaveLength(IPI_FIFO_CAPACITY / 2);
    expect(res.slice(IPI_FIFO_CAPACITY / 2)).toEqual([false, false]);
  });

  it("handlers run at interrupt nesting level 1, and blocking there panics", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    const seen = m.cell<number[]>("levels", [], { cpu: 1 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("send", {}, (tx) =>
          tx.sendIpi(1, "bad handler", (itx) => {
            itx.mutate(seen).push(itx.inInterrupt ? 1 : 0);
            itx.block("cannot sleep here");
          }),
        );
      },
    });
    const r = m.run();
    expect(m.peek(seen)).toEqual([1]);
    expectOutcome(r, "panic");
    if (r.outcome.kind === "panic") expect(r.outcome.message).toContain("interrupt level");
  });
});
