import { describe, expect, it } from "vitest";
import { search } from "../src/exhaustive/search.js";
import type { MachineFactory } from "../src/index.js";
import { adders, dumpCells, factoryOf, indexer, lastzero, lostUpdate, type Program } from "./fixtures/programs.js";

function states(f: MachineFactory, reduction: "dpor" | "none") {
  const seen = new Set<string>();
  const stats = search(f, { reduction, maxSteps: 1000 }, ({ machine, result }) => {
    seen.add(
      `${result.outcome.kind} ${dumpCells(machine)
        .map((c) => JSON.stringify(machine.peek(c)))
        .join(",")}`,
    );
    return false;
  });
  return { seen, stats };
}

describe("sanity", () => {
  for (const p of [
    lostUpdate(2),
    lostUpdate(3),
    lastzero(2),
    lastzero(3),
    indexer(2, 4, 2),
    indexer(3, 6, 2),
    adders(2, 2),
    adders(3, 2),
  ] as Program[]) {
    it(p.name, () => {
      const naive = states(factoryOf(p), "none");
      const dpor = states(factoryOf(p), "dpor");
      console.log(p.name, naive.stats, dpor.stats, [...dpor.seen]);
      expect([...dpor.seen].sort()).toEqual([...naive.seen].sort());
    });
  }
});
