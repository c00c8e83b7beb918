/**
 * Explorer benchmarks (issue 7). Every figure that has a target is a ratio
 * measured in the same process run, because the machines are shared and
 * noisy:
 *
 * - DPOR against naive DFS on the classic programs (executions, and DPOR
 *   executions per second);
 * - the lost-wakeup scenario: time to exhaust with the interlock (spinlock +
 *   tsleep_interlock, N = 2..7 sleepers) and time to the first failure
 *   without it — skipped with a note until the catalogue has it;
 * - mini-SCTBench: schedules to the first failure per technique on every R
 *   scenario of the catalogue (skipped with a note while there are none);
 * - schedules per second of a 2-thread race against fast-check's scheduler
 *   on the equivalent async race (target ≥ 50×);
 * - resident memory after 10,000 and 1,000,000 executions of one DPOR run
 *   (target within 1.2×);
 * - random/PCT throughput on 2 worker threads against 1 (target ≥ 1.7×).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { explore, type ExploreResult, exploreParallel, type MachineFactory, type Mode } from "@kprim/explore";
import { adders, factoryOf, indexer, lastzero } from "@kprim/explore/examples";
import { catalogue, findScenario, matrix, prepare, scenarioFactory } from "@kprim/scenarios";
import fc from "fast-check";
import { fmtRate } from "../measure.js";

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

function timed<T>(fn: () => T): { value: T; s: number } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { value, s: seconds(t0) };
}

/** A gc() for memory samples (v8 lets a script ask for it at run time). */
function gcFunction(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

// ------------------------------------------------------------ classic programs

function classic(quick: boolean): string[] {
  const rows: string[] = ["DPOR vs naive DFS on the classic programs (executions to exhaust; check mode off)"];
  const programs = [lastzero(3), indexer(3, 6, 2), ...(quick ? [] : [lastzero(4)])];
  for (const p of programs) {
    const f = factoryOf(p, false);
    const naive = timed(() => explore(f, { mode: { kind: "dfs" }, target: "panic", maxExecutions: 2_000_000 }));
    const dpor = timed(() => explore(f, { mode: { kind: "dpor" }, target: "panic" }));
    rows.push(
      `  ${p.name.padEnd(16)} naive ${String(naive.value.executions).padStart(8)}   DPOR ${String(dpor.value.executions).padStart(5)} (+${dpor.value.blocked} blocked)   ${(naive.value.executions / dpor.value.executions).toFixed(0)}× fewer`,
    );
  }
  for (const n of quick ? [12] : [12, 13]) {
    const f = factoryOf(indexer(n, 128, 4), false);
    const r = timed(() => explore(f, { mode: { kind: "dpor" }, target: "panic" }));
    rows.push(
      `  indexer(${n}, 128 slots, 4 each)  DPOR ${r.value.executions} executions (+${r.value.blocked} blocked) in ${r.s.toFixed(2)} s`,
    );
  }
  const big = factoryOf(lastzero(quick ? 5 : 7), false);
  const r = timed(() => explore(big, { mode: { kind: "dpor" }, target: "panic" }));
  const all = r.value.executions + r.value.blocked;
  rows.push(
    `  DPOR on lastzero-${quick ? 5 : 7}: ${r.value.executions} executions + ${r.value.blocked} sleep-set blocked in ${r.s.toFixed(2)} s = ${fmtRate(all / r.s)} runs`,
  );
  return rows;
}

// ------------------------------------------------------------ lost wakeup

function lostWakeup(quick: boolean): string[] {
  const title =
    "Lost wakeup: exhaust with spinlock + tsleep_interlock (SPIN+TI), first failure without it (SPIN-naive)";
  if (findScenario("lost-wakeup") === undefined) {
    return [title, "  skipped: the catalogue has no lost-wakeup scenario yet (it comes with the sleep-queue layers)"];
  }
  const rows = [title];
  for (let n = 2; n <= (quick ? 4 : 7); n++) {
    try {
      const safe = scenarioFactory(prepare({ scenario: "lost-wakeup", variant: "SPIN+TI", params: { sleepers: n } }));
      const ex = timed(() => explore(safe, { mode: { kind: "dpor" }, maxExecutions: 5_000_000, shrink: false }));
      const racy = scenarioFactory(
        prepare({ scenario: "lost-wakeup", variant: "SPIN-naive", params: { sleepers: n } }),
      );
      const first = timed(() =>
        explore(racy, { mode: { kind: "dpor" }, target: "violation:lost-wakeup", shrink: false }),
      );
      rows.push(
        `  N=${n}: SPIN+TI ${ex.value.executions} executions, ${ex.value.kind === "not-found" && ex.value.exhausted ? "exhausted" : "NOT exhausted"} in ${ex.s.toFixed(2)} s (${fmtRate(ex.value.executions / ex.s)});` +
          ` SPIN-naive ${first.value.kind === "found" ? `first failure after ${first.value.executionsToFound} executions, ${first.s.toFixed(3)} s` : "no failure found"}`,
      );
    } catch (e) {
      rows.push(`  N=${n}: skipped: ${e instanceof Error ? e.message : String(e)}`);
      break;
    }
  }
  return rows;
}

// ------------------------------------------------------------ mini-SCTBench

function sctbench(quick: boolean): string[] {
  const title = "Mini-SCTBench, kernel edition: schedules to the first failure (— : none within the budget)";
  const rs = catalogue.filter((s) => s.specId !== null && s.specId.startsWith("R"));
  if (rs.length === 0) return [title, "  skipped: the catalogue has no R scenario yet"];
  const runs = quick ? 1000 : 10_000;
  const techniques: [string, Mode][] = [
    ["random", { kind: "random", seed: 1, runs }],
    ["PCT d=1", { kind: "pct", seed: 1, runs, depth: 1 }],
    ["PCT d=2", { kind: "pct", seed: 1, runs, depth: 2 }],
    ["PCT d=3", { kind: "pct", seed: 1, runs, depth: 3 }],
    ["bounded DFS", { kind: "iterative", reduction: "none", maxBound: 3 }],
    ["DPOR", { kind: "dpor" }],
  ];
  const rows = [title, `  ${"scenario / row".padEnd(40)}${techniques.map(([n]) => n.padStart(12)).join("")}`];
  for (const s of rs) {
    for (const row of matrix.rows.filter((r) => r.id === s.specId && r.expect === "found")) {
      const f = scenarioFactory(prepare({ scenario: s, variant: row.variant, options: row.options }));
      const cells = techniques.map(([, mode]) => {
        const r: ExploreResult = explore(f, { mode, target: row.signal, shrink: false, maxExecutions: 100_000 });
        return (r.kind === "found" ? String(r.executionsToFound) : "—").padStart(12);
      });
      rows.push(`  ${`${s.name} ${row.id} ${row.variant}`.padEnd(40)}${cells.join("")}`);
    }
  }
  return rows;
}

// ------------------------------------------------------------ fast-check

/** The equivalent async race under fast-check's scheduler: two tasks load then store a shared counter, `k` times. */
async function fastCheckSchedules(n: number, k: number): Promise<number> {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const shared = { c: 0 };
      const task = async (): Promise<void> => {
        for (let i = 0; i < k; i++) {
          await s.schedule(Promise.resolve(), "load");
          const v = shared.c;
          await s.schedule(Promise.resolve(), "store");
          shared.c = v + 1;
        }
      };
      const both = Promise.all([task(), task()]);
      await s.waitAll();
      await both;
      runs++;
      return true;
    }),
    { numRuns: n },
  );
  return runs;
}

/** Two threads, one per cpu, each doing `k` times: load the counter, store it + 1. */
function race(k: number): MachineFactory {
  return factoryOf(
    {
      name: `race-${k}`,
      cpus: 2,
      setup(m) {
        const c = m.cell("c", 0);
        for (let t = 0; t < 2; t++) {
          m.spawn({
            cpu: t,
            name: `T${t}`,
            *body(kc) {
              for (let i = 0; i < k; i++) {
                const v = yield* kc.load(c);
                yield* kc.store(c, v + 1);
              }
            },
          });
        }
        return [c];
      },
    },
    false,
  );
}

async function versusFastCheck(quick: boolean): Promise<string[]> {
  const rows = ["A 2-thread race (each thread: load, store, k times): schedules per second, random schedules"];
  for (const k of [1, 100]) {
    const n = Math.max(200, Math.floor((quick ? 5_000 : 50_000) / k));
    const f = race(k);
    const machine = (): number =>
      explore(f, { mode: { kind: "random", seed: 1, runs: n }, target: "panic", stopOnFound: false }).executions;
    machine();
    await fastCheckSchedules(Math.min(n, 500), k);
    const m = timed(machine);
    const t0 = process.hrtime.bigint();
    const fcRuns = await fastCheckSchedules(n, k);
    const fRate = fcRuns / seconds(t0);
    const mRate = m.value / m.s;
    rows.push(
      `  k=${String(k).padEnd(4)} kprim machine ${fmtRate(mRate).padStart(10)}   fast-check scheduler ${fmtRate(fRate).padStart(10)}   ratio ${(mRate / fRate).toFixed(1)}×   (target ≥ 50×)`,
    );
  }
  return rows;
}

// ------------------------------------------------------------ memory

function memory(quick: boolean): string[] {
  const gc = gcFunction();
  const late = quick ? 100_000 : 1_000_000;
  const samples = new Map<number, number>();
  const f: MachineFactory = factoryOf(adders(3, 6), false);
  const sample = (n: number): void => {
    if (n !== 10_000 && n !== late) return;
    gc();
    samples.set(n, process.memoryUsage().rss);
  };
  const r = timed(() =>
    explore(f, { mode: { kind: "dpor" }, target: "panic", maxExecutions: late, onExecution: sample }),
  );
  const a = samples.get(10_000)!;
  const b = samples.get(late)!;
  const mb = (x: number): string => `${(x / 2 ** 20).toFixed(1)} MB`;
  return [
    `Resident memory of one DPOR run (adders 3×6: 17 M schedules), after gc`,
    `  after ${(10_000).toLocaleString("en")} executions   ${mb(a)}`,
    `  after ${late.toLocaleString("en")} executions ${mb(b)}   ratio ${(b / a).toFixed(2)}×   (target ≤ 1.2×; ${r.value.executions} executions in ${r.s.toFixed(1)} s)`,
  ];
}

// ------------------------------------------------------------ workers

async function workers(quick: boolean): Promise<string[]> {
  const module = import.meta.resolve("@kprim/explore/examples");
  const runs = quick ? 8_000 : 160_000;
  const rows = ["Random and PCT runs on worker threads (lastzero-6, whole runs, no stop)"];
  for (const mode of [
    { kind: "random" as const, seed: 1, runs },
    { kind: "pct" as const, seed: 1, runs, depth: 2 },
  ]) {
    const time = async (w: number): Promise<number> => {
      const t0 = process.hrtime.bigint();
      await exploreParallel(
        { module, export: "exampleFactory", args: { name: "lastzero", n: 6, check: false } },
        { mode, workers: w, slice: 2_000, target: "panic", stopOnFound: false },
      );
      return seconds(t0);
    };
    const one = await time(1);
    const two = await time(2);
    rows.push(
      `  ${mode.kind.padEnd(6)} 1 worker ${one.toFixed(2)} s, 2 workers ${two.toFixed(2)} s: ${(one / two).toFixed(2)}×   (target ≥ 1.7×)`,
    );
  }
  return rows;
}

export async function exploreBench(quick: boolean): Promise<string> {
  const parts = [
    classic(quick),
    lostWakeup(quick),
    sctbench(quick),
    await versusFastCheck(quick),
    memory(quick),
    await workers(quick),
  ];
  return parts.map((p) => p.join("\n")).join("\n\n");
}
