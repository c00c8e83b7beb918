import { type Choice, type MachineView, random, roundRobin, type Strategy } from "@kprim/machine";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  explore,
  exploreParallel,
  isPreemption,
  pct,
  runOnce,
  withDelayBound,
  withPreemptionBound,
} from "../src/index.js";
import { factoryOf, lastzero, lostUpdate } from "../src/examples.js";
import { PctStrategy } from "../src/strategies/pct.js";
import { buildProgram, programArb } from "./fixtures/generated.js";
import { referencePct } from "./fixtures/pctReference.js";

/** Wrap a strategy and record each decision with what was enabled. */
function probe(inner: Strategy): { strategy: Strategy; log: { enabled: Choice[]; chosen: Choice }[] } {
  const log: { enabled: Choice[]; chosen: Choice }[] = [];
  return {
    log,
    strategy: {
      name: inner.name,
      choose(enabled: readonly Choice[], view: MachineView): number {
        const i = inner.choose(enabled, view);
        log.push({ enabled: enabled.slice(), chosen: enabled[i]! });
        return i;
      },
    },
  };
}

function preemptions(log: { enabled: Choice[]; chosen: Choice }[]): number {
  let n = 0;
  for (let i = 1; i < log.length; i++) if (isPreemption(log[i - 1]!.chosen, log[i]!.chosen, log[i]!.enabled)) n++;
  return n;
}

describe("preemptions", () => {
  it("switching away from a choice that is still enabled is a preemption; continuing or switching after it is disabled is not", () => {
    const a = 0 as Choice;
    const b = 1 as Choice;
    expect(isPreemption(-1, a, [a, b])).toBe(false);
    expect(isPreemption(a, a, [a, b])).toBe(false);
    expect(isPreemption(a, b, [a, b])).toBe(true);
    expect(isPreemption(a, b, [b])).toBe(false);
  });
});

describe("PCT", () => {
  it("is deterministic for a seed, and different seeds give different schedules", () => {
    const f = factoryOf(lastzero(3));
    const run = (seed: number) =>
      runOnce(f, { strategy: pct({ seed, depth: 3, steps: 12 }), maxSteps: 1000 }).result.schedule.choices.join(",");
    expect(run(1)).toBe(run(1));
    const distinct = new Set(Array.from({ length: 20 }, (_, s) => run(s)));
    expect(distinct.size).toBeGreaterThan(3);
  });

  it("with depth 1 it never preempts (it runs the highest priority entity until disabled)", () => {
    const f = factoryOf(lastzero(3));
    for (let seed = 0; seed < 20; seed++) {
      const p = probe(pct({ seed, depth: 1, steps: 12 }));
      runOnce(f, { strategy: p.strategy, maxSteps: 1000 });
      expect(preemptions(p.log)).toBe(0);
    }
  });

  it("finds a depth-2 race (the lost update) often, as its guarantee says", () => {
    const f = factoryOf(lostUpdate(2));
    let found = 0;
    for (let seed = 0; seed < 100; seed++) {
      const r = runOnce(f, { strategy: pct({ seed, depth: 2, steps: 4 }), maxSteps: 100 }).result;
      if (r.outcome.kind === "violation") found++;
    }
    // PCT's bound for n = 2 entities, k = 4 steps, d = 2 is 1/(n k) = 1/8 per run.
    expect(found).toBeGreaterThanOrEqual(100 / 8);
  });

  it("rejects a bad depth or step count with a one-line error", () => {
    expect(() => pct({ seed: 1, depth: 0, steps: 4 })).toThrow("pct: depth must be an integer ≥ 1, not 0");
    expect(() => pct({ seed: 1, depth: 2, steps: 0 })).toThrow("pct: steps must be an integer ≥ 1, not 0");
    const s = new PctStrategy({ seed: 1, depth: 2, steps: 4 });
    expect(() => s.reseed(1, 1.5, 4)).toThrow("pct: depth must be an integer ≥ 1, not 1.5");
    expect(() => s.reseed(1, 2, -1)).toThrow("pct: steps must be an integer ≥ 1, not -1");
  });

  /** The schedule a strategy makes on a fresh machine of `f`. */
  const scheduleOf = (f: ReturnType<typeof factoryOf>, strategy: Strategy): string => {
    const r = runOnce(f, { strategy, maxSteps: 300 }).result;
    return `${r.schedule.choices.join(",")} ${r.outcome.kind}`;
  };

  test.prop(
    [
      programArb(),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 40 })), {
        minLength: 1,
        maxLength: 8,
      }),
    ],
    { numRuns: 25, seed: 7 },
  )(
    "one strategy reseeded run after run (depths and step counts changing) = a fresh pct() per run = the closure-and-Map PCT it replaced",
    (spec, runs) => {
      const f = factoryOf(buildProgram(spec));
      const reused = new PctStrategy({ seed: 0, depth: 1, steps: 1 });
      for (const [seed, depth, steps] of runs) {
        const want = scheduleOf(f, referencePct({ seed, depth, steps }));
        expect(scheduleOf(f, pct({ seed, depth, steps }))).toBe(want);
        expect(scheduleOf(f, reused.reseed(seed, depth, steps))).toBe(want);
      }
    },
    60_000,
  );

  it("the same schedules as the PCT it replaced on the examples, seed for seed", () => {
    for (const f of [factoryOf(lastzero(3)), factoryOf(lostUpdate(3))]) {
      const reused = new PctStrategy({ seed: 0, depth: 1, steps: 1 });
      for (let seed = 0; seed < 60; seed++) {
        const depth = 1 + (seed % 4);
        const want = scheduleOf(f, referencePct({ seed, depth, steps: 20 }));
        expect(scheduleOf(f, reused.reseed(seed, depth, 20))).toBe(want);
      }
    }
  });
});

describe("bounding wrappers", () => {
  it("withPreemptionBound keeps any strategy within the bound", () => {
    const f = factoryOf(lastzero(3));
    for (const bound of [0, 1, 2]) {
      for (let seed = 0; seed < 30; seed++) {
        const p = probe(withPreemptionBound(bound)(random({ seed })));
        runOnce(f, { strategy: p.strategy, maxSteps: 1000 });
        expect(preemptions(p.log)).toBeLessThanOrEqual(bound);
      }
    }
    expect(() => withPreemptionBound(-1)).toThrow("preemption bound must be an integer ≥ 0, not -1");
  });

  it("withDelayBound departs from its inner strategy at most `delays` times, deterministically per seed", () => {
    const f = factoryOf(lastzero(3));
    const base = probe(roundRobin());
    runOnce(f, { strategy: base.strategy, maxSteps: 1000 });
    let departed = 0;
    for (let seed = 0; seed < 30; seed++) {
      const run = () => {
        const p = probe(withDelayBound({ delays: 2, seed, rate: 0.3 })(roundRobin()));
        runOnce(f, { strategy: p.strategy, maxSteps: 1000 });
        return p.log.map((x) => x.chosen);
      };
      const a = run();
      expect(run()).toEqual(a);
      if (a.join() !== base.log.map((x) => x.chosen).join()) departed++;
    }
    expect(departed).toBeGreaterThan(0);
    const zero = probe(withDelayBound({ delays: 0, seed: 1, rate: 1 })(roundRobin()));
    runOnce(f, { strategy: zero.strategy, maxSteps: 1000 });
    expect(zero.log.map((x) => x.chosen)).toEqual(base.log.map((x) => x.chosen));
  });
});

describe("a strategy given by the caller (a plugin's)", () => {
  it("is sampled like random: run i gets the seed derived from (seed, i), so random's own factory gives random's result", () => {
    const f = factoryOf(lostUpdate(3));
    const opts = { target: "failure", stopOnFound: false, shrink: false } as const;
    const own = explore(f, { ...opts, mode: { kind: "random", seed: 7, runs: 300 } });
    const seeds: number[] = [];
    const given = explore(f, {
      ...opts,
      mode: {
        kind: "strategy",
        name: "my-random",
        seed: 7,
        runs: 300,
        make: (seed) => {
          seeds.push(seed);
          return random({ seed });
        },
      },
    });
    expect(given.mode).toBe("my-random(seed=7, runs=300)");
    expect(seeds).toHaveLength(300);
    expect(new Set(seeds).size).toBe(300);
    expect(given.outcomes).toEqual(own.outcomes);
    expect(given.outcomes.violation).toBeGreaterThan(0);
    if (given.kind !== "found" || own.kind !== "found") throw new Error("both must find the lost update");
    expect([given.schedule, given.executionsToFound]).toEqual([own.schedule, own.executionsToFound]);
  });

  it("cannot be sent to worker threads: a one-line error", async () => {
    await expect(
      exploreParallel(
        { module: "unused", export: "unused", args: null },
        { mode: { kind: "strategy", name: "mine", seed: 1, runs: 10, make: () => roundRobin() }, workers: 2 },
      ),
    ).rejects.toThrow(
      "strategy mine: a strategy given as a function cannot be sent to worker threads; run it on one thread",
    );
  });
});
