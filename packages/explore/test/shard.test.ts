/**
 * Static shards: N parts of one search, run apart and merged. Sampling
 * parts merge into the one-process result exactly. DPOR parts (every choice
 * scheduled above a split, DPOR below it) complete the same executions as
 * one DPOR search — their number, outcomes and console counts, and whether
 * the space was exhausted — on the classic programs and on generated ones,
 * for any number of parts; only the sleep-set-blocked executions differ.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { explore, exploreAuto, type ExploreOptions, type MachineFactory, replaySchedule } from "../src/index.js";
import { exploreAutoShard, exploreShard, mergeShards, mismatch, type Part } from "../src/distributed/index.js";
import { adders, factoryOf, indexer, lastzero, lostUpdate, polite } from "../src/examples.js";
import { buildProgram, programArb } from "./fixtures/generated.js";

const RUNS = Number(process.env["KPRIM_FUZZ_RUNS"] ?? 40);
const SEED = Number(process.env["KPRIM_FUZZ_SEED"] ?? 13);
const never = { shouldYield: () => false };

function parts(f: MachineFactory, opts: ExploreOptions, count: number): Part[] {
  return [...Array(count).keys()].map((index) => exploreShard(f, opts, { index, count }, never));
}

/** What one DPOR search and its merged shards must agree on. */
const completed = (r: ReturnType<typeof explore>) => ({
  kind: r.kind,
  executions: r.executions,
  outcomes: r.outcomes,
  console: r.console,
  stepLimited: r.stepLimited,
  exhausted: r.kind === "not-found" && r.exhausted,
});

describe("DPOR in static shards completes the executions one DPOR search completes", () => {
  for (const p of [lastzero(3), lastzero(5), indexer(3, 6, 2), lostUpdate(3), polite(), adders(3, 2)]) {
    it(`${p.name}, in 2, 3 and 5 parts`, () => {
      const f = factoryOf(p);
      const opts: ExploreOptions = { mode: { kind: "dpor" }, target: "any", stopOnFound: false };
      const one = explore(f, opts);
      for (const count of [2, 3, 5]) {
        const merged = mergeShards(f, parts(f, opts, count));
        expect(completed(merged)).toEqual(completed(one));
        expect(merged.blocked).toBeGreaterThanOrEqual(one.blocked);
      }
    });
  }

  it("one part is the one-process search itself", () => {
    const f = factoryOf(lastzero(4));
    const opts: ExploreOptions = { mode: { kind: "dpor" }, target: "any" };
    expect(mergeShards(f, parts(f, opts, 1))).toEqual(explore(f, opts));
  });

  it("a finding: the same verdict, and the parts after it do not count", () => {
    const f = factoryOf(lostUpdate(3));
    const opts: ExploreOptions = { mode: { kind: "dpor" }, target: "violation:lost-update" };
    const merged = mergeShards(f, parts(f, opts, 3));
    expect(merged.kind).toBe("found");
    if (merged.kind !== "found") return;
    expect(replaySchedule(f, merged.shrunk).outcome.kind).toBe("violation");
    expect(mergeShards(f, parts(f, opts, 3))).toEqual(merged);
  });

  test.prop([programArb(), fc.integer({ min: 2, max: 6 })], { numRuns: RUNS, seed: SEED })(
    "generated programs, any number of parts",
    (spec, count) => {
      const f = factoryOf(buildProgram(spec));
      const opts: ExploreOptions = { mode: { kind: "dpor" }, maxSteps: 200, stopOnFound: false, shrink: false };
      const one = explore(f, { ...opts, maxExecutions: 2_000 });
      fc.pre(one.executions < 2_000);
      expect(completed(mergeShards(f, parts(f, opts, count)))).toEqual(completed(explore(f, opts)));
    },
    120_000,
  );
});

describe("sampling in static shards is the one-process result", () => {
  it("random and PCT, found and not found, in 1 to 4 parts", () => {
    const f = factoryOf(lostUpdate(3));
    for (const mode of [
      { kind: "random", seed: 3, runs: 200 },
      { kind: "pct", seed: 5, runs: 150, depth: 2 },
    ] as const) {
      for (const target of ["violation:lost-update", "deadlock"]) {
        const one = explore(f, { mode, target });
        for (const count of [1, 2, 4]) expect(mergeShards(f, parts(f, { mode, target }, count))).toEqual(one);
      }
    }
  });
});

describe("the default exploration in static shards", () => {
  it("a finding in the burst is the one-process result; DPOR after it completes the same executions", () => {
    const run = (f: MachineFactory, count: number) =>
      mergeShards(
        f,
        [...Array(count).keys()].map((index) => exploreAutoShard(f, { maxExecutions: 2_000 }, { index, count }, never)),
      );
    const lost = factoryOf(lostUpdate(3));
    expect(run(lost, 3)).toEqual(exploreAuto(lost, { maxExecutions: 2_000 }));
    const lz = factoryOf(lastzero(4));
    const one = exploreAuto(lz, { maxExecutions: 2_000 });
    const merged = run(lz, 2);
    expect(completed(merged)).toEqual(completed(one));
    expect("phases" in merged && merged.phases.map((p) => p.mode)).toEqual(one.phases.map((p) => p.mode));
  });
});

describe("parts that are not one search", () => {
  it("are refused with the reason", () => {
    const f = factoryOf(lastzero(3));
    const opts: ExploreOptions = { mode: { kind: "dpor" } };
    const three = parts(f, opts, 3);
    expect(mismatch(three.slice(0, 2))).toBe("shard 2 of 3 missing");
    expect(mismatch([...three, three[1]!])).toBe("shard 1/3 given twice");
    expect(mismatch([...three.slice(0, 2), ...parts(f, opts, 2).slice(1)])).toBe("parts of 3 and of 2 shards");
    const other = parts(f, { mode: { kind: "dpor" }, maxSteps: 50 }, 3);
    expect(mismatch([three[0]!, three[1]!, other[2]!])).toBe("shard 2/3 is of another search");
    expect(() => mergeShards(f, three.slice(1))).toThrow(/the parts do not make one search: shard 0 of 3 missing/);
  });
});
