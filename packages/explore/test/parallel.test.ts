import { describe, expect, it } from "vitest";
import { explore, exploreParallel, type ExploreResult, type FactorySpec } from "../src/index.js";
import { exampleFactory } from "../src/examples.js";

const module = new URL("../src/examples.ts", import.meta.url).href;
const spec = (name: string, n: number): FactorySpec => ({ module, export: "exampleFactory", args: { name, n } });
const withoutMode = (r: ExploreResult) => ({ ...r, mode: "" });

describe("parallel random and PCT runs", () => {
  it("give the same result as serial runs with the same seeds (found, stopping at the first)", async () => {
    const mode = { kind: "random" as const, seed: 11, runs: 300 };
    const serial = explore(exampleFactory({ name: "lost-update", n: 3 }), { mode });
    const par = await exploreParallel(spec("lost-update", 3), { mode, workers: 2, slice: 3 });
    expect(par.kind).toBe("found");
    expect(withoutMode(par)).toEqual(withoutMode(serial));
    expect(par.mode).toBe("random(seed=11, runs=300) on 2 workers");
  }, 60_000);

  it("give the same counts as serial runs over every run (PCT, not stopping)", async () => {
    const mode = { kind: "pct" as const, seed: 4, runs: 120, depth: 2 };
    const serial = explore(exampleFactory({ name: "lastzero", n: 3 }), { mode, stopOnFound: false, target: "any" });
    const one = await exploreParallel(spec("lastzero", 3), { mode, workers: 1, stopOnFound: false, target: "any" });
    const two = await exploreParallel(spec("lastzero", 3), {
      mode,
      workers: 2,
      slice: 7,
      stopOnFound: false,
      target: "any",
    });
    expect(withoutMode(one)).toEqual(withoutMode(serial));
    expect(withoutMode(two)).toEqual(withoutMode(serial));
    expect(two.executions).toBe(120);
  }, 60_000);

  it("a module without the named export is a clear error", async () => {
    await expect(
      exploreParallel({ module, export: "nope" }, { mode: { kind: "random", seed: 1, runs: 4 }, workers: 1 }),
    ).rejects.toThrow(`${module} has no function export "nope"`);
    await expect(
      exploreParallel(spec("adders", 2), { mode: { kind: "random", seed: 1, runs: 4 }, workers: 0 }),
    ).rejects.toThrow("workers must be an integer ≥ 1, not 0");
  });
});
