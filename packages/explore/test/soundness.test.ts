/**
 * Soundness of the reduction: on generated small programs that use every op
 * kind, DPOR with sleep sets reaches exactly the final states and failures
 * that a naive DFS over every schedule reaches, in fewer or as many
 * executions. Also the classic DPOR programs, with both execution counts.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { Machine, RunResult } from "@kprim/machine";
import { search, type Reduction } from "../src/exhaustive/search.js";
import type { MachineFactory } from "../src/index.js";
import { buildProgram, programArb } from "./fixtures/generated.js";
import { dumpCells, factoryOf, indexer, lastzero, lostUpdate, type Program } from "./fixtures/programs.js";

/** A canonical final state: outcome (with its failure), cells, thread states, console lines as a multiset. */
function finalState(m: Machine, r: RunResult): string {
  const o = r.outcome;
  const failure =
    o.kind === "panic"
      ? `panic:${o.message}`
      : o.kind === "violation"
        ? `violation:${o.reports.map((x) => x.detector).join("+")}`
        : o.kind;
  const cells = dumpCells(m)
    .map((c) => `${c.name}=${JSON.stringify(m.peek(c))}`)
    .join(" ");
  const threads = m.threads.map((t) => `${t.name}:${t.state}`).join(" ");
  const console = r.console
    .map((l) => l.text)
    .sort()
    .join("|");
  return `${failure} | ${cells} | ${threads} | ${console}`;
}

/** Programs whose naive space is larger are skipped (fc.pre), to keep the suite fast. */
const CAP = 3_000;
/** KPRIM_FUZZ_RUNS / KPRIM_FUZZ_SEED run the property longer, e.g. before a change to the engine lands. */
const RUNS = Number(process.env["KPRIM_FUZZ_RUNS"] ?? 100);
const SEED = Number(process.env["KPRIM_FUZZ_SEED"] ?? 7);

function explore(f: MachineFactory, reduction: Reduction, cap: number) {
  const states = new Set<string>();
  const stats = search(f, { reduction, maxSteps: 200, maxExecutions: cap }, ({ machine, result }) => {
    states.add(finalState(machine, result));
    return false;
  });
  return { states, stats };
}

function compare(p: Program, cap = CAP) {
  const naive = explore(factoryOf(p), "none", cap);
  const dpor = explore(factoryOf(p), "dpor", cap);
  return { naive, dpor };
}

describe("DPOR soundness against naive DFS", () => {
  test.prop([programArb()], { numRuns: RUNS, seed: SEED })(
    "generated programs: the same final states and failures, in no more executions",
    (spec) => {
      const { naive, dpor } = compare(buildProgram(spec));
      fc.pre(naive.stats.finished && naive.stats.stepLimited === 0);
      if (process.env["KPRIM_FUZZ_LOG"]) console.log(naive.stats.executions, dpor.stats.executions);
      expect(dpor.stats.exhausted).toBe(true);
      expect([...dpor.states].sort()).toEqual([...naive.states].sort());
      expect(dpor.stats.executions).toBeLessThanOrEqual(naive.stats.executions);
    },
    120_000,
  );

  const classic: Program[] = [lastzero(3), indexer(2, 4, 2), indexer(3, 6, 2), lostUpdate(3)];
  for (const p of classic) {
    it(`${p.name}: the same final states, fewer executions`, () => {
      const { naive, dpor } = compare(p, 100_000);
      console.log(
        `${p.name}: naive ${naive.stats.executions} executions, DPOR ${dpor.stats.executions} (+${dpor.stats.blocked} sleep-set blocked), ${dpor.states.size} final states`,
      );
      expect(naive.stats.exhausted && dpor.stats.exhausted).toBe(true);
      expect([...dpor.states].sort()).toEqual([...naive.states].sort());
      expect(dpor.stats.executions).toBeLessThan(naive.stats.executions);
    });
  }
});
