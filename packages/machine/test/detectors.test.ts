import { describe, expect, it } from "vitest";
import { createMachine, type Detector, roundRobin, structuralInvariant } from "../src/index.js";

describe("detectors", () => {
  it("observe every step and the violation lists every detector that reported at it", () => {
    const seen: number[] = [];
    const counter: Detector = {
      name: "counter",
      onStep(s) {
        seen.push(s.index);
        return undefined;
      },
    };
    const m = createMachine({ cpus: 1, strategy: roundRobin() });
    const c = m.cell("c", 0);
    const at3 = (name: string): Detector => ({
      name,
      onStep: (s, v) => (v.peek(c) === 3 ? { message: `${name} saw 3`, threads: [s.thread] } : undefined),
    });
    m.addDetector(counter);
    m.addDetector(at3("first"));
    m.addDetector(at3("second"));
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        for (let i = 0; i < 5; i++) yield* k.add(c, 1);
      },
    });
    const r = m.run();
    expect(seen).toEqual([1, 2, 3]);
    expect(r.outcome).toMatchObject({
      kind: "violation",
      detector: "first",
      step: 3,
      threads: [0],
      reports: [
        { detector: "first", message: "first saw 3" },
        { detector: "second", message: "second saw 3" },
      ],
    });
  });

  it("a report at quiescence replaces the deadlock", () => {
    const m = createMachine({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("sleep", {}, (tx) => tx.block("asleep on X"));
      },
    });
    m.addDetector({
      name: "lost-wakeup",
      atQuiescence: () => ({ message: "T sleeps on X whose condition is true", threads: [0] }),
    });
    expect(m.run().outcome).toMatchObject({ kind: "violation", detector: "lost-wakeup" });
  });

  it("a step record carries the step's shared reads and writes when footprints are recorded", () => {
    const writes: number[][] = [];
    const m = createMachine({ cpus: 1, recordFootprints: true });
    const a = m.cell("a", 0);
    const b = m.cell("b", 0);
    m.addDetector({ name: "fp", onStep: (s) => void writes.push([...s.reads, -1, ...s.writes]) });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("copy", { reads: [a], writes: [b] }, (tx) => tx.write(b, tx.read(a)));
      },
    });
    m.run();
    expect(writes[0]).toEqual([a.id, -1, b.id]);
  });

  it("a machine whose detectors all read no events makes none, and a step record still names the cpus it sent IPIs to", () => {
    const run = (eventsToo: boolean): { events: number[]; sends: number[] } => {
      const events: number[] = [];
      const sends: number[] = [];
      const m = createMachine({ cpus: 3, strategy: roundRobin() });
      m.addDetector({
        name: "sends",
        events: false,
        onStep: (s) => {
          events.push(s.events.length);
          sends.push(s.sends);
        },
      });
      if (eventsToo) m.addDetector({ name: "reads-events", onStep: () => undefined });
      m.spawn({
        cpu: 0,
        name: "T",
        *body(k) {
          yield* k.atomic("ping 1 and 2", {}, (tx) => {
            tx.sendIpi(1, "ping", () => {});
            tx.sendIpi(2, "ping", () => {});
          });
        },
      });
      m.run();
      return { events, sends };
    };
    const quiet = run(false);
    const loud = run(true);
    // The send step, then the two IPIs taken.
    expect(quiet.sends).toEqual([0b110, 0, 0]);
    expect(loud.sends).toEqual(quiet.sends);
    expect(quiet.events.every((n) => n === 0)).toBe(true);
    expect(loud.events[0]).toBeGreaterThan(0);
  });

  it("a structural invariant is checked only while its guard is free", () => {
    const m = createMachine({ cpus: 1 });
    const guard = m.cell("guard", 0);
    const x = m.cell("x", 0);
    const y = m.cell("y", 0);
    m.addDetector(
      structuralInvariant({
        name: "x-equals-y",
        guardHeld: (v) => v.peek(guard) !== 0,
        check: (v) => (v.peek(x) !== v.peek(y) ? { message: "x != y" } : undefined),
      }),
    );
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.store(guard, 1);
        yield* k.store(x, 1); // inconsistent only inside the guarded update
        yield* k.store(y, 1);
        yield* k.store(guard, 0);
        yield* k.store(x, 2); // inconsistent with the guard free: reported
      },
    });
    expect(m.run().outcome).toMatchObject({ kind: "violation", detector: "x-equals-y", step: 5 });
  });
});
