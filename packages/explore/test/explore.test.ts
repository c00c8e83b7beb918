import {
  type Cell,
  type Choice,
  createMachine,
  expectOutcome,
  formatSchedule,
  type KernelContext,
  parseSchedule,
  ReplayDivergence,
  roundRobin,
  ScheduleError,
} from "@kprim/machine";
import { describe, expect, it } from "vitest";
import {
  ExecutionError,
  explore,
  ExploreConfigError,
  type MachineFactory,
  NondeterminismError,
  replaySchedule,
} from "../src/index.js";
import { adders, factoryOf, lostUpdate, type Program } from "../src/examples.js";

/** W stores 1 to a cell on cpu 0 while R loads it on cpu 1; R reacts to what it saw. */
function writerReader(name: string, react: (k: KernelContext, saw: number) => void): Program {
  return {
    name,
    cpus: 2,
    setup(m) {
      const c = m.cell("c", 0);
      m.spawn({
        cpu: 0,
        name: "W",
        *body(k) {
          yield* k.store(c, 1);
        },
      });
      m.spawn({
        cpu: 1,
        name: "R",
        *body(k) {
          react(k, yield* k.load(c));
        },
      });
      return [c];
    },
  };
}

/** R prints a warning when it sees W's write (a race observed, not a failure). */
const observer = writerReader("observer", (k, saw) => {
  if (saw === 1) k.printf("R: saw the write early");
});

/** A thread that never stops taking steps. */
const forever: Program = {
  name: "forever",
  cpus: 1,
  setup(m) {
    m.spawn({
      cpu: 0,
      name: "L",
      *body(k) {
        for (;;) yield* k.nop("loop");
      },
    });
    return [];
  },
};

/** When R loses the race it gives up "after its restart limit" (a console-less end, not a failure). */
const giveUp = writerReader("give-up", (k, saw) => {
  if (saw === 0) k.event("restart-limit", "R", "gave up");
});

describe("explore: sampling modes", () => {
  it("random finds the lost update, shrinks it and gives a replayable schedule", () => {
    const f = factoryOf(lostUpdate(2));
    const r = explore(f, { mode: { kind: "random", seed: 1, runs: 200 }, target: "violation:lost-update" });
    expect(r.kind).toBe("found");
    if (r.kind !== "found") return;
    expect(r.failureKind).toBe("violation:lost-update");
    expect(r.executionsToFound).toBeGreaterThanOrEqual(1);
    expect(r.schedule).toMatch(/^kprim3:lost-update-2:/);
    expect(r.shrunkSteps).toBeLessThanOrEqual(r.schedule.split(":")[6]!.split(".").length + 1);
    expect(r.shrunkPreemptions).toBe(1);
    expect(r.replay).toBe(`kprim replay lost-update-2 --schedule '${r.shrunk}'`);
    const again = replaySchedule(f, r.shrunk);
    expectOutcome(again, "violation");
    expect(formatSchedule(again.schedule)).toBe(r.shrunk);
  });

  it("the same seed gives the same result; a different seed may differ but stays deterministic", () => {
    const f = factoryOf(lostUpdate(3));
    const a = explore(f, { mode: { kind: "random", seed: 5, runs: 100 } });
    const b = explore(f, { mode: { kind: "random", seed: 5, runs: 100 } });
    expect(b).toEqual(a);
  });

  it("PCT estimates the run length from a round-robin run and finds the race", () => {
    const r = explore(factoryOf(lostUpdate(2)), { mode: { kind: "pct", seed: 3, runs: 100, depth: 2 } });
    expect(r.kind).toBe("found");
    expect(r.mode).toBe("pct(seed=3, runs=100, d=2)");
  });

  it("not found after sampling is never 'exhausted'", () => {
    const r = explore(factoryOf(adders(2, 2)), { mode: { kind: "random", seed: 1, runs: 20 } });
    expect(r).toMatchObject({ kind: "not-found", executions: 20, exhausted: false, bound: null });
  });
});

describe("explore: exhaustive modes", () => {
  it("DPOR exhausts a correct program and says so", () => {
    const r = explore(factoryOf(adders(2, 2)), { mode: { kind: "dpor" } });
    expect(r).toMatchObject({ kind: "not-found", exhausted: true, bound: null, stepLimited: 0 });
    expect(r.executions).toBeGreaterThan(1);
    expect(r.outcomes.ok).toBe(r.executions);
  });

  it("DPOR finds the lost update and counts executions to it", () => {
    const r = explore(factoryOf(lostUpdate(2)), { mode: { kind: "dpor" }, target: "violation:lost-update" });
    expect(r.kind).toBe("found");
    if (r.kind === "found") expect(r.executionsToFound).toBe(r.executions);
  });

  it("stopping at maxExecutions leaves the result not exhausted", () => {
    const r = explore(factoryOf(adders(3, 2)), { mode: { kind: "dfs" }, maxExecutions: 5 });
    expect(r).toMatchObject({ kind: "not-found", executions: 5, exhausted: false });
  });

  it("an execution at the step limit makes the space not exhausted: inconclusive, found only when step limits are the target", () => {
    const quiet = explore(factoryOf(forever), { mode: { kind: "dpor" }, maxSteps: 50, target: "panic" });
    expect(quiet).toMatchObject({ kind: "not-found", exhausted: false, stepLimited: 1 });
    const byDefault = explore(factoryOf(forever), { mode: { kind: "dpor" }, maxSteps: 50 });
    expect(byDefault).toMatchObject({ kind: "not-found", exhausted: false, stepLimited: 1 });
    expect(byDefault.inconclusive).toMatchObject({ count: 1, loop: [{ thread: "L" }] });
    const loud = explore(factoryOf(forever), { mode: { kind: "dpor" }, maxSteps: 50, target: "step-limit" });
    expect(loud).toMatchObject({ kind: "found", failureKind: "step-limit", inconclusive: null });
  });

  it("console lines are observations: counted, and found only by a console: or any target", () => {
    const f = factoryOf(observer);
    const failure = explore(f, { mode: { kind: "dpor" } });
    expect(failure).toMatchObject({ kind: "not-found", exhausted: true });
    expect(failure.console).toEqual([{ text: "R: saw the write early", count: 1 }]);
    const seen = explore(f, { mode: { kind: "dpor" }, target: "console:saw the write" });
    expect(seen.kind).toBe("found");
    expect(explore(f, { mode: { kind: "dpor" }, target: "any" }).kind).toBe("found");
  });

  it("restart-limited executions are counted apart and do not clear 'exhausted'", () => {
    const r = explore(factoryOf(giveUp), { mode: { kind: "dpor" } });
    expect(r).toMatchObject({ kind: "not-found", exhausted: true, restartLimited: 1, executions: 2 });
  });

  it("random runs count restart-limited executions too (asked of the machine, with events off)", () => {
    const r = explore(factoryOf(giveUp), { mode: { kind: "random", seed: 3, runs: 40 } });
    expect(r.kind).toBe("not-found");
    expect(r.restartLimited).toBeGreaterThan(0);
    expect(r.restartLimited).toBeLessThan(40);
  });

  it("a preemption bound that cuts schedules leaves the result not exhausted, with its bound", () => {
    const r = explore(factoryOf(adders(3, 2)), { mode: { kind: "dfs", preemptionBound: 0 } });
    expect(r).toMatchObject({ kind: "not-found", exhausted: false, bound: 0 });
  });

  it("iterative deepening finds a one-preemption race at bound 1", () => {
    const r = explore(factoryOf(lostUpdate(2)), { mode: { kind: "iterative", reduction: "none", maxBound: 3 } });
    expect(r.kind).toBe("found");
    if (r.kind === "found") expect(r.shrunkPreemptions).toBe(1);
  });

  it("iterative deepening reports exhausted once a bound prunes nothing", () => {
    const r = explore(factoryOf(adders(2, 1)), { mode: { kind: "iterative", reduction: "dpor", maxBound: 5 } });
    expect(r).toMatchObject({ kind: "not-found", exhausted: true, bound: null });
  });

  it("iterative deepening that runs out of bounds is not exhausted", () => {
    const r = explore(factoryOf(adders(3, 2)), { mode: { kind: "iterative", reduction: "none", maxBound: 1 } });
    expect(r).toMatchObject({ kind: "not-found", exhausted: false, bound: 1 });
  });
});

describe("explore: the driver, replay and errors", () => {
  it("every execution starts with the recorded prefix, and only schedules below it are explored", () => {
    const f = factoryOf(lostUpdate(2));
    const first = f({ strategy: roundRobin() }).run().schedule.choices;
    const prefix = first.slice(0, 1);
    const seen = new Set<Choice>();
    explore(f, {
      mode: { kind: "dfs" },
      prefix,
      stopOnFound: false,
      detectors: [{ name: "first", onStep: (rec) => void (rec.index === 1 && seen.add(rec.choice)) }],
    });
    expect([...seen]).toEqual(prefix);
  });

  it("a prefix choice that is not enabled is a precise ReplayDivergence", () => {
    const f = factoryOf(lostUpdate(2));
    const bad = [5 as Choice]; // cpu 5 does not exist
    expect(() => explore(f, { mode: { kind: "random", seed: 1, runs: 1 }, prefix: bad })).toThrow(ReplayDivergence);
    expect(() => explore(f, { mode: { kind: "dpor" }, prefix: bad })).toThrow(
      "replay diverged at step 1: expected 5s, enabled 0s 1s",
    );
  });

  it("replay is byte for byte, and rejects another scenario's header", () => {
    const f = factoryOf(lostUpdate(2));
    const r = explore(f, { mode: { kind: "dpor" }, target: "violation:lost-update" });
    if (r.kind !== "found") throw new Error("expected found");
    const a = replaySchedule(f, r.schedule, { trace: true });
    const b = replaySchedule(f, r.schedule, { trace: true });
    expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
    expect(formatSchedule(a.schedule)).toBe(r.schedule);
    expect(() =>
      replaySchedule(f, r.schedule, { expect: { scenario: "other", variant: "", options: {}, params: {} } }),
    ).toThrow(ScheduleError);
  });

  it("a found schedule carries its target signal, so the schedule string alone judges a replay the same way", () => {
    const r = explore(factoryOf(observer), { mode: { kind: "dpor" }, target: "console:saw the write" });
    if (r.kind !== "found") throw new Error("expected found");
    expect(parseSchedule(r.shrunk).header.signal).toBe("console:saw the write");
    expect(parseSchedule(r.schedule).header.signal).toBe("console:saw the write");
    // The default target is not written.
    const plain = explore(factoryOf(lostUpdate(2)), { mode: { kind: "dpor" } });
    if (plain.kind !== "found") throw new Error("expected found");
    expect(parseSchedule(plain.shrunk).header.signal).toBeUndefined();
  });

  it("a step-limit counterexample carries its step limit and replays to the same step-limit outcome", () => {
    const f = factoryOf(forever);
    const r = explore(f, { mode: { kind: "dpor" }, maxSteps: 8, target: "step-limit" });
    if (r.kind !== "found") throw new Error("expected found");
    expect(r.failureKind).toBe("step-limit");
    expect(parseSchedule(r.shrunk).header.maxSteps).toBe(8);
    const again = replaySchedule(f, r.shrunk);
    expect(again.outcome).toEqual({ kind: "step-limit", step: 8 });
    expect(formatSchedule(again.schedule)).toBe(r.shrunk);
  });

  it("a machine built by hand has no CLI replay command; its counterexample replays through the library", () => {
    const f: MachineFactory = (req) => {
      const m = createMachine({ ...req, cpus: 2 });
      const c = m.cell("c", 0);
      for (const cpu of [0, 1]) {
        m.spawn({
          cpu,
          name: `T${cpu}`,
          *body(k) {
            const v = yield* k.load(c);
            yield* k.store(c, v + 1);
          },
        });
      }
      m.addDetector({
        name: "lost-update",
        atQuiescence: (view) => (view.peek(c) !== 2 ? { message: "an increment was lost" } : undefined),
      });
      return m;
    };
    const r = explore(f, { mode: { kind: "dpor" } });
    if (r.kind !== "found") throw new Error("expected found");
    expect(r.replay).toBeNull();
    expect(r.shrunk).toMatch(/^kprim3::::::/);
    const again = replaySchedule(f, r.shrunk);
    expectOutcome(again, "violation");
    expect(formatSchedule(again.schedule)).toBe(r.shrunk);
  });

  it("a factory that does not repeat itself is a NondeterminismError where executions are replayed; restoring, its one machine is explored", () => {
    let n = 0;
    const f: MachineFactory = (req) => {
      const m = createMachine({
        cpus: 2,
        strategy: req.strategy,
        recordFootprints: true,
        detectors: req.detectors ?? [],
      });
      const c: Cell<number> = m.cell("c", 0);
      const extra = n++ % 2 === 0;
      m.spawn({
        cpu: 0,
        name: "A",
        *body(k) {
          yield* k.store(c, 1);
          if (extra) yield* k.store(c, 2);
        },
      });
      m.spawn({
        cpu: 1,
        name: "B",
        *body(k) {
          yield* k.load(c);
        },
      });
      return m;
    };
    expect(() => explore(f, { mode: { kind: "dpor" }, restore: false })).toThrow(NondeterminismError);
    // Restoring, the factory is called once: the search explores that machine's schedules (A's two stores or one).
    n = 0;
    const r = explore(f, { mode: { kind: "dpor" } });
    expect(n).toBe(1);
    expect(r).toMatchObject({ kind: "not-found", exhausted: true });
  });

  it("a model bug is an ExecutionError carrying the choices that reach it", () => {
    const broken: Program = {
      name: "broken",
      cpus: 1,
      setup(m) {
        m.spawn({
          cpu: 0,
          name: "X",
          *body(k) {
            yield* k.nop("first");
            throw new Error("model bug");
          },
        });
        return [];
      },
    };
    const run = () => explore(factoryOf(broken), { mode: { kind: "dpor" } });
    expect(run).toThrow(ExecutionError);
    expect(run).toThrow(/model bug.*\(choices 0s\)/);
  });

  it("bad options are one-line ExploreConfigErrors", () => {
    const f = factoryOf(adders(2, 1));
    expect(() => explore(f, { mode: { kind: "random", seed: 1, runs: 0 } })).toThrow(
      "random: runs must be an integer ≥ 1, not 0",
    );
    expect(() => explore(f, { mode: { kind: "pct", seed: 1, runs: 1, depth: 0 } })).toThrow(ExploreConfigError);
    expect(() => explore(f, { mode: { kind: "dpor", preemptionBound: -1 } })).toThrow(ExploreConfigError);
    expect(() => explore(f, { mode: { kind: "dpor" }, maxSteps: 0 })).toThrow("maxSteps must be an integer ≥ 1, not 0");
    expect(() => explore(f, { mode: { kind: "dpor" }, target: "nope" })).toThrow('unknown signal "nope"');
  });
});
