/**
 * DPOR, DFS and stateful DFS going back to a branch point by restoring the
 * state saved near it (option `restore`, the default) instead of building a
 * machine and replaying the path: over the whole catalogue, under every
 * variant, the same executions in the same order (schedule string, outcome,
 * console, counters) and the same counts as a search that replays every
 * execution from step 0 — and the searches that restore do build fewer
 * machines.
 * Every catalogue machine can be restored (each of its detectors saves and
 * puts back its state): none is left to replay, token and lockmgr machines
 * included, whose threads make references and take interlocks between
 * their yields.
 */
import { describe, expect, it } from "vitest";
import { type MachineFactory, runOnce, search, type SearchOptions } from "@kprim/explore";
import { formatSchedule, roundRobin } from "@kprim/machine";
import { coreOf, restoreBlocker } from "@kprim/machine/internal";
import { catalogue, prepare, scenarioFactory, VARIANT_NAMES } from "../src/index.js";

const BUDGET = 80;

function executions(f: MachineFactory, opts: SearchOptions): { lines: string[]; stats: unknown; builds: number } {
  const lines: string[] = [];
  let builds = 0;
  const counting: MachineFactory = (o) => {
    builds++;
    return f(o);
  };
  const stats = search(counting, opts, (t) => {
    const r = t.result;
    lines.push(JSON.stringify([formatSchedule(r.schedule), r.outcome, r.console, r.counters, r.steps, r.makespan]));
    return false;
  });
  return { lines, stats, builds };
}

const SEARCHES = [
  { name: "DPOR", opts: { reduction: "dpor" } },
  { name: "naive DFS", opts: { reduction: "none" } },
  // Stateful search keys every state (a fingerprint each): fewer of them.
  { name: "stateful DFS", opts: { reduction: "none", stateful: true, maxStates: 150 } },
] as const;

describe("DPOR, DFS and stateful search restore instead of replaying", () => {
  for (const { name, opts: searchOpts } of SEARCHES) {
    it(`${name}: the executions and counts of a search that replays, over the catalogue`, () => {
      const failures: string[] = [];
      let fewer = 0;
      let compared = 0;
      let restorable = 0;
      for (const s of catalogue) {
        for (const variant of VARIANT_NAMES) {
          const f = scenarioFactory(prepare({ scenario: s.name, variant }));
          // A machine with a detector that cannot be restored would be replayed: none may be.
          let blocked: string | null = null;
          runOnce(f, { strategy: roundRobin(), maxSteps: 1, onBuilt: (m) => (blocked = restoreBlocker(coreOf(m))) });
          if (blocked !== null) {
            failures.push(`${s.name} under ${variant}: not restorable (${String(blocked)})`);
            continue;
          }
          restorable++;
          const opts = { ...searchOpts, maxSteps: 300, maxExecutions: BUDGET };
          const replayed = executions(f, { ...opts, restore: false });
          let restored: ReturnType<typeof executions>;
          try {
            restored = executions(f, { ...opts, restore: true });
          } catch (e) {
            failures.push(`${s.name} under ${variant}: ${(e as Error).message}`);
            continue;
          }
          compared += replayed.lines.length;
          const at = restored.lines.findIndex((l, i) => l !== replayed.lines[i]);
          if (at >= 0 || restored.lines.length !== replayed.lines.length) {
            failures.push(`${s.name} under ${variant}: execution ${at} differs`);
          } else if (JSON.stringify(restored.stats) !== JSON.stringify(replayed.stats)) {
            failures.push(`${s.name} under ${variant}: counts differ`);
          }
          if (replayed.lines.length > 1 && restored.builds < replayed.builds) fewer++;
        }
      }
      expect(failures.slice(0, 40)).toEqual([]);
      expect(compared).toBeGreaterThan(500);
      // Restoring is not silently off: the searches with more than one execution built fewer machines.
      expect(restorable).toBe(catalogue.length * VARIANT_NAMES.length);
      expect(fewer).toBeGreaterThan(restorable / 2);
    }, 600_000);
  }
});
