/**
 * Fewer, larger jobs (UnitTree's `gather`): the units waiting are gathered
 * into one job per idle worker, the first carried on from through its own
 * units and the units their requests create — and the result is still the
 * one-process result, with no subtree explored twice.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { explore, type ExploreOptions } from "../src/index.js";
import { runJob, searchSpec, UnitTree } from "../src/distributed/index.js";
import { factoryOf, lastzero } from "../src/examples.js";
import { expectOneProcessResult, expectStopsWhereOneProcessStops, lastzeroAB } from "./fixtures/distributed.js";
import { programArb } from "./fixtures/generated.js";

const RUNS = Number(process.env["KPRIM_FUZZ_RUNS"] ?? 40);
const SEED = Number(process.env["KPRIM_FUZZ_SEED"] ?? 11);

describe("fewer, larger jobs: the units waiting gathered into one job per idle worker (gather)", () => {
  const dpor: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };

  it("lastzero-5 and -6 on two workers, cut by short slices: the one-process result, fewer jobs than work first alone, no subtree twice", async () => {
    const first = { idleSplit: 16, carry: true };
    await lastzeroAB({ maxSlice: 40 }, first, { ...first, gather: true }, (apart, gathered) => {
      expect(gathered.jobs).toBeLessThan(apart.jobs);
    });
  });

  it("a job of several units goes down them in order, through the units their requests create, to the coordinator's result", () => {
    const f = factoryOf(lastzero(5));
    const spec = searchSpec(f, dpor);
    const tree = new UnitTree({ prefix: [], stopOnFound: false, carry: true, gather: true });
    let jobs = 0;
    let slice = 0;
    let several = 0;
    let through = 0;
    // One worker, 40-run slices: each job after the first gathers every unit waiting, carried on from.
    for (let batch = tree.take(1, 1); batch.length > 0; batch = tree.take(1, 1)) {
      expect(batch.length).toBe(1);
      const job = batch[0]!;
      jobs++;
      if (job.work.units.length > 1) {
        several++;
        expect(job.work.carry).toBeDefined();
      }
      const r = runJob(
        f,
        { id: String(jobs), search: spec, work: job.work },
        { shouldYield: () => ++slice % 40 === 0 },
      );
      if (r.kind !== "units") throw new Error("units expected");
      // Carried on past the job's own second unit: the chain went through it.
      const own = r.slices.map((s) => job.work.units.some((u) => u.key.join() === s.unit.key.join()));
      const second = own.indexOf(true, 1);
      if (second > 0 && own.slice(second).includes(false)) through++;
      tree.give(job.tag, r);
    }
    const one = explore(f, dpor);
    expect(tree.end).toBe("finished");
    expect([tree.totals().tally.executions, tree.totals().blocked]).toEqual([one.executions, one.blocked]);
    expect(several).toBeGreaterThan(0);
    expect(through).toBeGreaterThan(0);
    expect(tree.carriedUnits).toBeGreaterThan(0);
    expect(tree.droppedUnits).toBe(0);
  });

  it("a budget, the first finding and a preemption bound stop it where one process stops", () =>
    expectStopsWhereOneProcessStops({ gather: true }, false));

  test.prop([programArb(), fc.integer({ min: 1, max: 1000 })], { numRuns: RUNS, seed: SEED + 4 })(
    "generated programs: gathered, carried on, cut anywhere, jobs lost and delivered twice — the one-process result, no subtree twice",
    (spec, seed) => expectOneProcessResult(spec, seed, { carry: true, gather: true }, "same"),
    120_000,
  );
});
