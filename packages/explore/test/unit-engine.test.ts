/**
 * One engine for many work units (search.ts `engine`, worker.ts
 * `unitEngine`): a unit explored on an engine that explored other units
 * before — going on from the machine, the path records and the saved states
 * they left — gives exactly what it gives on an engine of its own: the same
 * executions in the same order, counts, requests, root footprint and
 * frontier. Checked on the units a distributed search hands out (classic and
 * generated programs), explored in a shuffled order, with probes between
 * them and slices cut short, with restoring on and off. And a job's units,
 * and the next job's, are explored on one machine.
 */
import { fc, test } from "@fast-check/vitest";
import { Prng } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import type { ExploreOptions, MachineFactory } from "../src/index.js";
import { exploreDistributed, type Job, runJob, searchSpec, type Transport } from "../src/distributed/index.js";
import { searchOptions, unitDone } from "../src/distributed/worker.js";
import { engine, type Explorer } from "../src/exhaustive/search.js";
import type { SearchOptions, UnitContext } from "../src/exhaustive/types.js";
import { footprintOf, type WorkUnit } from "../src/exhaustive/units.js";
import { factoryOf, indexer, lastzero, lostUpdate } from "../src/examples.js";
import { programArb } from "./fixtures/generated.js";
import { smallDporProgram } from "./fixtures/distributed.js";
import { SimTransport } from "./fixtures/transport.js";

const RUNS = Number(process.env["KPRIM_FUZZ_RUNS"] ?? 15);
const SEED = Number(process.env["KPRIM_FUZZ_SEED"] ?? 21);

const DPOR: ExploreOptions = { mode: { kind: "dpor" }, maxSteps: 200, stopOnFound: false, shrink: false };

/** Every unit of every units job a 2-worker distributed search sends (short slices: many units, many frontiers). */
async function unitsOf(f: MachineFactory, seed: number): Promise<WorkUnit[]> {
  const t = new SimTransport(f, { seed, maxSlice: 4, workers: 2, hears: true, calls: 50 });
  const units: WorkUnit[] = [];
  const send = t.send.bind(t);
  const sending: Transport["send"] = (job: Job) => {
    if (job.work.kind === "units") units.push(...job.work.units);
    return send(job);
  };
  t.send = sending;
  await exploreDistributed(f, { ...DPOR, idleSplit: 2 }, t);
  return units;
}

/** What exploring a unit gives, with every execution's schedule and outcome, in order. */
function explored(explore: Explorer, ctx: UnitContext, cap: number | undefined) {
  const runs: string[] = [];
  const run = explore(
    ctx,
    ({ result }) => (runs.push(`${result.schedule.choices.join(".")} ${result.outcome.kind}`), false),
    cap,
  );
  return { runs, ...run };
}

/**
 * Each unit (and the probe of its root's first choice, as `unitDone` makes
 * it) on one engine, in a seeded order, slices cut after a seeded number of
 * executions, against each on an engine of its own.
 */
function expectSameOnOneEngine(f: MachineFactory, opts: SearchOptions, units: readonly WorkUnit[], seed: number) {
  const prng = new Prng(seed);
  const order = units.map((u, i) => ({ u, i, r: prng.nextInt(1 << 30) })).sort((a, b) => a.r - b.r || a.i - b.i);
  const shared = engine(f, opts, true);
  for (const { u } of order) {
    const probe: UnitContext = {
      unit: { key: [], path: u.path, sleep: [], before: [], known: [] },
      sleep: [],
      done: [],
      requests: false,
      splitAt: 0,
    };
    expect(explored(shared, probe, undefined)).toEqual(explored(engine(f, opts, true), probe, undefined));
    const stop = 1 + prng.nextInt(6);
    let n = 0;
    const ctx: UnitContext = {
      unit: u,
      sleep: u.sleep.map(footprintOf),
      done: unitDone(f, opts, u),
      requests: true,
      shouldYield: () => ++n % stop === 0,
    };
    const cap = prng.nextInt(4) === 0 ? 1 + prng.nextInt(3) : undefined;
    const alone = explored(engine(f, opts, true), ctx, cap);
    n = 0;
    expect(explored(shared, ctx, cap)).toEqual(alone);
  }
}

describe("a unit explored on an engine that explored others gives what it gives on its own", () => {
  for (const p of [lastzero(5), indexer(3, 6, 2), lostUpdate(3)]) {
    for (const restore of [true, false]) {
      it(`${p.name}, restoring ${restore ? "on" : "off"}: the units a 2-worker search hands out, shuffled`, async () => {
        const f = factoryOf(p);
        const units = await unitsOf(f, 3);
        expect(units.length).toBeGreaterThan(10);
        const opts = { ...searchOptions(searchSpec(f, DPOR)), restore };
        expectSameOnOneEngine(f, opts, units, 5);
      });
    }
  }

  test.prop([programArb(), fc.integer({ min: 0, max: 1 << 20 })], { numRuns: RUNS, seed: SEED })(
    "generated programs: the units a 2-worker search hands out, shuffled, probes between, slices cut",
    async (spec, seed) => {
      const f = smallDporProgram(spec);
      const units = await unitsOf(f, seed);
      expectSameOnOneEngine(f, searchOptions(searchSpec(f, DPOR)), units.slice(0, 40), seed);
    },
  );
});

describe("a worker explores a search's units on one machine", () => {
  it("lastzero-6: a job of many units builds one machine, and the next job none", async () => {
    let builds = 0;
    const base = factoryOf(lastzero(6));
    const f: MachineFactory = (req) => (builds++, base(req));
    const units = await unitsOf(factoryOf(lastzero(6)), 4);
    expect(units.length).toBeGreaterThan(20);
    const search = searchSpec(f, DPOR);
    const never = { shouldYield: () => false };
    const first = runJob(f, { id: "a", search, work: { kind: "units", units: units.slice(0, 10) } }, never);
    expect(first.kind === "units" && first.slices.length).toBe(10);
    expect(builds).toBe(1);
    runJob(f, { id: "b", search, work: { kind: "units", units: units.slice(10, 20) } }, never);
    expect(builds).toBe(1);
  });
});
