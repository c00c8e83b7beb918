/**
 * Stateful search: naive DFS that stores every state's fingerprint and cuts
 * an execution at a state explored before. It must reach exactly the final
 * states and failures naive DFS reaches (console lines aside: a path that
 * merges is not followed to its end), while exploring fewer executions.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { Cell, Gen, KernelContext } from "@kprim/machine";
import { search } from "../src/exhaustive/search.js";
import { explore, type MachineFactory } from "../src/index.js";
import { factoryOf, lastzero, lostUpdate, type Program } from "../src/examples.js";
import { finalState } from "./fixtures/finals.js";
import { buildProgram, programArb } from "./fixtures/generated.js";

const CAP = 3_000;
const RUNS = Number(process.env["KPRIM_FUZZ_RUNS"] ?? 60);
const SEED = Number(process.env["KPRIM_FUZZ_SEED"] ?? 11);

function finals(f: MachineFactory, stateful: boolean, cap = CAP, symmetry = false, sleepSets?: boolean) {
  const states = new Set<string>();
  const opts = { reduction: "none", maxSteps: 200, maxExecutions: cap, stateful, symmetry, sleepSets } as const;
  const stats = search(f, opts, (t) => {
    // Without console lines: a path that merges is not followed to its end.
    states.add(finalState(t.machine, t.result, { console: false }));
    return false;
  });
  return { states, stats };
}

describe("stateful search", () => {
  test.prop([programArb(), fc.boolean()], { numRuns: RUNS, seed: SEED })(
    "generated programs: the same final states and failures as naive DFS, in no more executions (with and without sleep sets)",
    (spec, sleepSets) => {
      const p = buildProgram(spec);
      const naive = finals(factoryOf(p), false);
      fc.pre(naive.stats.finished && naive.stats.stepLimited === 0);
      const stateful = finals(factoryOf(p), true, CAP, false, sleepSets);
      expect(stateful.stats.exhausted).toBe(true);
      expect([...stateful.states].sort()).toEqual([...naive.states].sort());
      expect(stateful.stats.executions + stateful.stats.merged).toBeLessThanOrEqual(naive.stats.executions);
    },
    Math.max(120_000, RUNS * 1_000),
  );

  it("sleep sets are on by default; sleepSets: false turns them off", () => {
    const p = factoryOf(lastzero(3));
    const byDefault = finals(p, true, CAP);
    const on = finals(p, true, CAP, false, true);
    const off = finals(p, true, CAP, false, false);
    expect(byDefault.stats).toEqual(on.stats);
    expect(off.stats.states).toBe(on.stats.states);
    expect(off.stats.merged).toBeGreaterThan(on.stats.merged);
  });

  /** Every complete execution (outcome, final state, choices) and the counts, restoring states or replaying them. */
  function executions(f: MachineFactory, restore: boolean, symmetry = false) {
    const out: string[] = [];
    const stats = search(
      f,
      { reduction: "none", maxSteps: 200, maxExecutions: CAP, stateful: true, symmetry, restore },
      (t) => {
        out.push(`${finalState(t.machine, t.result)} | ${t.result.schedule.choices.join(",")}`);
        return false;
      },
    );
    return { out, stats };
  }

  test.prop([programArb(), fc.boolean()], { numRuns: RUNS, seed: SEED })(
    "generated programs: restoring the state at each branch point gives the executions replaying from the start gives",
    (spec, symmetry) => {
      const p = buildProgram(spec);
      const replayed = executions(factoryOf(p), false, symmetry);
      const restored = executions(factoryOf(p), true, symmetry);
      expect(restored.out).toEqual(replayed.out);
      expect(restored.stats).toEqual(replayed.stats);
    },
    Math.max(120_000, RUNS * 1_000),
  );

  /** Final states, the count of states and of executions (complete, merged, blocked), with or without sleep sets. */
  function slept(f: MachineFactory, sleepSets: boolean, cap = CAP) {
    const states = new Set<string>();
    const stats = search(
      f,
      { reduction: "none", maxSteps: 200, maxExecutions: cap, stateful: true, sleepSets },
      (t) => {
        states.add(finalState(t.machine, t.result, { console: false }));
        return false;
      },
    );
    return { states, stats, runs: stats.executions + stats.merged + stats.blocked };
  }

  test.prop([programArb()], { numRuns: RUNS, seed: SEED })(
    "generated programs: sleep sets kept with the stored states visit the same states and final states, in no more executions",
    (spec) => {
      const p = buildProgram(spec);
      const without = slept(factoryOf(p), false);
      fc.pre(without.stats.finished && without.stats.stepLimited === 0);
      const withSleep = slept(factoryOf(p), true);
      expect(withSleep.stats.exhausted).toBe(true);
      expect([...withSleep.states].sort()).toEqual([...without.states].sort());
      expect(withSleep.stats.states).toBe(without.stats.states);
      expect(withSleep.runs).toBeLessThanOrEqual(without.runs);
    },
    Math.max(120_000, RUNS * 1_000),
  );

  it("sleep sets: lastzero-4 and the three-thread lock visit the same states from fewer executions", () => {
    for (const p of [lastzero(4), tasLock(true, { settle: true })]) {
      const without = slept(factoryOf(p), false, 200_000);
      const withSleep = slept(factoryOf(p), true, 200_000);
      expect([without.stats.exhausted, withSleep.stats.exhausted]).toEqual([true, true]);
      expect([...withSleep.states].sort()).toEqual([...without.states].sort());
      expect(withSleep.stats.states).toBe(without.stats.states);
      expect(withSleep.runs).toBeLessThan(without.runs);
    }
  });

  it("lastzero-3 (no sleep sets): the same final states as naive DFS from far fewer executions, merging the rest", () => {
    const naive = finals(factoryOf(lastzero(3)), false, 10_000);
    const stateful = finals(factoryOf(lastzero(3)), true, CAP, false, false);
    expect(naive.stats.exhausted).toBe(true);
    expect(stateful.stats.exhausted).toBe(true);
    expect([...stateful.states].sort()).toEqual([...naive.states].sort());
    expect(stateful.stats.merged).toBeGreaterThan(0);
    expect(stateful.stats.executions + stateful.stats.merged).toBeLessThan(naive.stats.executions / 5);
  });

  /**
   * Three threads take a lock (compare-and-swap; on failure spin until it is
   * free and try again), bump a counter, release. `call` wraps the take in
   * `k.call`; `symmetric` declares the three interchangeable; `locked: false`
   * leaves the lock out (a lost update).
   */
  function tasLock(call: boolean, opts: { symmetric?: boolean; locked?: boolean; settle?: boolean } = {}): Program {
    function* take(k: KernelContext, l: Cell<number>): Gen<void> {
      for (;;) {
        if (opts.settle === true) k.settle("try");
        if (yield* k.cas(l, 0, 1)) return;
        yield* k.spinUntil("l", [l], (tx) => tx.read(l) === 0);
      }
    }
    return {
      name: `tas-${call}`,
      cpus: 3,
      setup(m) {
        const l = m.cell("l", 0);
        const n = m.cell("n", 0);
        const locked = opts.locked ?? true;
        const threads = [0, 1, 2].map((i) =>
          m.spawn({
            cpu: i,
            name: `T${i}`,
            *body(k) {
              if (locked) yield* call ? k.call(take(k, l)) : take(k, l);
              yield* k.store(n, (yield* k.load(n)) + 1);
              if (locked) yield* k.store(l, 0);
            },
          }),
        );
        if (opts.symmetric === true) m.symmetric(threads);
        m.addDetector({
          name: "lost-update",
          atQuiescence: (v) => (v.peek(n) === 3 ? undefined : { message: `n is ${v.peek(n)}` }),
          stateKey: () => "",
        });
        return [l, n];
      },
    };
  }

  it("k.call: a lock taken after failed tries leaves the same thread as one taken at once", () => {
    const plain = finals(factoryOf(tasLock(false)), true, 20_000);
    const called = finals(factoryOf(tasLock(true)), true, 20_000);
    expect(plain.stats.exhausted).toBe(true);
    expect(called.stats.exhausted).toBe(true);
    expect([...called.states].sort()).toEqual([...plain.states].sort());
    expect(called.stats.states).toBeLessThan(plain.stats.states);
  });

  it("k.settle: a spinner between tries is the same thread however many tries failed", () => {
    const called = finals(factoryOf(tasLock(true)), true, 20_000);
    const settled = finals(factoryOf(tasLock(true, { settle: true })), true, 20_000);
    expect(settled.stats.exhausted).toBe(true);
    expect([...settled.states].sort()).toEqual([...called.states].sort());
    expect(settled.stats.states).toBeLessThan(called.stats.states);
  });

  it("symmetry: interchangeable threads give the same final states as naive DFS from fewer states", () => {
    const naive = finals(factoryOf(tasLock(true, { symmetric: true })), false, 200_000);
    const plain = finals(factoryOf(tasLock(true, { symmetric: true })), true, 200_000);
    const sym = finals(factoryOf(tasLock(true, { symmetric: true })), true, 200_000, true);
    expect([naive.stats.exhausted, plain.stats.exhausted, sym.stats.exhausted]).toEqual([true, true, true]);
    expect([...plain.states].sort()).toEqual([...naive.states].sort());
    // The final states here name no thread, so the mirror images have the same ones.
    expect([...sym.states].sort()).toEqual([...naive.states].sort());
    expect(sym.stats.states).toBeLessThan(plain.stats.states / 2);
  });

  it("symmetry: the lost update without the lock is still found, and declared symmetry is checked", () => {
    const r = explore(factoryOf(tasLock(true, { symmetric: true, locked: false })), {
      mode: { kind: "dfs", stateful: true, symmetry: true },
      target: "failure",
    });
    expect(r.kind === "found" ? r.failureKind : r.kind).toBe("violation:lost-update");
    expect(r.mode).toBe("dfs(stateful, symmetry)");
    const sharing: Program = {
      name: "sharing",
      cpus: 2,
      setup(m) {
        const a = m.spawn({ cpu: 0, name: "A", *body() {} });
        const b = m.spawn({ cpu: 0, name: "B", *body() {} });
        m.symmetric([a, b]);
        return [];
      },
    };
    expect(() => finals(factoryOf(sharing), true)).toThrow(/symmetric: each thread must have a cpu of its own/);
    expect(() =>
      explore(factoryOf(lostUpdate(2)), { mode: { kind: "dfs", symmetry: true }, target: "failure" }),
    ).toThrow(/symmetry applies to stateful search/);
  });

  it("finds the lost update, and says how many states it explored", () => {
    const r = explore(factoryOf(lostUpdate(2)), { mode: { kind: "dfs", stateful: true }, target: "failure" });
    expect(r.kind).toBe("found");
    if (r.kind === "found") expect(r.failureKind).toBe("violation:lost-update");
    expect(r.states).toBeGreaterThan(0);
    expect(r.mode).toBe("dfs(stateful)");
  });

  it("reports the states stored every 1,024, and stops between executions when asked then", () => {
    const seen: number[] = [];
    const full = explore(factoryOf(lastzero(5)), {
      mode: { kind: "dfs", stateful: true },
      target: "failure",
      onStates: (n) => seen.push(n),
    });
    expect(full.kind === "not-found" && full.exhausted).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBe(Math.floor(full.states / 1024));
    for (let i = 1; i < seen.length; i++) expect(seen[i]! - seen[i - 1]!).toBeGreaterThanOrEqual(1024);
    // Asked to stop at the first report: it stops there, not at the next complete execution.
    let reports = 0;
    const stopped = explore(factoryOf(lastzero(5)), {
      mode: { kind: "dfs", stateful: true },
      target: "failure",
      onStates: () => reports++,
      shouldStop: () => reports >= 1,
    });
    expect([stopped.kind, stopped.stopped, reports]).toEqual(["not-found", true, 1]);
    expect(stopped.kind === "not-found" && stopped.exhausted).toBe(false);
    expect(stopped.states).toBe(seen[0]);
  });

  it("refuses a console target: a line printed on a merged path would never be seen", () => {
    expect(() =>
      explore(factoryOf(lostUpdate(2)), { mode: { kind: "dfs", stateful: true }, target: "console:hello" }),
    ).toThrow(/stateful search cannot look for console lines/);
  });

  it("refuses DPOR, whose backtrack sets would miss races past a cut", () => {
    expect(() =>
      search(factoryOf(lostUpdate(2)), { reduction: "dpor", maxSteps: 100, stateful: true }, () => false),
    ).toThrow(/stateful search runs without DPOR/);
  });

  it("names a detector that cannot say what its state is", () => {
    const p: Program = {
      name: "opaque-detector",
      cpus: 1,
      setup(m) {
        const c = m.cell("c", 0);
        m.spawn({
          cpu: 0,
          name: "T",
          *body(k) {
            yield* k.store(c, 1);
          },
        });
        m.addDetector({ name: "secretive", onStep: () => undefined });
        return [c];
      },
    };
    expect(() => finals(factoryOf(p), true)).toThrow(/detector secretive does not say what its state is/);
  });
});
