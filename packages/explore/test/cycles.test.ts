/**
 * Cycles: an execution that comes back to a machine state it was in,
 * through a declared loop, is cut, and every way out of the cycle is
 * explored; a state from which no way out leads to an end (a cycle nothing
 * else could break) is reported as a livelock.
 */
import { describe, expect, it } from "vitest";
import { explore } from "../src/index.js";
import { factoryOf, flipper, polite, programCells } from "../src/examples.js";
import { search } from "../src/exhaustive/search.js";

/** Final `order` values over an exhaustive search. */
function finals(fairCycles: boolean, reduction: "dpor" | "none", maxExecutions?: number) {
  const seen = new Set<string>();
  const limit = maxExecutions !== undefined ? { maxExecutions } : {};
  const stats = search(factoryOf(polite()), { reduction, maxSteps: 200, fairCycles, ...limit }, (t) => {
    if (t.result.outcome.kind === "ok") seen.add(String(t.machine.peek(programCells(t.machine)[0]!)));
    return false;
  });
  return { stats, seen: [...seen].sort() };
}

describe("exhaustive search and unfair cycles", () => {
  it("without cycle cutting, the polite threads' back-off rounds run to the step limit (inconclusive)", () => {
    const r = explore(factoryOf(polite()), {
      mode: { kind: "dpor" },
      maxSteps: 200,
      fairCycles: false,
      maxExecutions: 500,
    });
    expect(r).toMatchObject({ kind: "not-found", exhausted: false });
    expect(r.inconclusive?.count).toBeGreaterThan(0);
    const quiet = finals(false, "dpor", 2_000);
    expect(quiet.stats.stepLimited).toBeGreaterThan(0);
    expect(quiet.stats.exhausted).toBe(false);
  });

  it("cutting unfair cycles exhausts the polite threads, and both orders of entry are reached", () => {
    const dpor = finals(true, "dpor");
    expect(dpor.stats).toMatchObject({ exhausted: true, stepLimited: 0 });
    expect(dpor.stats.cycles).toBeGreaterThan(0);
    expect(dpor.seen).toEqual(["P0P1", "P1P0"]);
  });

  it("DPOR with cycle cutting reaches the same final states as naive DFS with it", () => {
    const naive = finals(true, "none");
    expect(naive.stats.exhausted).toBe(true);
    expect(finals(true, "dpor").seen).toEqual(naive.seen);
  });

  it("explore reports the cycles it cut and calls the space exhausted", () => {
    const r = explore(factoryOf(polite()), { mode: { kind: "dpor" }, maxSteps: 200 });
    expect(r).toMatchObject({ kind: "not-found", exhausted: true });
    expect(r.cycles).toBeGreaterThan(0);
  });

  it("a cycle with a single choice at every step is a livelock, reported where it closes (not at the step limit)", () => {
    const r = explore(factoryOf(flipper()), { mode: { kind: "dpor" }, maxSteps: 100 });
    expect(r).toMatchObject({ kind: "found", failureKind: "violation:livelock", stepLimited: 0 });
    expect(r.kind === "found" && r.shrunkSteps).toBeLessThan(10);
  });
});
