/**
 * Give and go on (distributed/keep.ts): a job cut by a call for work hands
 * back one unit — the last open one — and its worker goes on with the others
 * as the job's continuation. The kept units are the units the coordinator
 * makes from the same frontier, the coordinator hands out only the one given
 * back, and the search is still the one-process search: on lastzero-5 and -6
 * with no subtree explored twice, and on generated programs with jobs and
 * continuations lost (the job they came from comes back twice) and results
 * delivered twice.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { explore, type ExploreOptions } from "../src/index.js";
import { continuationOf, exploreDistributed, runJob, searchSpec, UnitTree } from "../src/distributed/index.js";
import type { UnitsWork } from "../src/distributed/jobs.js";
import { factoryOf, lastzero } from "../src/examples.js";
import {
  expectOneProcessResult,
  lastzeroAB,
  runsOf,
  smallDporProgram,
  unreliableTransport,
} from "./fixtures/distributed.js";
import { programArb } from "./fixtures/generated.js";
import { SimTransport } from "./fixtures/transport.js";

const RUNS = Number(process.env["KPRIM_FUZZ_RUNS"] ?? 40);
const SEED = Number(process.env["KPRIM_FUZZ_SEED"] ?? 11);

const dpor: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };

describe("give and go on: a job cut by a call for work keeps all but the last open unit (keep)", () => {
  it("the root job, cut: it keeps the units the coordinator would make but the last, which alone is handed out", () => {
    const f = factoryOf(lastzero(5));
    const spec = searchSpec(f, dpor);
    const keep = new UnitTree({ prefix: [], stopOnFound: false, idleSplit: 7, keep: true });
    const plain = new UnitTree({ prefix: [], stopOnFound: false, idleSplit: 7 });
    const [root] = keep.take(2, 2);
    const [plainRoot] = plain.take(2, 2);
    expect(root!.work).toMatchObject({ keep: true, idleSplit: 7 });
    const r = runJob(f, { id: "a", search: spec, work: root!.work }, { shouldYield: () => false, idle: () => true });
    if (r.kind !== "units") throw new Error("units expected");
    expect(r.slices[0]!.outcome.end).toBe("yield");
    // What the coordinator makes of the same cut without keep: every open unit, one job each.
    plain.give(plainRoot!.tag, { ...r, kept: undefined, keptCarry: undefined });
    const open = plain.take(100, 1).flatMap((j) => j.work.units);
    expect(open.length).toBeGreaterThan(2);
    expect(r.kept).toEqual(open.slice(0, -1));
    // The root unit is the search's earliest open one: the continuation carries on from its first kept unit.
    expect(r.keptCarry?.nodes.length).toBe(r.kept![0]!.key.length);
    const next = continuationOf({ id: "a", search: spec, work: root!.work }, r);
    expect(next?.id).toBe("a+");
    expect(next?.work).toMatchObject({ kind: "units", units: r.kept, keep: true, idleSplit: 7 });
    // The coordinator holds the kept units as out, under the continuation's tag, and hands out the last alone.
    const tag = keep.give(root!.tag, r);
    expect(typeof tag).toBe("number");
    const out = keep.take(100, 1);
    expect(out.flatMap((j) => j.work.units)).toEqual([open.at(-1)]);
    expect(keep.outstanding).toBe(2);
    // The continuation comes back under its tag, and the search goes on to the one-process counts.
    const rest = runJob(f, next!, { shouldYield: () => false, idle: () => false });
    expect(keep.give(tag!, rest)).toBeNull();
    for (let jobs = out; jobs.length > 0; jobs = keep.take(100, 0)) {
      for (const j of jobs) {
        keep.give(j.tag, runJob(f, { id: "j", search: spec, work: j.work }, { shouldYield: () => false }));
      }
    }
    expect(keep.end).toBe("finished");
    const one = explore(f, dpor);
    expect([keep.totals().tally.executions, keep.totals().blocked]).toEqual([one.executions, one.blocked]);
  });

  it("under a budget, a job sent while an earlier unit is out carries on ahead (ahead), its budget a bound", () => {
    const f = factoryOf(lastzero(5));
    const opts: ExploreOptions = { ...dpor, maxExecutions: 50 };
    const spec = searchSpec(f, opts);
    const tree = new UnitTree({ prefix: [], stopOnFound: false, maxExecutions: 50, carry: true, ahead: true });
    const [root] = tree.take(1);
    let n = 0;
    tree.give(root!.tag, runJob(f, { id: "a", search: spec, work: root!.work }, { shouldYield: () => ++n >= 7 }));
    const jobs = tree.take(4);
    expect(jobs.length).toBeGreaterThan(1);
    // The first is the earliest open unit; the others are ahead of the search, and carry on all the same,
    // with what is left of the budget after the executions settled: at least what is left from their unit.
    const left = 50 - tree.executions;
    for (const j of jobs) expect(j.work.carry?.budget).toBe(left);
    expect(left).toBeGreaterThan(0);
  });

  it("a job cut by its slice's time, or without keep, keeps nothing", () => {
    const f = factoryOf(lastzero(5));
    const spec = searchSpec(f, dpor);
    const [root] = new UnitTree({ prefix: [], stopOnFound: false, idleSplit: 7, keep: true }).take(2, 2);
    let n = 0;
    const timed = runJob(f, { id: "a", search: spec, work: root!.work }, { shouldYield: () => ++n > 9 });
    expect(timed.kind === "units" && timed.kept).toBeUndefined();
    const work: UnitsWork = { ...root!.work, keep: undefined };
    const deaf = runJob(f, { id: "a", search: spec, work }, { shouldYield: () => false, idle: () => true });
    expect(deaf.kind === "units" && deaf.kept).toBeUndefined();
  });

  it("lastzero-5 and -6 on two workers: the one-process result, continuations made, no subtree twice", async () => {
    await lastzeroAB(
      { maxSlice: 1e9, hears: true },
      { idleSplit: 16, carry: true, gather: true },
      { idleSplit: 16, carry: true, gather: true, keep: true },
      (sent, kept) => {
        expect(sent.continued).toBe(0);
        expect(kept.continued).toBeGreaterThan(0);
      },
    );
  });

  it("continuations lost (their worker died: the job they came from comes back twice) are handed out again", async () => {
    const f = factoryOf(lastzero(5));
    const one = explore(f, dpor);
    let lost = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const t = new SimTransport(f, { seed, maxSlice: 1e9, workers: 2, hears: true, calls: 50, losses: 250 });
      const many = await exploreDistributed(f, { ...dpor, idleSplit: 3, carry: true, gather: true, keep: true }, t);
      expect(many).toEqual(one);
      expect(t.runs).toBeGreaterThanOrEqual(runsOf(one));
      lost += t.lostContinuations;
    }
    expect(lost).toBeGreaterThan(0);
  });

  it("a budget and the first finding stop it where one process stops, ahead of the search too", async () => {
    const f = factoryOf(lastzero(5));
    for (const keep of [
      { idleSplit: 3, carry: true, gather: true, keep: true },
      { idleSplit: 3, carry: true, gather: true, keep: true, ahead: true },
    ])
      for (const maxExecutions of [1, 17, 40, 63, 64]) {
        const opts: ExploreOptions = { mode: { kind: "dpor" }, maxExecutions };
        const t = new SimTransport(f, { seed: maxExecutions, maxSlice: 30, workers: 2, hears: true, calls: 20 });
        const many = await exploreDistributed(f, { ...opts, ...keep }, t);
        expect(many).toEqual(explore(f, opts));
        expect(many.executions).toBe(maxExecutions);
      }
    const found: ExploreOptions = { mode: { kind: "dpor" }, target: "any", stopOnFound: true };
    const t = new SimTransport(f, { seed: 4, maxSlice: 1e9, workers: 2, hears: true, calls: 30 });
    const keep = { idleSplit: 3, carry: true, gather: true, keep: true, ahead: true };
    expect(await exploreDistributed(f, { ...found, ...keep }, t)).toEqual(explore(f, found));
  });

  test.prop([programArb(), fc.integer({ min: 1, max: 1000 })], { numRuns: Math.ceil(RUNS / 2), seed: SEED + 7 })(
    "generated programs under a budget: carried on ahead and kept, cut anywhere — the one-process result",
    async (spec, seed) => {
      const f = smallDporProgram(spec);
      const one = explore(f, { mode: { kind: "dpor" }, maxSteps: 200, stopOnFound: false, shrink: false });
      const maxExecutions = 1 + (seed % Math.max(1, one.executions));
      const opts: ExploreOptions = {
        mode: { kind: "dpor" },
        maxSteps: 200,
        stopOnFound: false,
        shrink: false,
        maxExecutions,
      };
      const t = unreliableTransport(f, seed);
      const extra = { idleSplit: 1 + (seed % 5), carry: true, gather: seed % 2 === 0, ahead: true, keep: true };
      expect(await exploreDistributed(f, { ...opts, ...extra }, t)).toEqual(explore(f, opts));
    },
    120_000,
  );

  test.prop([programArb(), fc.integer({ min: 1, max: 1000 })], { numRuns: Math.ceil(RUNS / 2), seed: SEED + 6 })(
    "generated programs: carried on ahead and kept, cut anywhere, jobs lost and delivered twice — the one-process result",
    (spec, seed) => expectOneProcessResult(spec, seed, { carry: true, ahead: true, keep: true }, "atLeast"),
    120_000,
  );

  test.prop([programArb(), fc.integer({ min: 1, max: 1000 })], { numRuns: RUNS, seed: SEED + 5 })(
    "generated programs: gathered, carried on, kept, cut anywhere, jobs lost and delivered twice — the one-process result",
    (spec, seed) => expectOneProcessResult(spec, seed, { carry: true, gather: true, keep: true }, "atLeast"),
    120_000,
  );
});
