/**
 * Typed sleep-queue events (events.ts): a detector reading `sleepEvents()`
 * learns which tsleep a wakeup or a timeout ended, which wakeup call reached
 * a sleeper across IPI hops, and the IPI's send and receive with its
 * purpose — without parsing trace strings.
 */
import { createMachine, type Detector, expectOutcome, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { newIdent, type SleepEvent, sleepEvents, tsleep, wakeup } from "../src/index.js";

/** A detector that records every typed event of a run. */
function recorder(into: SleepEvent[]): Detector {
  const reader = sleepEvents();
  return {
    name: "recorder",
    stateKey: (ren) => reader.stateKey(ren),
    onStep(step) {
      into.push(...reader.read(step));
    },
  };
}

describe("sleepEvents", () => {
  it("a wakeup on another cpu: the IPI's send and receive with its purpose, and the sleeper woken by that call, ending its tsleep", () => {
    const seen: SleepEvent[] = [];
    const m = createMachine({ cpus: 3, strategy: roundRobin() });
    m.addDetector(recorder(seen));
    const X = newIdent(m, "X");
    m.spawn({
      cpu: 2,
      name: "S",
      *body(k) {
        yield* tsleep(k, X, {}, "xwait", 0);
      },
    });
    m.spawn({
      cpu: 0,
      name: "W",
      *body(k) {
        for (let i = 0; i < 4; i++) yield* k.nop("later");
        yield* wakeup(k, X);
      },
    });
    expectOutcome(m.run(), "ok");
    const tsleepEv = seen.find((e) => e.kind === "tsleep");
    const wake = seen.find((e) => e.kind === "wakeup");
    const send = seen.find((e) => e.kind === "ipi.send");
    const receive = seen.find((e) => e.kind === "ipi.receive");
    const woken = seen.find((e) => e.kind === "woken");
    expect(tsleepEv).toMatchObject({ thread: 0, ident: "X", wmesg: "xwait", interlocked: false });
    expect(wake).toMatchObject({ thread: 1, ident: "X", one: false });
    expect(send).toMatchObject({ from: 0, to: 2, purpose: "_wakeup(X)", thread: 1 });
    expect(receive).toMatchObject({ from: 0, to: 2, purpose: "_wakeup(X)" });
    expect(receive!.kind === "ipi.receive" && send!.kind === "ipi.send" && receive!.id === send!.id).toBe(true);
    expect(woken).toEqual({
      kind: "woken",
      step: receive!.step,
      cpu: 2,
      sleeper: 0,
      ident: "X",
      sleep: { step: tsleepEv!.step, wmesg: "xwait" },
      by: { step: wake!.step, thread: 1, one: false },
    });
  });

  it("a timeout ends the tsleep it interrupted, and a later wakeup ends the second tsleep, not the first", () => {
    const seen: SleepEvent[] = [];
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    m.addDetector(recorder(seen));
    const X = newIdent(m, "X");
    m.spawn({
      cpu: 1,
      name: "S",
      *body(k) {
        yield* tsleep(k, X, {}, "first", 1);
        yield* tsleep(k, X, {}, "second", 0);
      },
    });
    m.spawn({
      cpu: 0,
      name: "W",
      *body(k) {
        for (let i = 0; i < 40; i++) yield* k.nop("later");
        yield* wakeup(k, X);
      },
    });
    expectOutcome(m.run(), "ok");
    const sleeps = seen.filter((e) => e.kind === "tsleep");
    expect(sleeps.map((e) => (e.kind === "tsleep" ? e.wmesg : ""))).toEqual(["first", "second"]);
    const timedOut = seen.filter((e) => e.kind === "timed-out");
    const woken = seen.filter((e) => e.kind === "woken");
    expect(timedOut).toMatchObject([{ sleeper: 0, ident: "X", sleep: { step: sleeps[0]!.step, wmesg: "first" } }]);
    expect(woken).toMatchObject([{ sleeper: 0, sleep: { step: sleeps[1]!.step, wmesg: "second" } }]);
  });

  it("keeps who sleeps in its state key, renamed", () => {
    const reader = sleepEvents();
    const ev = { seq: 0, step: 3, cycle: 0, cpu: 1, thread: 4, kind: "sleepq.tsleep", obj: "X", detail: "w" } as const;
    reader.read({
      index: 3,
      choice: { kind: "thread", cpu: 1 } as never,
      cpu: 1,
      thread: 4,
      events: [ev],
      reads: [],
      writes: [],
      sends: 0,
    });
    expect(reader.stateKey({ thread: (id) => id + 10, cpu: (c) => c })).toBe("14@X/w|");
  });
});
