import { describe, expect, it } from "vitest";
import {
  backoffRetest,
  createMachine,
  defaultCostTable,
  expectOutcome,
  formatSchedule,
  type MachineOptions,
  parseSchedule,
  random,
  roundRobin,
  type Strategy,
  type Thread,
  timed,
} from "../src/index.js";

describe("time and cost", () => {
  it("an access to a line last written by another cpu costs a transfer", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin() });
    const x = m.cell("x", 0);
    m.spawn({
      cpu: 0,
      name: "W",
      *body(k) {
        yield* k.store(x, 1);
      },
    });
    m.spawn({
      cpu: 1,
      name: "R",
      *body(k) {
        yield* k.nop("wait");
        yield* k.load(x);
        yield* k.load(x);
      },
    });
    const r = m.run();
    expect(r.counters.perCpu[1]!.transfers).toBe(1); // the second load hits its own copy
    expect(r.counters.perCpu[0]!.transfers).toBe(0);
  });

  it("under the timed strategy an IPI is taken no earlier than send time plus latency", () => {
    const m = createMachine({ cpus: 2, strategy: timed(), trace: true });
    m.spawn({
      cpu: 0,
      name: "S",
      *body(k) {
        yield* k.atomic("send", {}, (tx) => tx.sendIpi(1, "hello", () => {}));
      },
    });
    const r = m.run();
    const send = r.trace!.find((e) => e.kind === "ipi-send")!;
    const take = r.trace!.find((e) => e.kind === "ipi-take")!;
    expect(take.cpu).toBe(1);
    expect(take.cycle).toBeGreaterThanOrEqual(send.cycle + defaultCostTable.ipiLatency);
    expect(r.counters.perCpu[1]!.idleCycles).toBeGreaterThan(0);
  });

  it("the timed strategy steps the choice with the lowest clock, ties by cpu", () => {
    const m = createMachine({ cpus: 2, strategy: timed(), trace: true });
    m.spawn({
      cpu: 0,
      name: "slow",
      *body(k) {
        yield* k.nop("big", 1000);
        yield* k.nop("after");
      },
    });
    m.spawn({
      cpu: 1,
      name: "fast",
      *body(k) {
        for (let i = 0; i < 5; i++) yield* k.nop("small", 10);
      },
    });
    const r = m.run();
    const order = r.trace!.filter((e) => e.kind === "op").map((e) => m.thread(e.thread).name);
    expect(order).toEqual(["slow", "fast", "fast", "fast", "fast", "fast", "slow"]);
  });

  it("a released spinner re-tests at the end of its backoff window and the gap counts as spin cycles", () => {
    const m = createMachine({ cpus: 2, strategy: timed(), trace: true });
    const lock = m.cell("L", 1);
    m.spawn({
      cpu: 0,
      name: "holder",
      *body(k) {
        yield* k.nop("work", 5000);
        yield* k.store(lock, 0);
      },
    });
    const sp = m.spawn({
      cpu: 1,
      name: "spinner",
      *body(k) {
        yield* k.spinUntil("L", [lock], (tx) => tx.read(lock) === 0);
      },
    });
    const r = m.run();
    const release = r.trace!.find((e) => e.kind === "op" && e.obj === "L" && e.thread !== sp.id)!;
    const done = r.trace!.find((e) => e.kind === "spin-done")!;
    expect(done.cycle).toBeGreaterThanOrEqual(release.cycle);
    const wait = r.trace!.find((e) => e.kind === "spin-wait")!;
    expect(done.cycle).toBeLessThanOrEqual(backoffRetest(wait.cycle, release.cycle, defaultCostTable) + 200);
    expect(r.counters.perCpu[1]!.spinCycles).toBeGreaterThan(4000);
  });

  it("a timeout is a choice under untimed strategies and fires at its deadline under the timed one", () => {
    const make = (strategy: Strategy, opts: Pick<MachineOptions, "dispatch" | "header"> = {}) => {
      const m = createMachine({ cpus: 1, strategy, trace: true, ...opts });
      const fired = m.cell<number[]>("fired", [], { cpu: 0 });
      const t: Thread = m.spawn({
        cpu: 0,
        name: "T",
        *body(k) {
          yield* k.atomic("sleep 3 ticks", {}, (tx) =>
            tx.block("asleep on X", {
              ticks: 3,
              label: "endtsleep",
              fire: (ftx) => {
                ftx.mutate(fired).push(ftx.now);
                ftx.schedule(t);
              },
            }),
          );
        },
      });
      return { m, r: m.run(), fired };
    };
    const rr = make(roundRobin());
    expectOutcome(rr.r, "ok");
    // The timeout makes T runnable on the idle cpu; the switch to it is a step of its own.
    expect(formatSchedule(rr.r.schedule)).toBe("kprim3::::::0s.0t0.0d");
    // The model of kprim1/kprim2 schedules: the handler's step resumes T.
    const sameStep = make(roundRobin(), { dispatch: "same-step" });
    expectOutcome(sameStep.r, "ok");
    expect(formatSchedule(sameStep.r.schedule)).toBe("kprim2::::::0s.0t0");
    // A header read from such a schedule chooses that model when no option says otherwise.
    const fromHeader = make(roundRobin(), { header: parseSchedule("kprim2::::::0s.0t0").header });
    expect(formatSchedule(fromHeader.r.schedule)).toBe("kprim2::::::0s.0t0");
    const tm = make(timed());
    expect(tm.m.peek(tm.fired)[0]).toBeGreaterThanOrEqual(3 * defaultCostTable.tick);
  });

  it("clocks never change behaviour under untimed strategies", () => {
    const run = (cost: Partial<typeof defaultCostTable>) => {
      const m = createMachine({ cpus: 2, strategy: random({ seed: 42 }), cost });
      const c = m.cell("c", 0);
      for (let i = 0; i < 4; i++)
        m.spawn({
          cpu: i % 2,
          name: `T${i}`,
          *body(k) {
            for (let j = 0; j < 5; j++) yield* k.add(c, 1);
          },
        });
      return formatSchedule(m.run().schedule);
    };
    expect(run({})).toBe(run({ transfer: 10_000, ipiLatency: 1, contextSwitch: 7 }));
  });

  it("seeded jitter spreads timed runs and is itself deterministic", () => {
    const run = (seed: number) => {
      const m = createMachine({ cpus: 2, strategy: timed(), jitter: { seed, amount: 0.3 } });
      const lock = m.cell("L", 0);
      for (let i = 0; i < 2; i++) {
        m.spawn({
          cpu: i,
          name: `T${i}`,
          *body(k) {
            for (let j = 0; j < 10; j++) {
              while ((yield* k.swap(lock, 1)) !== 0) yield* k.spinUntil("L", [lock], (tx) => tx.read(lock) === 0);
              yield* k.nop("cs", 50);
              yield* k.store(lock, 0);
            }
          },
        });
      }
      const r = m.run();
      return `${r.makespan}:${formatSchedule(r.schedule)}`;
    };
    expect(run(1)).toBe(run(1));
    const distinct = new Set([1, 2, 3, 4, 5].map(run));
    expect(distinct.size).toBeGreaterThan(1);
  });
});
