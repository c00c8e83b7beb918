/**
 * Soundness of the reduction: on generated small programs that use every op
 * kind, DPOR with sleep sets reaches exactly the final states and failures
 * that a naive DFS over every schedule reaches, in fewer or as many
 * executions. Also the classic DPOR programs, with both execution counts.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { search, type Reduction } from "../src/exhaustive/search.js";
import type { MachineFactory } from "../src/index.js";
import { buildProgram, programArb, type ProgramSpec } from "./fixtures/generated.js";
import { finalState } from "./fixtures/finals.js";
import { factoryOf, indexer, lastzero, lostUpdate, type Program } from "../src/examples.js";

/** Programs whose naive space is larger are skipped (fc.pre), to keep the suite fast. */
const CAP = 3_000;
/** KPRIM_FUZZ_RUNS / KPRIM_FUZZ_SEED run the property longer, e.g. before a change to the engine lands. */
const RUNS = Number(process.env["KPRIM_FUZZ_RUNS"] ?? 100);
const SEED = Number(process.env["KPRIM_FUZZ_SEED"] ?? 7);

function explore(f: MachineFactory, reduction: Reduction, cap: number, commutativeAtomics = false) {
  const states = new Set<string>();
  const stats = search(
    f,
    { reduction, maxSteps: 200, maxExecutions: cap, commutativeAtomics },
    ({ machine, result }) => {
      states.add(finalState(machine, result));
      return false;
    },
  );
  return { states, stats };
}

function compare(p: Program, cap = CAP, commutativeAtomics = false) {
  const naive = explore(factoryOf(p), "none", cap);
  const dpor = explore(factoryOf(p), "dpor", cap, commutativeAtomics);
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
    Math.max(120_000, RUNS * 1_000),
  );

  test.prop([programArb()], { numRuns: Math.ceil(RUNS / 2), seed: SEED + 1 })(
    "generated programs, with commuting add/or/and: the same final states and failures",
    (spec) => {
      const { naive, dpor } = compare(buildProgram(spec), CAP, true);
      fc.pre(naive.stats.finished && naive.stats.stepLimited === 0);
      expect(dpor.stats.exhausted).toBe(true);
      expect([...dpor.states].sort()).toEqual([...naive.states].sort());
    },
    Math.max(120_000, RUNS * 1_000),
  );

  it("commuting add/or/and needs fewer executions for threads that only add", () => {
    const adds: Program = {
      name: "adds",
      cpus: 3,
      setup(m) {
        const c = m.cell("c", 0);
        const seen = m.cell("seen", -1);
        for (let t = 0; t < 2; t++) {
          m.spawn({
            cpu: t,
            name: `A${t}`,
            *body(k) {
              yield* k.add(c, 1);
              yield* k.add(c, 2);
            },
          });
        }
        m.spawn({
          cpu: 2,
          name: "R",
          *body(k) {
            yield* k.store(seen, yield* k.load(c));
          },
        });
        return [c, seen];
      },
    };
    const plain = explore(factoryOf(adds), "dpor", CAP);
    const commuting = explore(factoryOf(adds), "dpor", CAP, true);
    const naive = explore(factoryOf(adds), "none", CAP);
    expect([...commuting.states].sort()).toEqual([...naive.states].sort());
    expect([...plain.states].sort()).toEqual([...naive.states].sort());
    expect(commuting.stats.executions).toBeLessThan(plain.stats.executions);
  });

  // Counterexamples the property found while the engine was being built, one per missing rule.
  const regressions: [string, ProgramSpec][] = [
    [
      "a write disables a spinner that could have stepped first",
      {
        cpus: 3,
        cells: 2,
        threads: [
          { cpu: 0, interrupt: false, acts: [{ k: "cas", c: 0, e: 0, v: 1 }] },
          { cpu: 1, interrupt: false, acts: [{ k: "yield" }] },
          { cpu: 2, interrupt: false, acts: [{ k: "spin", c: 0, ipi: false }] },
          { cpu: 0, interrupt: false, acts: [{ k: "atomic", r: 1, w: 0 }] },
        ],
      },
    ],
    [
      "a panic ends the run before an enabled step",
      {
        cpus: 3,
        cells: 2,
        threads: [
          { cpu: 0, interrupt: false, acts: [{ k: "ipi", to: 0, c: 0, v: 0 }] },
          { cpu: 1, interrupt: false, acts: [{ k: "rmw", op: "add", c: 0, v: 1 }] },
          { cpu: 2, interrupt: false, acts: [{ k: "spin", c: 0, ipi: false }] },
          { cpu: 0, interrupt: false, acts: [{ k: "assert", c: 0, v: 0 }] },
        ],
      },
    ],
    [
      "a critical section holds off an interrupt that could have come first",
      {
        cpus: 3,
        cells: 2,
        threads: [
          { cpu: 0, interrupt: false, acts: [{ k: "yield" }] },
          { cpu: 1, interrupt: false, acts: [{ k: "spin", c: 0, ipi: false }] },
          { cpu: 2, interrupt: false, acts: [{ k: "atomic", r: 0, w: 0 }] },
          { cpu: 0, interrupt: false, acts: [{ k: "crit", body: [{ k: "ipiPoint" }] }] },
          {
            cpu: 0,
            interrupt: true,
            acts: [
              { k: "spin", c: 0, ipi: false },
              { k: "fetchAdd", c: 0 },
            ],
          },
        ],
      },
    ],
    [
      "an interrupt thread runs as 'step' after the thread it could have preempted",
      {
        cpus: 3,
        cells: 2,
        threads: [
          { cpu: 0, interrupt: false, acts: [{ k: "cas", c: 0, e: 0, v: 0 }] },
          { cpu: 1, interrupt: false, acts: [{ k: "spin", c: 0, ipi: false }] },
          { cpu: 2, interrupt: false, acts: [{ k: "storeReg", c: 0 }] },
          {
            cpu: 2,
            interrupt: true,
            acts: [
              { k: "sleep", s: 0, timeout: true },
              { k: "fetchAdd", c: 0 },
            ],
          },
        ],
      },
    ],
    [
      "two events must move before a step for a panic to precede it",
      {
        cpus: 3,
        cells: 2,
        threads: [
          {
            cpu: 0,
            interrupt: false,
            acts: [
              { k: "fetchAdd", c: 1 },
              { k: "swap", c: 0, v: 0 },
            ],
          },
          { cpu: 1, interrupt: false, acts: [{ k: "assert", c: 0, v: 0 }] },
          { cpu: 2, interrupt: false, acts: [{ k: "storeReg", c: 0 }] },
          { cpu: 0, interrupt: false, acts: [{ k: "yield" }] },
          {
            cpu: 1,
            interrupt: true,
            acts: [
              { k: "load", c: 1 },
              { k: "atomic", r: 1, w: 0 },
            ],
          },
        ],
      },
    ],
    [
      "a thread parked by a preemptor never takes its pending step",
      {
        cpus: 3,
        cells: 2,
        threads: [
          { cpu: 0, interrupt: false, acts: [{ k: "fetchAdd", c: 0 }] },
          { cpu: 1, interrupt: false, acts: [{ k: "sleep", s: 0, timeout: false }] },
          {
            cpu: 2,
            interrupt: false,
            acts: [
              { k: "spin", c: 0, ipi: false },
              { k: "cas", c: 0, e: 0, v: 0 },
            ],
          },
          { cpu: 0, interrupt: false, acts: [{ k: "swap", c: 0, v: 0 }] },
          {
            cpu: 2,
            interrupt: true,
            acts: [
              { k: "spin", c: 1, ipi: false },
              { k: "ipi", to: 0, c: 0, v: 0 },
            ],
          },
        ],
      },
    ],
    [
      "an armed interrupt never arrives once a critical section spins forever",
      {
        cpus: 2,
        cells: 2,
        threads: [
          {
            cpu: 0,
            interrupt: false,
            acts: [
              { k: "assert", c: 0, v: 0 },
              { k: "crit", body: [{ k: "spin", c: 0, ipi: false }] },
              { k: "spin", c: 0, ipi: false },
            ],
          },
          { cpu: 1, interrupt: false, acts: [{ k: "cas", c: 0, e: 0, v: 0 }] },
          { cpu: 0, interrupt: true, acts: [{ k: "rmw", op: "add", c: 0, v: 0 }] },
        ],
      },
    ],
    [
      "a wakeup cancels a timeout that could have fired first",
      {
        cpus: 3,
        cells: 2,
        threads: [
          { cpu: 0, interrupt: false, acts: [{ k: "ipiPoint" }] },
          { cpu: 1, interrupt: false, acts: [{ k: "atomic", r: 0, w: 0 }] },
          { cpu: 2, interrupt: false, acts: [{ k: "wake", s: 0 }] },
          {
            cpu: 2,
            interrupt: true,
            acts: [
              { k: "sleep", s: 0, timeout: true },
              { k: "spin", c: 0, ipi: false },
            ],
          },
        ],
      },
    ],
    [
      "a timeout wakes an interrupt thread before a panic",
      {
        cpus: 2,
        cells: 2,
        threads: [
          { cpu: 0, interrupt: false, acts: [{ k: "wake", s: 1 }] },
          {
            cpu: 1,
            interrupt: false,
            acts: [
              { k: "assert", c: 0, v: 0 },
              { k: "fetchAdd", c: 0 },
            ],
          },
          {
            cpu: 1,
            interrupt: true,
            acts: [
              { k: "sleep", s: 1, timeout: true },
              { k: "rmw", op: "add", c: 0, v: 1 },
            ],
          },
        ],
      },
    ],
  ];
  for (const [name, spec] of regressions) {
    it(`regression: ${name}`, () => {
      const { naive, dpor } = compare(buildProgram(spec));
      expect(naive.stats.exhausted && dpor.stats.exhausted).toBe(true);
      expect([...dpor.states].sort()).toEqual([...naive.states].sort());
    });
  }

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
