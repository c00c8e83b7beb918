/**
 * A distributed exploration is the one-process exploration: the same result
 * object — verdict, executions, blocked and cycle counts, outcomes, the first
 * finding's index, schedule and shrunk schedule — whatever order the jobs
 * come back in, however the time slices cut the units, with results
 * delivered twice and jobs lost and handed out again (an in-memory transport
 * plays those, seeded). On the classic programs, on generated programs that
 * use every op kind, under a budget that falls inside a slice, and for
 * sampling and the default burst-then-DPOR exploration.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { explore, exploreAuto, type ExploreOptions, type MachineFactory } from "../src/index.js";
import {
  exploreAutoDistributed,
  exploreDistributed,
  exploreUnit,
  runJob,
  searchSpec,
  type Transport,
  TransportError,
  UnitTree,
} from "../src/distributed/index.js";
import { factoryOf, indexer, lastzero, lostUpdate, polite, type Program } from "../src/examples.js";
import { programArb } from "./fixtures/generated.js";
import {
  expectOneProcessResult,
  expectStopsWhereOneProcessStops,
  lastzeroAB,
  runsOf,
  smallDporProgram,
} from "./fixtures/distributed.js";
import { SimTransport } from "./fixtures/transport.js";

const RUNS = Number(process.env["KPRIM_FUZZ_RUNS"] ?? 40);
const SEED = Number(process.env["KPRIM_FUZZ_SEED"] ?? 11);

async function both(f: MachineFactory, opts: ExploreOptions, seed: number, extra = {}) {
  const one = explore(f, opts);
  const t = new SimTransport(f, { seed, maxSlice: 12, duplicates: 100, losses: 100, ...extra });
  const many = await exploreDistributed(f, opts, t);
  return { one, many, t };
}

describe("a distributed exhaustive search gives the one-process result", () => {
  const programs: Program[] = [lastzero(3), lastzero(5), indexer(3, 6, 2), lostUpdate(3), polite()];
  for (const p of programs) {
    for (const stopOnFound of [true, false]) {
      it(`${p.name}, ${stopOnFound ? "stopping at the first finding" : "every execution"}: the same result object`, async () => {
        const f = factoryOf(p);
        const opts: ExploreOptions = { mode: { kind: "dpor" }, target: "any", stopOnFound };
        for (const seed of [1, 2]) {
          const { one, many, t } = await both(f, opts, seed);
          expect(many).toEqual(one);
          // It was cut into units (more than one job) for all but the smallest.
          if (one.executions + one.blocked > 20) expect(t.jobs).toBeGreaterThan(3);
        }
      });
    }
  }

  it("lastzero-5: units explore no subtree twice (executions and blocked add up to the one-process counts)", async () => {
    const f = factoryOf(lastzero(5));
    const { one, many, t } = await both(f, { mode: { kind: "dpor" }, stopOnFound: false }, 7, { maxSlice: 3 });
    expect([many.executions, many.blocked]).toEqual([64, 275]);
    expect([one.executions, one.blocked]).toEqual([64, 275]);
    expect(t.jobs).toBeGreaterThan(30);
  });

  it("a budget that falls inside a slice stops after the same execution", async () => {
    const f = factoryOf(lastzero(5));
    for (const maxExecutions of [1, 17, 40, 63, 64]) {
      const { one, many } = await both(f, { mode: { kind: "dpor" }, maxExecutions }, maxExecutions, { maxSlice: 30 });
      expect(many).toEqual(one);
      expect(many.executions).toBe(maxExecutions);
    }
  });

  it("a budget whose slice, explored again, is cut by its own time slice still stops after the same execution", async () => {
    // A worker's slice is its time: the budget's slice explored again (up to the budget) may get a shorter one.
    const f = factoryOf(lastzero(5));
    for (const maxExecutions of [17, 40, 63]) {
      const opts: ExploreOptions = { mode: { kind: "dpor" }, maxExecutions };
      const { one, many } = await both(f, opts, maxExecutions, { maxSlice: 30, cappedSlice: 2 });
      expect(many).toEqual(one);
      expect(many.executions).toBe(maxExecutions);
    }
  });

  it("the budget's slice explored again runs to its cap however short the slice; one cut short anyway is sent again", () => {
    const f = factoryOf(lastzero(5));
    const maxExecutions = 40;
    const spec = searchSpec(f, { mode: { kind: "dpor" }, maxExecutions });
    const tree = new UnitTree({ prefix: [], stopOnFound: true, maxExecutions });
    let slice = 0;
    const short = { shouldYield: () => ++slice % 10 === 0 };
    // One job at a time, each cut after 10 runs, until the budget falls inside a slice.
    let job = tree.take(1)[0]!;
    while (job.work.cap === undefined) {
      tree.give(job.tag, runJob(f, { id: "j", search: spec, work: job.work }, short));
      job = tree.take(1)[0]!;
    }
    const cap = job.work.cap;
    const unit = job.work.units[0]!;
    expect(cap).toBeGreaterThan(1);
    // A worker whose slice is always over: the capped job still reaches its cap.
    const full = runJob(f, { id: "r", search: spec, work: job.work }, { shouldYield: () => true });
    if (full.kind !== "units") throw new Error("units expected");
    expect(full.slices[0]!.stats.executions).toBe(cap);
    expect(full.slices[0]!.outcome.end).toBe("cap");
    // A result cut before the cap (not runJob's): not counted, the same job is handed out again.
    const cut = exploreUnit(f, spec, unit, { shouldYield: () => true }, cap);
    expect(cut.outcome.end).toBe("yield");
    tree.give(job.tag, { kind: "units", slices: [cut], untouched: [] });
    expect(tree.end).toBeNull();
    const again = tree.take(1);
    expect(again.map((j) => j.work)).toEqual([job.work]);
    tree.give(again[0]!.tag, full);
    expect(tree.end).toBe("budget");
    expect(tree.totals().tally.executions).toBe(maxExecutions);
  });

  it("naive DFS and a preemption bound too", async () => {
    const f = factoryOf(lastzero(3));
    for (const mode of [{ kind: "dfs" } as const, { kind: "dpor", preemptionBound: 1 } as const]) {
      const { one, many } = await both(f, { mode, stopOnFound: false }, 3);
      expect(many).toEqual(one);
    }
  });

  it("work units go back to their branch points by restoring, as one process does: the same result, fewer machines", async () => {
    const counted = (p: Program) => {
      const f = factoryOf(p);
      const c: { builds: number; f: MachineFactory } = { builds: 0, f: (o) => (c.builds++, f(o)) };
      return c;
    };
    const withRestore = async (on: boolean, p: Program) => {
      const saved = process.env["KPRIM_RESTORE"];
      process.env["KPRIM_RESTORE"] = on ? "1" : "0";
      try {
        const c = counted(p);
        const t = new SimTransport(c.f, { seed: 5, maxSlice: 12 });
        const r = await exploreDistributed(c.f, { mode: { kind: "dpor" }, stopOnFound: false }, t);
        return { r, builds: c.builds, jobs: t.jobs };
      } finally {
        if (saved === undefined) delete process.env["KPRIM_RESTORE"];
        else process.env["KPRIM_RESTORE"] = saved;
      }
    };
    for (const p of [lastzero(5), indexer(3, 6, 2)]) {
      const replayed = await withRestore(false, p);
      const restored = await withRestore(true, p);
      expect(restored.r).toEqual(replayed.r);
      expect(replayed.jobs).toBeGreaterThan(3);
      // Replaying builds a machine per execution in every unit; restoring, about one per unit.
      expect(replayed.builds).toBeGreaterThan(replayed.r.executions);
      expect(restored.builds).toBeLessThan(replayed.builds / 2);
    }
  });

  test.prop([programArb(), fc.integer({ min: 1, max: 1000 })], { numRuns: RUNS, seed: SEED })(
    "generated programs: DPOR, every execution and stopping at the first failure",
    async (spec, seed) => {
      const f = smallDporProgram(spec);
      for (const stopOnFound of [false, true]) {
        const opts: ExploreOptions = { mode: { kind: "dpor" }, maxSteps: 200, stopOnFound, shrink: false };
        const { one, many } = await both(f, opts, seed, { maxSlice: 1 + (seed % 9) });
        expect(many).toEqual(one);
      }
    },
    120_000,
  );
});

describe("an exhaustive search asked to share its work out early (firstSplit)", () => {
  const FIRST_SPLIT = 16;
  const never = { shouldYield: () => false };
  it("with 2 free places the first job hands back its frontier after its first short split, filling both", () => {
    const f = factoryOf(lastzero(5));
    const spec = searchSpec(f, { mode: { kind: "dpor" }, stopOnFound: false });
    // Not asked, or one place (nothing to share): the job runs for its whole slice.
    expect(new UnitTree({ prefix: [], stopOnFound: false }).take(2)[0]!.work.split).toBeUndefined();
    const one = { prefix: [], stopOnFound: false, firstSplit: FIRST_SPLIT };
    expect(new UnitTree(one).take(1)[0]!.work.split).toBeUndefined();
    const tree = new UnitTree(one);
    const [first, ...more] = tree.take(2);
    expect(more).toEqual([]);
    expect(first!.work.split).toBe(FIRST_SPLIT);
    // A slice that never runs out of time: the split alone ends the job.
    const r = runJob(f, { id: "a", search: spec, work: first!.work }, never);
    if (r.kind !== "units") throw new Error("units expected");
    const s = r.slices[0]!;
    expect(s.outcome.end).toBe("yield");
    expect(s.stats.executions + s.stats.blocked + s.stats.cycles).toBeLessThanOrEqual(FIRST_SPLIT);
    expect(s.outcome.frontier.length).toBeGreaterThan(0);
    tree.give(first!.tag, r);
    expect(tree.take(2)).toHaveLength(2);
  });

  it("splits only for idle workers: one worker alone (two places, its next job queued) is never cut short", async () => {
    const f = factoryOf(lastzero(5));
    const opts = { prefix: [], stopOnFound: false, firstSplit: FIRST_SPLIT };
    // Two places but one idle worker: nobody to share with, the root job runs its whole slice.
    expect(new UnitTree(opts).take(2, 1)[0]!.work.split).toBeUndefined();
    expect(new UnitTree(opts).take(4, 2)[0]!.work.split).toBe(FIRST_SPLIT);
    // Through the driver: a transport that reports one worker gets one job, as with no split at all.
    const dpor: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };
    const alone = new SimTransport(f, { seed: 5, capacity: 2, maxSlice: 1e9, workers: 1 });
    expect(await exploreDistributed(f, { ...dpor, firstSplit: FIRST_SPLIT }, alone)).toEqual(explore(f, dpor));
    expect(alone.jobs).toBe(1);
    // Two workers: the work is shared out (more jobs than places), with the one-process result.
    const two = new SimTransport(f, { seed: 5, capacity: 4, maxSlice: 1e9, workers: 2 });
    expect(await exploreDistributed(f, { ...dpor, firstSplit: FIRST_SPLIT }, two)).toEqual(explore(f, dpor));
    expect(two.jobs).toBeGreaterThan(4);
  });

  it("workers whose slice never ends still get more than one job, and the result is the one-process result", async () => {
    const f = factoryOf(lastzero(5));
    const opts: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };
    for (const capacity of [2, 4]) {
      const t = new SimTransport(f, { seed: capacity, capacity, maxSlice: 1e9 });
      const many = await exploreDistributed(f, { ...opts, firstSplit: FIRST_SPLIT }, t);
      expect(many).toEqual(explore(f, opts));
      expect(t.jobs).toBeGreaterThan(capacity);
    }
  });
});

describe("an exhaustive search whose jobs are cut when a worker is idle (idleSplit)", () => {
  const dpor: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };

  it("one worker alone is never asked: one job, the one-process result", async () => {
    const f = factoryOf(lastzero(5));
    const alone = new SimTransport(f, { seed: 2, capacity: 2, maxSlice: 1e9, workers: 1, hears: true });
    expect(await exploreDistributed(f, { ...dpor, idleSplit: 4 }, alone)).toEqual(explore(f, dpor));
    expect([alone.jobs, alone.starves]).toEqual([1, 0]);
  });

  it("a second worker idle: the busy one hands back its frontier when asked, and the work is shared out", async () => {
    const f = factoryOf(lastzero(5));
    const two = new SimTransport(f, { seed: 2, capacity: 4, maxSlice: 1e9, workers: 2, hears: true });
    expect(await exploreDistributed(f, { ...dpor, idleSplit: 4 }, two)).toEqual(explore(f, dpor));
    expect(two.starves).toBeGreaterThan(0);
    expect(two.jobs).toBeGreaterThan(4);
    // Not asked (no idleSplit on the jobs): the same calls cut nothing.
    const deaf = new SimTransport(f, { seed: 2, capacity: 4, maxSlice: 1e9, workers: 2, hears: true });
    expect(await exploreDistributed(f, dpor, deaf)).toEqual(explore(f, dpor));
    expect(deaf.jobs).toBe(1);
  });

  it("a job is cut only after its idleSplit runs, and only when a call came after it was sent", () => {
    const f = factoryOf(lastzero(5));
    const spec = searchSpec(f, dpor);
    const tree = new UnitTree({ prefix: [], stopOnFound: false, idleSplit: 7 });
    const [root] = tree.take(2, 1);
    expect(root!.work).toMatchObject({ idleSplit: 7 });
    expect(root!.work.split).toBeUndefined();
    const never = runJob(
      f,
      { id: "a", search: spec, work: root!.work },
      { shouldYield: () => false, idle: () => false },
    );
    if (never.kind !== "units") throw new Error("units expected");
    expect(never.slices[0]!.outcome.end).toBe("done");
    const asked = runJob(
      f,
      { id: "a", search: spec, work: root!.work },
      { shouldYield: () => false, idle: () => true },
    );
    if (asked.kind !== "units") throw new Error("units expected");
    const s = asked.slices[0]!;
    expect(s.outcome.end).toBe("yield");
    expect(s.stats.executions + s.stats.blocked + s.stats.cycles).toBe(7);
  });

  it("small jobs explored by the coordinator itself (localRuns): the one-process result, fewer jobs sent", async () => {
    const f = factoryOf(lastzero(5));
    const sent = new SimTransport(f, { seed: 6, capacity: 4, maxSlice: 1e9, workers: 2, hears: true });
    const kept = new SimTransport(f, { seed: 6, capacity: 4, maxSlice: 1e9, workers: 2, hears: true });
    expect(await exploreDistributed(f, { ...dpor, idleSplit: 2 }, sent)).toEqual(explore(f, dpor));
    expect(await exploreDistributed(f, { ...dpor, idleSplit: 2, localRuns: 8 }, kept)).toEqual(explore(f, dpor));
    expect(kept.jobs).toBeLessThan(sent.jobs);
  });

  test.prop([programArb(), fc.integer({ min: 1, max: 1000 })], { numRuns: RUNS, seed: SEED + 1 })(
    "generated programs: cut wherever a call for work is heard, the one-process result, no subtree twice",
    async (spec, seed) => {
      const f = smallDporProgram(spec);
      for (const stopOnFound of [false, true]) {
        const opts: ExploreOptions = { mode: { kind: "dpor" }, maxSteps: 200, stopOnFound, shrink: false };
        const t = new SimTransport(f, { seed, maxSlice: 1e9, workers: 2, hears: true, calls: 1 + (seed % 300) });
        const localRuns = seed % 3 === 0 ? 1 + (seed % 7) : undefined;
        const many = await exploreDistributed(f, { ...opts, idleSplit: 1 + (seed % 5), localRuns }, t);
        expect(many).toEqual(explore(f, opts));
      }
    },
    120_000,
  );
});

describe("work first: a worker carries on with the units its own requests create (carry)", () => {
  const dpor: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };

  it("lastzero-5 and -6 on two workers: the one-process result, the chain carried, fewer jobs, no subtree twice", async () => {
    // Every run of the one process made once (lastzeroAB): nothing explored twice, nothing carried in vain.
    await lastzeroAB(
      { maxSlice: 1e9, hears: true },
      { idleSplit: 16 },
      { idleSplit: 16, carry: true },
      (sent, kept) => {
        expect(sent.carried).toBe(0);
        expect(kept.carried).toBeGreaterThan(0);
        expect(kept.jobs).toBeLessThan(sent.jobs);
      },
    );
  });

  it("the coordinator takes each carried unit where its own requests make it, and drops one it would not make", () => {
    const f = factoryOf(lastzero(5));
    const spec = searchSpec(f, dpor);
    const run = (carry: boolean, forge: boolean) => {
      const tree = new UnitTree({ prefix: [], stopOnFound: false, carry });
      let jobs = 0;
      let slice = 0;
      // One worker, 40-run slices: the search is cut, and every job after the first is the earliest open unit.
      for (let batch = tree.take(1); batch.length > 0; batch = tree.take(1)) {
        const job = batch[0]!;
        jobs++;
        // A job of one unit (here always the earliest open one: one job out at a time) may be carried on from.
        const alone = job.work.units.length === 1 && job.work.units[0]!.key.length > 0;
        expect(job.work.carry !== undefined).toBe(carry && alone);
        const r = runJob(
          f,
          { id: String(jobs), search: spec, work: job.work },
          { shouldYield: () => ++slice % 40 === 0 },
        );
        if (r.kind !== "units") throw new Error("units expected");
        // A forged carried slice: a unit no request of this job makes (the coordinator must not count it).
        const extra =
          forge && r.slices.length === 1 ? [{ ...r.slices[0]!, unit: { ...r.slices[0]!.unit, key: [9, 9, 9] } }] : [];
        tree.give(job.tag, { ...r, slices: [...r.slices, ...extra] });
      }
      expect(tree.end).toBe("finished");
      return { tree, jobs };
    };
    const plain = run(false, false);
    const carried = run(true, false);
    const forged = run(true, true);
    const one = explore(f, dpor);
    for (const { tree } of [plain, carried, forged]) {
      expect(tree.totals().tally.executions).toBe(one.executions);
      expect(tree.totals().blocked).toBe(one.blocked);
    }
    expect(carried.tree.carriedUnits).toBeGreaterThan(0);
    expect(carried.tree.droppedUnits).toBe(0);
    expect(carried.jobs).toBeLessThan(plain.jobs);
    expect(forged.tree.droppedUnits).toBeGreaterThan(0);
  });

  it("a budget, the first finding and a preemption bound stop it where one process stops", () =>
    expectStopsWhereOneProcessStops({}, true));

  test.prop([programArb(), fc.integer({ min: 1, max: 1000 })], { numRuns: RUNS, seed: SEED + 2 })(
    "generated programs: carried on, cut anywhere, jobs lost and delivered twice — the one-process result, no subtree twice",
    (spec, seed) => expectOneProcessResult(spec, seed, { carry: true }, "same"),
    120_000,
  );
});

describe("work first ahead of the search (carry with ahead): carried on from while an earlier unit is open", () => {
  const dpor: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };

  it("the one-process counts; every run made is counted once or dropped as done in vain; units carried ahead", () => {
    for (const p of [lastzero(5), lastzero(6), indexer(3, 6, 2), lostUpdate(3)]) {
      const f = factoryOf(p);
      const spec = searchSpec(f, dpor);
      const one = explore(f, dpor);
      for (const slice of [7, 40]) {
        const tree = new UnitTree({ prefix: [], stopOnFound: false, carry: true, ahead: true });
        const out: { tag: number; work: Parameters<typeof runJob>[1]["work"] }[] = [];
        let runs = 0;
        let n = 0;
        let ahead = 0;
        for (;;) {
          out.push(...tree.take(2 - out.length, 2 - out.length));
          if (out.length === 0) break;
          // The newest job first: a job sent while an earlier one is out comes back before it.
          const job = out.pop()!;
          if (job.work.kind !== "units") throw new Error("units expected");
          if (job.work.carry !== undefined && out.length > 0) ahead++;
          const r = runJob(
            f,
            { id: String(job.tag), search: spec, work: job.work },
            { shouldYield: () => ++n % slice === 0 },
          );
          if (r.kind !== "units") throw new Error("units expected");
          for (const s of r.slices) runs += runsOf(s.stats);
          tree.give(job.tag, r);
        }
        expect(tree.end).toBe("finished");
        const totals = tree.totals();
        expect([totals.tally.executions, totals.blocked, totals.cycles]).toEqual([
          one.executions,
          one.blocked,
          one.cycles,
        ]);
        expect(runs).toBe(runsOf(one) + tree.droppedRuns);
        if (p.name.startsWith("lastzero")) {
          expect(ahead).toBeGreaterThan(0);
          expect(tree.carriedUnits).toBeGreaterThan(0);
        }
      }
    }
  });

  test.prop([programArb(), fc.integer({ min: 1, max: 1000 })], { numRuns: Math.ceil(RUNS / 2), seed: SEED + 3 })(
    "generated programs: carried on ahead, cut anywhere, jobs lost and delivered twice — the one-process result",
    (spec, seed) => expectOneProcessResult(spec, seed, { carry: true, ahead: true }, "atLeast"),
    120_000,
  );

  it("off by default: without it a job is carried on from only when its unit is the earliest open one", () => {
    const f = factoryOf(lastzero(5));
    const tree = new UnitTree({ prefix: [], stopOnFound: false, carry: true });
    const spec = searchSpec(f, dpor);
    let n = 0;
    const first = tree.take(1)[0]!;
    if (first.work.kind !== "units") throw new Error("units expected");
    const r = runJob(f, { id: "0", search: spec, work: first.work }, { shouldYield: () => ++n % 30 === 0 });
    tree.give(first.tag, r);
    const jobs = tree.take(3, 3);
    expect(jobs.length).toBeGreaterThan(1);
    // The first is the earliest open unit; the others have it open before them.
    expect(jobs.map((j) => j.work.kind === "units" && j.work.carry !== undefined)).toEqual(jobs.map((_, i) => i === 0));
  });
});

describe("distributed sampling gives the one-process result", () => {
  it("random and PCT, found and not", async () => {
    const f = factoryOf(lostUpdate(3));
    const modes: ExploreOptions["mode"][] = [
      { kind: "random", seed: 4, runs: 300 },
      { kind: "pct", seed: 2, runs: 300, depth: 2 },
    ];
    for (const mode of modes) {
      for (const target of ["violation:lost-update", "deadlock"]) {
        const { one, many } = await both(f, { mode, target, raises: undefined }, 5, { maxSlice: 40 });
        expect(many).toEqual(one);
      }
    }
  });
});

describe("the default exploration, distributed", () => {
  it("the burst finds, or DPOR exhausts: the same result and phases", async () => {
    for (const p of [lostUpdate(3), lastzero(4)]) {
      const f = factoryOf(p);
      const one = exploreAuto(f, { maxExecutions: 2_000 });
      const many = await exploreAutoDistributed(f, { maxExecutions: 2_000 }, new SimTransport(f, { seed: 9 }));
      expect(many).toEqual(one);
    }
  });

  it("its DPOR phase cut for idle workers: the same result and phases", async () => {
    for (const p of [lostUpdate(3), lastzero(5)]) {
      const f = factoryOf(p);
      const one = exploreAuto(f, { maxExecutions: 30, burst: 10 });
      const t = new SimTransport(f, { seed: 4, maxSlice: 1e9, workers: 2, hears: true, calls: 50 });
      expect(await exploreAutoDistributed(f, { maxExecutions: 30, burst: 10 }, t, { idleSplit: 2 })).toEqual(one);
    }
  });

  it("a budget DPOR does not finish within", async () => {
    const f = factoryOf(lastzero(5));
    const one = exploreAuto(f, { maxExecutions: 50, burst: 10 });
    const many = await exploreAutoDistributed(f, { maxExecutions: 50, burst: 10 }, new SimTransport(f, { seed: 3 }));
    expect(many).toEqual(one);
    expect(many.phases.at(-1)).toMatchObject({ mode: "dpor", executions: 40, exhausted: false });
  });
});

describe("what cannot be distributed says why", () => {
  it("stateful search and iterative bounding are refused in one line", async () => {
    const f = factoryOf(lastzero(3));
    const t = new SimTransport(f, { seed: 1 });
    await expect(exploreDistributed(f, { mode: { kind: "dfs", stateful: true } }, t)).rejects.toThrow(
      /stateful search is not distributed/,
    );
    await expect(
      exploreDistributed(f, { mode: { kind: "iterative", reduction: "dpor", maxBound: 2 } }, t),
    ).rejects.toThrow(/iterative bounding is not distributed/);
  });
});

describe("a transport that goes away", () => {
  it("ends the search with what was settled, marked stopped, never as the whole search", async () => {
    const f = factoryOf(lastzero(5));
    const sim = new SimTransport(f, { seed: 4, maxSlice: 3 });
    let n = 0;
    const dying: Transport = {
      capacity: () => sim.capacity(),
      send: (job) => sim.send(job),
      receive: () => {
        if (++n > 6) return Promise.reject(new TransportError("the queue went away"));
        return sim.receive();
      },
    };
    const opts: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };
    const e = await exploreDistributed(f, opts, dying).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    const partial = (e as TransportError).partial!;
    expect(partial).toMatchObject({ kind: "not-found", stopped: true, exhausted: false });
    expect(partial.executions).toBeLessThan(explore(f, opts).executions);
  });

  it("in the default exploration: the phases so far, the last one partial", async () => {
    const f = factoryOf(lastzero(5));
    const sim = new SimTransport(f, { seed: 5, maxSlice: 3 });
    let n = 0;
    const dying: Transport = {
      capacity: () => sim.capacity(),
      send: (job) => sim.send(job),
      receive: () => (++n > 40 ? Promise.reject(new TransportError("gone")) : sim.receive()),
    };
    const e = (await exploreAutoDistributed(f, { maxExecutions: 2_000, burst: 10 }, dying).catch(
      (x: unknown) => x,
    )) as TransportError;
    expect(e).toBeInstanceOf(TransportError);
    expect(e.partial).toMatchObject({ stopped: true });
    expect("phases" in e.partial! && e.partial.phases.at(-1)?.exhausted).toBe(false);
  });
});
