/**
 * One machine for many executions (reuse.ts, the machine's states/reset.ts):
 * sampling on a machine reset between runs gives, run for run, what a fresh
 * machine per run gives — schedule, outcome, console, counters, steps,
 * makespan, final cells and thread states, and the whole trace — on
 * generated programs that use every op kind, under random and PCT, in check
 * mode and not. A deliberately broken reset (one that forgets the cells'
 * values, or their cost bookkeeping) is caught by the same comparison.
 */
import { fc, test } from "@fast-check/vitest";
import { type Cell, formatSchedule, type Machine, random, type RunResult, type Strategy } from "@kprim/machine";
import { armReset, coreOf, type ResetPoint, resetRun } from "@kprim/machine/internal";
import { describe, expect, it } from "vitest";
import { explore, type MachineFactory } from "../src/index.js";
import { runOnce } from "../src/driver.js";
import { RESTART_LIMIT } from "../src/events.js";
import { factoryOf, lastzero, lostUpdate } from "../src/examples.js";
import { MachineReuse } from "../src/reuse.js";
import { runSample, Sampler, type SamplingMode } from "../src/sampling.js";
import { Tally } from "../src/tally.js";
import { finalState } from "./fixtures/finals.js";
import { buildProgram, programArb } from "./fixtures/generated.js";

const RUNS = Number(process.env["KPRIM_FUZZ_RUNS"] ?? 40);
const SEED = Number(process.env["KPRIM_FUZZ_SEED"] ?? 11);
const MAX_STEPS = 300;

/** Everything a run shows, as one string. */
function shown(m: Machine, r: RunResult): string {
  return JSON.stringify({
    schedule: formatSchedule(r.schedule),
    outcome: r.outcome,
    console: r.console,
    counters: r.counters,
    steps: r.steps,
    makespan: r.makespan,
    threads: r.threads,
    trace: r.trace,
    final: finalState(m, r),
  });
}

/** Fresh strategy objects (a strategy serves one run: its PRNG moves on). */
const strategies = (n: number): Strategy[] => Array.from({ length: n }, (_, i) => random({ seed: 1000 + i }));

function fresh(f: MachineFactory, ss: readonly Strategy[], trace: boolean): string[] {
  return ss.map((strategy) => {
    const { machine, result } = runOnce(f, { strategy, maxSteps: MAX_STEPS, trace });
    return shown(machine, result);
  });
}

function reused(f: MachineFactory, ss: readonly Strategy[], trace: boolean): string[] {
  const reuse = new MachineReuse(f, { maxSteps: MAX_STEPS, trace });
  const out = ss.map((strategy) => {
    const { machine, result } = reuse.run(strategy);
    return shown(machine, result);
  });
  expect(reuse.blocker).toBe(null);
  return out;
}

/** Runs on one machine reset by hand, with `breakIt` spoiling the reset point after the first run. */
function brokenReset(
  f: MachineFactory,
  ss: readonly Strategy[],
  breakIt: (p: ResetPoint, m: Machine) => ResetPoint,
): string[] {
  let m: Machine | null = null;
  let point: ResetPoint | null = null;
  return ss.map((strategy, i) => {
    if (m === null) {
      const ex = runOnce(f, {
        strategy,
        maxSteps: MAX_STEPS,
        onBuilt: (b) => {
          point = armReset(coreOf(b));
        },
      });
      m = ex.machine;
      return shown(ex.machine, ex.result);
    }
    if (i === 1) point = breakIt(point!, m);
    resetRun(coreOf(m), point!);
    m.setStrategy(strategy);
    return shown(m, m.run());
  });
}

describe("sampling on one reset machine = a fresh machine per run", () => {
  test.prop([programArb(), fc.boolean()], { numRuns: RUNS, seed: SEED })(
    "generated programs: the same runs, trace included",
    (spec, trace) => {
      const f = factoryOf(buildProgram(spec), trace); // check mode with the trace, off without
      expect(reused(f, strategies(12), trace)).toEqual(fresh(f, strategies(12), trace));
    },
    120_000,
  );

  test.prop([programArb()], { numRuns: Math.ceil(RUNS / 2), seed: SEED + 1 })(
    "generated programs: Sampler records = runSample records, random and PCT",
    (spec) => {
      const f = factoryOf(buildProgram(spec));
      const modes: SamplingMode[] = [
        { kind: "random", seed: 3, runs: 10 },
        { kind: "pct", seed: 3, runs: 10, depth: 2 },
      ];
      for (const mode of modes) {
        const ctx = { maxSteps: MAX_STEPS, target: { kind: "failure" } as const };
        const sampler = new Sampler(f, mode, 20, ctx);
        for (let i = 0; i < mode.runs; i++) {
          const a = sampler.run(i);
          const b = runSample(f, mode, 20, i, ctx);
          expect(a.record).toEqual(b.record);
          expect(formatSchedule(a.result.schedule)).toBe(formatSchedule(b.result.schedule));
        }
      }
    },
    120_000,
  );

  test.prop([programArb()], { numRuns: Math.ceil(RUNS / 2), seed: SEED + 2 })(
    "generated programs: Sampler.record (no RunResult built, one random strategy reseeded) = runSample records",
    (spec) => {
      const f = factoryOf(buildProgram(spec));
      const modes: SamplingMode[] = [
        { kind: "random", seed: 4, runs: 12 },
        { kind: "pct", seed: 4, runs: 12, depth: 2 },
      ];
      // Every run matches "any" when it fails; a short step limit makes some step-limited (their choices kept).
      for (const maxSteps of [MAX_STEPS, 9]) {
        for (const mode of modes) {
          const ctx = { maxSteps, target: { kind: "any" } as const };
          const sampler = new Sampler(f, mode, 20, ctx);
          for (let i = 0; i < mode.runs; i++) expect(sampler.record(i)).toEqual(runSample(f, mode, 20, i, ctx).record);
        }
      }
    },
    120_000,
  );

  test.prop([programArb()], { numRuns: Math.ceil(RUNS / 2), seed: SEED + 3 })(
    "generated programs: Sampler.count (plain runs counted without a record) tallies what Tally.add of each runSample record tallies",
    (spec) => {
      const f = factoryOf(buildProgram(spec));
      const modes: SamplingMode[] = [
        { kind: "random", seed: 6, runs: 12 },
        { kind: "pct", seed: 6, runs: 12, depth: 2 },
      ];
      const targets = [{ kind: "failure" }, { kind: "any" }, { kind: "deadlock" }, { kind: "step-limit" }] as const;
      for (const maxSteps of [MAX_STEPS, 9]) {
        for (const mode of modes) {
          for (const target of targets) {
            const ctx = { maxSteps, target };
            const sampler = new Sampler(f, mode, 20, ctx);
            const counted = new Tally();
            const added = new Tally();
            for (let i = 0; i < mode.runs; i++) {
              const rec = runSample(f, mode, 20, i, ctx).record;
              added.add(rec);
              expect(sampler.count(i, counted)).toBe(rec.matched);
            }
            expect(counted.summary()).toEqual(added.summary());
          }
        }
      }
    },
    120_000,
  );

  it("Sampler.count tallies runs that print or give up (restart-limit) as Tally.add of their records does", () => {
    // Each thread reads the counter and stores it + 1: the one that read 0 prints, one that read 1 on cpu 1 gives up.
    const f = factoryOf({
      name: "printer",
      cpus: 2,
      setup(m) {
        const c = m.cell("c", 0);
        for (let t = 0; t < 2; t++) {
          m.spawn({
            cpu: t,
            name: `T${t}`,
            body: function* (k) {
              const v = yield* k.load(c);
              yield* k.store(c, v + 1);
              if (v === 0) k.printf(`T${t} read 0`);
              if (v === 1 && t === 1) k.event(RESTART_LIMIT);
            },
          });
        }
        return [c];
      },
    });
    const mode = { kind: "random", seed: 2, runs: 60 } as const;
    for (const target of [{ kind: "failure" }, { kind: "console", text: "T1" }] as const) {
      const ctx = { maxSteps: MAX_STEPS, target };
      const sampler = new Sampler(f, mode, 0, ctx);
      const counted = new Tally();
      const added = new Tally();
      for (let i = 0; i < mode.runs; i++) {
        const rec = runSample(f, mode, 0, i, ctx).record;
        added.add(rec);
        expect(sampler.count(i, counted)).toBe(rec.matched);
      }
      const sum = added.summary();
      expect(sum.restartLimited).toBeGreaterThan(0);
      expect(sum.console.length).toBe(2);
      expect(counted.summary()).toEqual(sum);
    }
  });

  it("Sampler.record keeps a matching run's choices and console, run after run on the reused machine", () => {
    const f = factoryOf(lostUpdate(2));
    const mode = { kind: "random", seed: 9, runs: 40 } as const;
    const ctx = { maxSteps: MAX_STEPS, target: { kind: "violation", detector: "lost-update" } as const };
    const sampler = new Sampler(f, mode, 0, ctx);
    const records = Array.from({ length: mode.runs }, (_, i) => sampler.record(i));
    expect(records.some((r) => r.matched)).toBe(true);
    expect(records.some((r) => !r.matched)).toBe(true);
    for (const [i, r] of records.entries()) expect(r).toEqual(runSample(f, mode, 0, i, ctx).record);
  });

  it("an earlier run's result is left as it was by the next run", () => {
    const f = factoryOf(lostUpdate(2));
    const reuse = new MachineReuse(f, { maxSteps: MAX_STEPS, trace: true });
    const first = reuse.run(random({ seed: 1 }));
    const before = JSON.stringify({ ...first.result, schedule: formatSchedule(first.result.schedule) });
    for (let s = 2; s < 6; s++) reuse.run(random({ seed: s }));
    expect(JSON.stringify({ ...first.result, schedule: formatSchedule(first.result.schedule) })).toBe(before);
  });

  it("explore: the same results, shrunk schedules included, with and without reuse", () => {
    for (const p of [lostUpdate(2), lastzero(3)]) {
      for (const mode of [
        { kind: "random", seed: 5, runs: 300 },
        { kind: "pct", seed: 5, runs: 300, depth: 2 },
      ] as const) {
        const a = explore(factoryOf(p), { mode, target: "panic" });
        const b = explore(factoryOf(p), { mode, target: "panic", reuseMachine: false });
        expect(a).toEqual(b);
      }
    }
  });
});

/**
 * The reset point with its cells' undo log broken: what `keep` saves of each
 * cell before the reset is written back after it (the reset forgets it).
 */
function keepAcrossReset(p: ResetPoint, m: Machine, keep: (c: Cell<unknown>) => () => void): ResetPoint {
  const real = p.undo;
  const broken = {
    undo(mark: Parameters<typeof real.undo>[0]): boolean {
      const back = coreOf(m).cells.map(keep);
      const ok = real.undo(mark);
      for (const b of back) b();
      return ok;
    },
    cut: (n: number) => real.cut(n),
  };
  return { ...p, undo: broken as unknown as typeof real };
}

describe("a broken reset is caught", () => {
  const f = factoryOf(lostUpdate(2));
  const want = fresh(f, strategies(20), false);

  it("a reset that forgets the cells' values", () => {
    const got = brokenReset(f, strategies(20), (p, m) =>
      keepAcrossReset(p, m, (c) => {
        const [v, key] = [c.v, c.key];
        return () => {
          c.v = v;
          c.key = key;
        };
      }),
    );
    expect(got).not.toEqual(want);
  });

  it("a reset that forgets the cells' cost bookkeeping", () => {
    const got = brokenReset(f, strategies(20), (p, m) =>
      keepAcrossReset(p, m, (c) => {
        const [w, s, t] = [c.lastWriter, c.sharers, c.writeTime];
        return () => {
          c.lastWriter = w;
          c.sharers = s;
          c.writeTime = t;
        };
      }),
    );
    expect(got).not.toEqual(want);
  });

  it("the same runs when the reset is left alone", () => {
    expect(brokenReset(f, strategies(20), (p) => p)).toEqual(want);
  });
});
