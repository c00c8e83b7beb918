/**
 * A machine built per run — as a queue worker's sampling jobs build one —
 * is garbage once its run ends, and V8's young-generation collector must
 * be able to free it there. Anything a layer keeps for a lock or a cell in
 * a module-level WeakMap whose value leads back to its key (a description
 * holding the machine, a footprint holding its cell) is freed only by a
 * full collection: every run's machine was then copied and promoted to the
 * old generation, and a worker ran ~1.6x slower per run than in one
 * process. Measured as what a young collection leaves in the old
 * generation, per run, against the size of one machine; not a timing.
 */
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { type Machine, random } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { prepare, scenarioFactory } from "../src/index.js";

v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as (o?: { type: "minor" | "major" }) => void;

const oldSpace = (): number => v8.getHeapSpaceStatistics().find((s) => s.space_name === "old_space")!.space_used_size;

/** Runs per measure. */
const RUNS = 100;

describe("a machine built per run", () => {
  it("is freed by young-generation collections once its run ends (lost-wakeup, spinlock and sleep hash)", () => {
    const factory = scenarioFactory(prepare({ scenario: "lost-wakeup", params: { sleepers: "3" } }));
    let seed = 1;
    let contended = 0;
    const runOne = (): Machine => {
      const m = factory({ strategy: random({ seed: seed++ }) });
      const r = m.run();
      if (r.counters.total.spinCycles > 0) contended++;
      return m;
    };
    // Warm up (compiled code and feedback go to the old generation too).
    for (let i = 0; i < 300; i++) runOne();
    // What young collections leave in the old generation per run: machines dropped, or kept on purpose.
    const promotedPerRun = (keep: Machine[] | null): number => {
      gc();
      gc();
      const start = oldSpace();
      for (let i = 0; i < RUNS; i++) {
        const m = runOne();
        keep?.push(m);
      }
      gc({ type: "minor" });
      gc({ type: "minor" });
      return (oldSpace() - start) / RUNS;
    };
    const dropped = promotedPerRun(null);
    const kept: Machine[] = [];
    const whole = promotedPerRun(kept);
    expect(kept).toHaveLength(RUNS);
    expect(contended).toBeGreaterThan(0);
    // A kept machine is promoted whole (tens of kilobytes); a dropped one must not be: a few per cent.
    expect(whole).toBeGreaterThan(10_000);
    expect(dropped).toBeLessThan(whole / 4);
  });
});
