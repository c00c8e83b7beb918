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

  it("load a factory export that returns a promise, and stop handing out slices once asked to", async () => {
    const mode = { kind: "random" as const, seed: 1, runs: 40 };
    const serial = explore(exampleFactory({ name: "lastzero", n: 3 }), { mode, target: "panic" });
    const all = await exploreParallel(spec, { mode, workers: 1, slice: 5, target: "panic" });
    expect({ ...all, mode: "" }).toEqual({ ...serial, mode: "" });
    // One worker: asked before each slice is handed out; the second answer stops it after one slice.
    const stopped = await exploreParallel(spec, { mode, workers: 1, slice: 5, target: "panic", ...stopAfter(2) });
    expect([stopped.executions, stopped.stopped]).toEqual([5, true]);
  }, 60_000);

  it("a factory export that rejects is a clear error", async () => {
    await expect(
      exploreParallel({ module, export: "failingFactory" }, { mode: { kind: "random", seed: 1, runs: 4 }, workers: 1 }),
    ).rejects.toThrow("plugin ./nope.js failed to load");
  }, 60_000);
});
