/**
 * Cycle keys across a restore: a state put back in place by
 * @kprim/machine/internal's `restore` (each moved thread's generator rebuilt
 * from its resume log, so its pending op is a new object) has the numeric
 * cycle key it had when it was saved — which the string key, naming a
 * pending op by identity, does not keep — and an exhaustive search that
 * restores instead of replaying cuts the same cycles.
 */
import { describe, expect, it } from "vitest";
import { type Machine, random, type Strategy } from "@kprim/machine";
import { coreOf, CycleKeys, enableRestore, restore, snapshot, type Snapshot } from "@kprim/machine/internal";
import { type MachineFactory, runOnce } from "../src/index.js";
import { factoryOf, polite } from "../src/examples.js";
import { search } from "../src/exhaustive/search.js";

describe("cycle keys of restored states", () => {
  it("a restored state has the numeric key it had when it was saved; its string key changes", () => {
    let compared = 0;
    let stringsDiffer = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const keys = new CycleKeys();
      const vec = (m: Machine): string =>
        keys.write(coreOf(m)) ? Array.from(keys.out.v.subarray(0, keys.out.n)).join(",") : "none";
      const saved: { step: number; snap: Snapshot; v: string; s: string | null }[] = [];
      let built: Machine | null = null;
      const inner = random({ seed });
      const strategy: Strategy = {
        name: "saving",
        choose(enabled, view) {
          const snap = snapshot(coreOf(built!));
          if (snap !== null) saved.push({ step: view.step, snap, v: vec(built!), s: built!.stateKey() });
          return inner.choose(enabled, view);
        },
      };
      runOnce(factoryOf(polite()), {
        strategy,
        maxSteps: 60,
        onBuilt: (m) => {
          built = m;
          enableRestore(coreOf(m));
        },
      });
      for (const { step, snap, v, s } of saved.reverse()) {
        expect(restore(coreOf(built!), snap)).toBe(true);
        if (v === "none") continue;
        compared++;
        if (vec(built!) !== v) failures.push(`seed ${seed}: step ${step}`);
        if (built!.stateKey() !== s) stringsDiffer++;
      }
    }
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThan(100);
    // The string key names a pending op by identity: a rebuilt thread's op is a new object.
    expect(stringsDiffer).toBeGreaterThan(0);
  });

  it("DPOR and naive DFS cut the same cycles restoring as replaying, execution for execution", () => {
    for (const reduction of ["dpor", "none"] as const) {
      let builds = 0;
      const f = factoryOf(polite());
      const counting: MachineFactory = (req) => {
        builds++;
        return f(req);
      };
      const run = (restore: boolean) => {
        builds = 0;
        const outcomes: string[] = [];
        const stats = search(counting, { reduction, maxSteps: 200, restore }, (t) => {
          outcomes.push(`${t.result.schedule.choices.join(".")}:${t.result.outcome.kind}`);
          return false;
        });
        return { stats, outcomes, builds };
      };
      const replayed = run(false);
      const restored = run(true);
      expect(replayed.stats.cycles).toBeGreaterThan(0);
      expect(restored.outcomes).toEqual(replayed.outcomes);
      expect(restored.stats).toEqual(replayed.stats);
      // It did restore: one machine for the search.
      expect(restored.builds).toBe(1);
      expect(replayed.builds).toBeGreaterThan(10);
    }
  });
});
