/**
 * Stopping an exploration from outside (the CLI's Ctrl-C and time limit):
 * `shouldStop` is asked after each execution; a stopped result counts what
 * ran, says `stopped`, and is never exhausted.
 */
import { describe, expect, it } from "vitest";
import { explore, exploreParallel, type FactorySpec } from "../src/index.js";
import { exampleFactory } from "../src/examples.js";

const stopAfter = (n: number): { shouldStop: () => boolean; asked: () => number } => {
  let asked = 0;
  return { shouldStop: () => ++asked >= n, asked: () => asked };
};

describe("shouldStop", () => {
  it("ends an exhaustive DPOR search after the execution it answers true for", () => {
    const factory = exampleFactory({ name: "lastzero", n: 3 });
    const full = explore(factory, { mode: { kind: "dpor" }, target: "panic" });
    expect(full.kind === "not-found" && full.exhausted).toBe(true);
    expect(full.stopped).toBe(false);
    expect(full.executions).toBeGreaterThan(4);

    const r = explore(factory, { mode: { kind: "dpor" }, target: "panic", ...stopAfter(4) });
    expect(r.kind).toBe("not-found");
    expect(r.stopped).toBe(true);
    expect(r.executions).toBe(4);
    expect(r.kind === "not-found" && r.exhausted).toBe(false);
  });

  it("ends random sampling and iterative bounding the same way", () => {
    const factory = exampleFactory({ name: "lastzero", n: 3 });
    const random = explore(factory, { mode: { kind: "random", seed: 1, runs: 50 }, target: "panic", ...stopAfter(3) });
    expect([random.executions, random.stopped]).toEqual([3, true]);
    const iter = explore(factory, {
      mode: { kind: "iterative", reduction: "dpor", maxBound: 3 },
      target: "panic",
      ...stopAfter(2),
    });
    expect([iter.executions, iter.stopped]).toEqual([2, true]);
    expect(iter.kind === "not-found" && iter.exhausted).toBe(false);
  });

  it("does not mark a result stopped when the execution it would stop at found the target", () => {
    const factory = exampleFactory({ name: "lost-update", n: 2 });
    const opts = { mode: { kind: "dpor" as const }, target: "violation:lost-update" };
    const free = explore(factory, opts);
    expect(free.kind).toBe("found");
    const at = free.kind === "found" ? free.executionsToFound : 0;
    expect(at).toBeGreaterThan(1);
    const r = explore(factory, { ...opts, ...stopAfter(at) });
    expect(r.kind).toBe("found");
    expect(r.stopped).toBe(false);
    expect(r.executions).toBe(at);
    const early = explore(factory, { ...opts, ...stopAfter(at - 1) });
    expect([early.kind, early.stopped, early.executions]).toEqual(["not-found", true, at - 1]);
  });
});

describe("parallel runs", () => {
  const module = new URL("./fixtures/asyncFactory.ts", import.meta.url).href;
  const spec: FactorySpec = { module, export: "asyncExampleFactory", args: { name: "lastzero", n: 3 } };

  it("load a factory export that returns a promise; a stop asked for before any slice runs nothing", async () => {
    const mode = { kind: "random" as const, seed: 1, runs: 40 };
    const serial = explore(exampleFactory({ name: "lastzero", n: 3 }), { mode, target: "panic" });
    const all = await exploreParallel(spec, { mode, workers: 1, slice: 5, target: "panic" });
    expect({ ...all, mode: "" }).toEqual({ ...serial, mode: "" });
    const none = await exploreParallel(spec, { mode, workers: 1, slice: 5, target: "panic", shouldStop: () => true });
    expect([none.executions, none.stopped]).toEqual([0, true]);
  }, 60_000);

  it("progress counts every worker's runs as they finish; a stop ends the slices in progress after their current run", async () => {
    const mode = { kind: "random" as const, seed: 1, runs: 5_000_000 };
    const seen: number[] = [];
    const r = await exploreParallel(spec, {
      mode,
      workers: 2,
      slice: 1_000_000,
      target: "panic",
      onExecution: (n) => seen.push(n),
      // Stop once progress has shown some runs: both workers are then inside their first slice.
      shouldStop: () => (seen.at(-1) ?? 0) > 0,
    });
    expect(r.stopped).toBe(true);
    expect(r.executions).toBeGreaterThan(0);
    expect(r.executions).toBeLessThan(1_000_000);
    // Progress rose while the slices ran (before any slice finished), and ends at the result's count.
    expect(seen.some((n) => n > 0 && n < 1_000_000)).toBe(true);
    expect(seen.at(-1)).toBe(r.executions);
    // What is counted is the first runs, in order: the serial result for that many runs.
    const serial = explore(exampleFactory({ name: "lastzero", n: 3 }), {
      mode: { ...mode, runs: r.executions },
      target: "panic",
    });
    expect(r.outcomes).toEqual(serial.outcomes);
  }, 60_000);

  it("a factory export that rejects is a clear error", async () => {
    await expect(
      exploreParallel({ module, export: "failingFactory" }, { mode: { kind: "random", seed: 1, runs: 4 }, workers: 1 }),
    ).rejects.toThrow("plugin ./nope.js failed to load");
  }, 60_000);
});
