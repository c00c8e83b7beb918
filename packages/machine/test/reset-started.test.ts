/**
 * Resetting a machine to the state after its start (states/reset.ts
 * `resetStarted`): threads spawned, the cpus' first threads dispatched and
 * resumed to their first ops. Run for run, a machine reset so gives what a
 * fresh machine gives — trace, counters, final cells, thread-locals — on a
 * program whose start does everything a start can: a thread whose code
 * before its first yield enters a critical section and changes a
 * thread-local, a first op that is a spin (its cells watched from the
 * start), a thread that ends before its first op (its cpu dispatches the
 * next), a thread start leaves fresh behind another, an interrupt thread;
 * with step limits that stop runs with threads mid-way or never stepped.
 * A thread body that gives another first op than at the start is caught:
 * the machine starts again rather than resume a thread that is elsewhere.
 */
import { describe, expect, it } from "vitest";
import {
  type Cell,
  createMachine,
  defineThreadLocal,
  type Machine,
  random,
  type RunResult,
  type Strategy,
} from "../src/index.js";
import { armReset, coreOf, resetRun, resetStarted, runStarted } from "../src/internal.js";

const seen = defineThreadLocal("seen", () => ({ n: 0, list: [] as number[] }));

interface Built {
  m: Machine;
  cells: Cell<unknown>[];
}

function build(strategy: Strategy, maxSteps: number, firstOps: { count: number } | null = null): Built {
  const m = createMachine({ cpus: 2, strategy, maxSteps, trace: true, check: true });
  const flag = m.cell("flag", 0);
  const c = m.cell("c", 0);
  const log = m.cell<number[]>("log", []);
  // cpu 0: a spinner that enters a critical section and changes a thread-local before its first op (a spin).
  m.spawn({
    cpu: 0,
    name: "spinner",
    *body(k) {
      k.critEnter();
      const s = k.local(seen);
      s.n++;
      s.list.push(s.n);
      // Kept in the generator's frame: a rebuilt body must find the thread-local as the first one did.
      const n = s.n;
      yield* k.spinUntil("flag", [flag], (tx) => tx.read(flag) === 1);
      k.critExit();
      const v = yield* k.load(c);
      yield* k.store(c, v + 1);
      yield* k.atomic("log", { writes: [log] }, (tx) => void tx.mutate(log).push(n, v));
    },
  });
  // cpu 0 as well: fresh at start, behind the spinner.
  m.spawn({
    cpu: 0,
    name: "after",
    *body(k) {
      const v = yield* k.load(c);
      yield* k.store(c, v + 10);
    },
  });
  // cpu 1: ends before its first op; the cpu then dispatches the setter.
  m.spawn({ cpu: 1, name: "quick", pri: 20, body: function* () {} });
  m.spawn({
    cpu: 1,
    name: "setter",
    *body(k) {
      // A body whose first op changes from one call to the next (firstOps): a broken promise, caught.
      if (firstOps !== null && firstOps.count++ % 2 === 1) yield* k.load(flag);
      const v = yield* k.load(c);
      yield* k.store(c, v + 100);
      yield* k.store(flag, 1);
      yield* k.atomic("log", { writes: [log] }, (tx) => void tx.mutate(log).push(-v));
    },
  });
  m.spawn({
    cpu: 1,
    name: "intr",
    kind: "interrupt",
    *body(k) {
      yield* k.add(c, 1000);
    },
  });
  return { m, cells: [flag, c, log] };
}

function shown(b: Built, r: RunResult): string {
  return JSON.stringify({
    r: { ...r, schedule: r.schedule.choices },
    cells: b.cells.map((c) => b.m.peek(c)),
    locals: b.m.threads.map((t) => JSON.stringify(t.local(seen))),
    threads: b.m.threads.map((t) => [t.state, t.crit, t.performed]),
  });
}

describe("resetting a machine to the state after its start", () => {
  it("runs again as a fresh machine, run for run, trace, cells and thread-locals included — runs cut short too", () => {
    for (const maxSteps of [1000, 1, 2, 4]) {
      const b = build(random({ seed: 0 }), maxSteps);
      const core = coreOf(b.m);
      const point = armReset(core);
      const outs = new Set<string>();
      for (let seed = 0; seed < 24; seed++) {
        let got: string;
        if (seed === 0) got = shown(b, b.m.run());
        else {
          resetStarted(core, point, random({ seed }));
          got = shown(b, runStarted(b.m));
        }
        const f = build(random({ seed }), maxSteps);
        expect(got).toBe(shown(f, f.m.run()));
        outs.add(got);
        // The state after start is taken at the first reset and serves every later one.
        if (seed > 1) expect(point.started).not.toBe(null);
      }
      expect(outs.size).toBeGreaterThan(1);
    }
  });

  it("after a reset to the set-up state, the next reset after start takes the start state again", () => {
    const b = build(random({ seed: 0 }), 1000);
    const core = coreOf(b.m);
    const point = armReset(core);
    b.m.run();
    for (let seed = 1; seed < 8; seed++) {
      if (seed % 3 === 0) {
        resetRun(core, point);
        b.m.setStrategy(random({ seed }));
        const got = shown(b, b.m.run());
        const f = build(random({ seed }), 1000);
        expect(got).toBe(shown(f, f.m.run()));
        continue;
      }
      resetStarted(core, point, random({ seed }));
      const got = shown(b, runStarted(b.m));
      const f = build(random({ seed }), 1000);
      expect(got).toBe(shown(f, f.m.run()));
    }
    expect(point.started).not.toBe(null);
  });

  it("a thread body that gives another first op than at the start is started again, not resumed elsewhere", () => {
    const calls = { count: 0 };
    const b = build(random({ seed: 0 }), 1000, calls);
    const core = coreOf(b.m);
    const point = armReset(core);
    b.m.run();
    resetStarted(core, point, random({ seed: 1 }));
    runStarted(b.m);
    expect(point.started).not.toBe(null);
    // The setter's body now gives its extra load first: the saved start cannot serve.
    resetStarted(core, point, random({ seed: 2 }));
    expect(point.started).toBe(null);
    expect(point.startRefused).toBe(true);
    const r = runStarted(b.m);
    expect(r.outcome.kind).toBe("ok");
    // The setter ran the body it was given: its extra load is a step of the run.
    const setter = b.m.threads.find((t) => t.name === "setter")!;
    expect(setter.performed).toBe(5);
    for (let seed = 3; seed < 6; seed++) {
      resetStarted(core, point, random({ seed }));
      expect(runStarted(b.m).outcome.kind).toBe("ok");
    }
  });
});
