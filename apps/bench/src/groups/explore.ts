/**
 * Explorer benchmarks. Wall-clock figures are medians or single timings in
 * this process; the ones with a target are ratios measured in the same run.
 *
 * - explorer: DPOR against naive DFS on the classic programs (executions),
 *   executions per second, the lost-wakeup scenario (time to exhaust with
 *   spinlock + tsleep_interlock for N = 2..7 sleepers, time to the first
 *   lost wakeup without it), resident memory over a long DPOR run, and
 *   random/PCT runs on 2 worker threads against 1;
 * - fastcheck: schedules per second of a 2-thread race against fast-check's
 *   scheduler on the equivalent async race (target ≥ 20× at k = 1), with one
 *   machine reset between schedules and with a machine built per schedule;
 * - sctbench: schedules to the first failure per technique on every R
 *   scenario row of the acceptance matrix that expects a finding.
 */
import { explore, type ExploreResult, exploreParallel, type Mode } from "@kprim/explore";
import { factoryOf, indexer, lastzero } from "@kprim/explore/examples";
import { catalogue, matrix, prepare, scenarioFactory } from "@kprim/scenarios";
import { CHAIN, type Budget, type KprimLostWakeup, kprimLostWakeup, MULTICAST_SYMMETRY } from "../lostWakeup.js";
import { seconds, timed } from "../measure.js";
import { freshDporMemory } from "../processes.js";
import { dispatchModelTable } from "./dispatchModel.js";
import type { Section, Table } from "../report/types.js";

/** The lost-wakeup budgets (shared with the SPIN section so that both read the same measurements). */
export function lostWakeupBudget(quick: boolean): Budget {
  return quick ? { randomRuns: 500, states: 20_000 } : { randomRuns: 2_000, states: 350_000 };
}

export function lostWakeupSleepers(quick: boolean): number[] {
  return quick ? [2, 3] : [2, 3, 4, 5, 6, 7];
}

// ------------------------------------------------------------ explorer

function classic(quick: boolean): { table: Table; rate: { name: string; executions: number; s: number } } {
  const rows: (string | number)[][] = [];
  const programs = [lastzero(3), indexer(3, 6, 2), ...(quick ? [] : [lastzero(4)])];
  for (const p of programs) {
    const f = factoryOf(p, false);
    const naive = explore(f, { mode: { kind: "dfs" }, target: "panic", maxExecutions: 2_000_000 });
    const dpor = explore(f, { mode: { kind: "dpor" }, target: "panic" });
    rows.push([
      p.name,
      naive.executions,
      dpor.executions,
      dpor.blocked,
      Math.round(naive.executions / dpor.executions),
    ]);
  }
  const n = quick ? 5 : 7;
  const big = factoryOf(lastzero(n), false);
  const r = timed(() => explore(big, { mode: { kind: "dpor" }, target: "panic" }));
  return {
    table: {
      title: "DPOR against naive DFS: executions to exhaust (check mode off)",
      header: ["program", "naive DFS", "DPOR", "DPOR sleep-set blocked", "naive ÷ DPOR"],
      rows,
    },
    rate: { name: `DPOR, lastzero-${n}`, executions: r.value.executions + r.value.blocked, s: r.s },
  };
}

function samplingRate(quick: boolean): { name: string; executions: number; s: number }[] {
  const f = factoryOf(lastzero(6), false);
  const runs = quick ? 2_000 : 20_000;
  return [
    { kind: "random" as const, seed: 1, runs },
    { kind: "pct" as const, seed: 1, runs, depth: 2 },
  ].map((mode) => {
    const r = timed(() => explore(f, { mode, target: "panic", stopOnFound: false }));
    return {
      name: `${mode.kind === "pct" ? "PCT d=2" : "random"}, lastzero-6`,
      executions: r.value.executions,
      s: r.s,
    };
  });
}

function memory(quick: boolean): Table {
  const late = quick ? 30_000 : 1_000_000;
  const mb = (x: number): number => Number((x / 2 ** 20).toFixed(1));
  const rows: (string | number)[][] = [];
  // In a fresh process: one already grown by the groups before would hide the growth. Both
  // with V8's defaults (its young generation grows on its own after the first sample) and with
  // the young generation fixed from the start, so that what the run keeps shows alone.
  for (const [youngFixed, label] of [
    [false, "V8 defaults"],
    [true, "young generation fixed (16 MiB semi-spaces)"],
  ] as const) {
    const { early: a, late: b, heapEarly: ha, heapLate: hb } = freshDporMemory(10_000, late, youngFixed);
    rows.push(
      [label, 10_000, mb(a), 1, mb(ha), 1],
      [label, late, mb(b), Number((b / a).toFixed(2)), mb(hb), Number((hb / ha).toFixed(2))],
    );
  }
  return {
    title:
      "Resident memory of one DPOR run (adders 3×6: 17 M schedules) in a fresh process, after gc (target: within 1.2×)",
    header: ["process", "after executions", "RSS MiB", "÷ at 10,000", "V8 heap in use MiB", "÷ at 10,000"],
    rows,
  };
}

async function workers(quick: boolean): Promise<Table> {
  const module = import.meta.resolve("@kprim/explore/examples");
  // Whole runs include starting each worker (about a second with the tsx loader), so the
  // workload must be long enough that scaling, not start-up, is measured: ~15 s on one worker.
  const runs = quick ? 4_000 : 1_000_000;
  const rows: (string | number)[][] = [];
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
    rows.push([mode.kind, runs, one, two, Number((one / two).toFixed(2))]);
  }
  return {
    title: "Random and PCT runs on worker threads (lastzero-6, whole runs; target ≥ 1.7× on 2 cores)",
    header: ["mode", "runs", "1 worker s", "2 workers s", "speed-up"],
    rows,
  };
}

/**
 * Executions a DPOR or stateful search of the racy variant may spend before
 * the bench gives up on it (quick: a tenth). Depth-first order reaches the
 * lost wakeup late as N grows: a budget that runs out is a figure, not an error.
 */
const firstLossBudget = (quick: boolean): number => (quick ? 2_000 : 20_000);

/** The first failure of a racy variant by DPOR or stateful DFS alone (no random burst before), timed in this process. */
function firstLoss(
  sleep: string,
  sleepers: number,
  how: "dpor" | "stateful",
  quick: boolean,
): { sleepers: number; how: string; verdict: string; executions: number; seconds: number } {
  const factory = scenarioFactory(
    prepare({ scenario: "lost-wakeup", variant: "SPIN+TI", params: { sleepers, sleep } }),
  );
  const mode: Mode = how === "dpor" ? { kind: "dpor" } : { kind: "dfs", stateful: true };
  const r = timed(() =>
    explore(factory, {
      mode,
      target: "failure",
      shrink: false,
      maxExecutions: firstLossBudget(quick),
    }),
  );
  const v = r.value;
  return {
    sleepers,
    how,
    verdict:
      v.kind === "found"
        ? (v.failureKind?.replace("violation:", "") ?? "failure")
        : v.exhausted
          ? "exhausted, not found"
          : "budget spent, not found",
    executions: v.kind === "found" ? v.executionsToFound : v.executions,
    seconds: r.s,
  };
}

export async function explorerSection(quick: boolean): Promise<Section> {
  const { table: dporTable, rate } = classic(quick);
  const rates = [rate, ...samplingRate(quick)];
  const budget = lostWakeupBudget(quick);
  const ns = lostWakeupSleepers(quick);
  const safe = ns.map((n) => kprimLostWakeup("tsleep_interlock", n, budget, CHAIN));
  const sym = ns.map((n) => kprimLostWakeup("tsleep_interlock", n, budget, MULTICAST_SYMMETRY));
  const racy = ns.map((n) => kprimLostWakeup("unlock-then-tsleep", n, budget, CHAIN));
  const racyDpor = ns.map((n) => firstLoss("unlock-then-tsleep", n, "dpor", quick));
  const racyStateful = ns.map((n) => firstLoss("unlock-then-tsleep", n, "stateful", quick));
  const errors = [
    ...[...safe, ...sym].filter((r) => r.verdict !== "no failure" && r.verdict !== "inconclusive"),
    ...racy.filter((r) => r.verdict !== "lost-wakeup"),
  ].map((r) => `lost-wakeup (${r.variant}, N=${r.sleepers}): unexpected verdict ${r.verdict} (${r.detail})`);
  for (const r of [...racyDpor, ...racyStateful]) {
    // Only a wrong verdict is an error: another failure, or a space exhausted without the race.
    if (r.verdict !== "lost-wakeup" && r.verdict !== "budget spent, not found")
      errors.push(`lost-wakeup (unlock-then-tsleep, N=${r.sleepers}, ${r.how}): unexpected verdict ${r.verdict}`);
  }
  const byModel = dispatchModelTable(ns, budget);
  errors.push(...byModel.errors);
  const exhausted = safe.filter((r) => r.verdict === "no failure");
  const exhaustedSym = sym.filter((r) => r.verdict === "no failure");
  for (const [list, label] of [
    [exhausted, "chain"],
    [exhaustedSym, "multicast + symmetry"],
  ] as const) {
    const biggest = list[list.length - 1];
    if (biggest !== undefined && biggest.how === "stateful DFS") {
      rates.push({
        name: `stateful DFS (${label}), lost wakeup N=${biggest.sleepers}, executions incl. merged`,
        executions: biggest.executions,
        s: biggest.seconds,
      });
    }
  }
  const secs = (r: KprimLostWakeup): number | string => (r.how === "not searched" ? "—" : Number(r.seconds.toFixed(3)));
  return {
    id: "explorer",
    title: "2. Explorer",
    text: [
      `Executions per second: ${rates.map((r) => `${r.name} **${Math.round(r.executions / r.s).toLocaleString("en")}/s**`).join(", ")}.`,
      `The lost-wakeup scenario (N sleepers, one waker, one cpu each): with spinlock + \`tsleep_interlock\`, stateful DFS (states stored and merged across executions; DPOR cannot exhaust N = 3) exhausted the space for N = ${exhausted.map((r) => r.sleepers).join(", ") || "none"} with the chain wakeup, and for N = ${exhaustedSym.map((r) => r.sleepers).join(", ") || "none"} with the multicast wakeup and symmetry reduction over the sleepers (the chain visits cpus in index order, so it has no symmetry), within ${budget.states.toLocaleString("en")} states each (after ${budget.randomRuns.toLocaleString("en")} random runs found nothing); a size that cannot finish within the budget is not searched and the row says why. Without the interlock the first lost wakeup comes within a handful of random schedules, and DPOR and stateful DFS on their own (no random burst first, at most ${firstLossBudget(quick).toLocaleString("en")} executions each) say after how many executions they found it — or that the budget ran out first: their depth-first order reaches the race later as N grows, which is why kprim's default strategy samples before it searches. The same searches with the interlock under the machine's earlier dispatch model (a thread woken on an idle cpu by an IPI or a timeout resumed in the waking step) show what the separate dispatch step added: its table gives both state counts and their ratio.`,
    ],
    tables: [
      {
        title: "Executions per second",
        header: ["exploration", "executions", "seconds", "executions/s"],
        rows: rates.map((r) => [r.name, r.executions, Number(r.s.toFixed(3)), Math.round(r.executions / r.s)]),
      },
      dporTable,
      {
        title:
          "Lost wakeup: time to exhaust with spinlock + tsleep_interlock, time to the first lost wakeup without it",
        header: [
          "N",
          "with interlock, chain",
          "s",
          "with interlock, multicast + symmetry",
          "s",
          "without interlock, random",
          "s",
          "without interlock, DPOR",
          "s",
          "without interlock, stateful",
          "s",
        ],
        rows: ns.map((n, i) => [
          n,
          `${safe[i]!.verdict}: ${safe[i]!.detail}`,
          secs(safe[i]!),
          `${sym[i]!.verdict}: ${sym[i]!.detail}`,
          secs(sym[i]!),
          `${racy[i]!.verdict}: ${racy[i]!.detail}`,
          secs(racy[i]!),
          `${racyDpor[i]!.verdict}: after ${racyDpor[i]!.executions.toLocaleString("en")} executions`,
          Number(racyDpor[i]!.seconds.toFixed(3)),
          `${racyStateful[i]!.verdict}: after ${racyStateful[i]!.executions.toLocaleString("en")} executions`,
          Number(racyStateful[i]!.seconds.toFixed(3)),
        ]),
      },
      byModel.table,
      memory(quick),
      await workers(quick),
    ],
    charts: [
      {
        kind: "line",
        id: "explorer-lost-wakeup",
        title: "Lost wakeup: kprim wall time by number of sleepers",
        x: { label: "sleepers (N)" },
        y: { label: "seconds", log: true },
        series: [
          {
            name: "with interlock, chain (to exhaust or budget)",
            points: safe.filter((r) => r.how !== "not searched").map((r) => ({ x: r.sleepers, y: r.seconds })),
          },
          {
            name: "with interlock, multicast + symmetry",
            points: sym.filter((r) => r.how !== "not searched").map((r) => ({ x: r.sleepers, y: r.seconds })),
          },
          {
            name: "no interlock (to first loss)",
            points: racy.map((r) => ({ x: r.sleepers, y: r.seconds })),
            dashed: true,
          },
        ],
      },
    ],
    data: {
      rates,
      budget,
      withInterlock: safe,
      withInterlockSymmetry: sym,
      withoutInterlock: racy,
      withoutInterlockDpor: racyDpor,
      withoutInterlockStateful: racyStateful,
    },
    errors,
  };
}

// ------------------------------------------------------------ mini-SCTBench

export function sctbenchSection(quick: boolean): Section {
  const rs = catalogue.filter((s) => s.specId !== null && s.specId.startsWith("R"));
  const runs = quick ? 200 : 2_000;
  const maxExecutions = quick ? 500 : 5_000;
  const techniques: [string, Mode][] = [
    ["random", { kind: "random", seed: 1, runs }],
    ["PCT d=1", { kind: "pct", seed: 1, runs, depth: 1 }],
    ["PCT d=2", { kind: "pct", seed: 1, runs, depth: 2 }],
    ["PCT d=3", { kind: "pct", seed: 1, runs, depth: 3 }],
    ["bounded DFS (≤ 3)", { kind: "iterative", reduction: "none", maxBound: 3 }],
    ["DPOR", { kind: "dpor" }],
  ];
  const rows: (string | number)[][] = [];
  const data: { scenario: string; row: string; variant: string; signal: string; found: (number | null)[] }[] = [];
  for (const s of rs) {
    for (const row of matrix.rows.filter((r) => r.id === s.specId && r.expect === "found")) {
      const f = scenarioFactory(prepare({ scenario: s, variant: row.variant, options: row.options }));
      const found = techniques.map(([, mode]) => {
        const r: ExploreResult = explore(f, { mode, target: row.signal, shrink: false, maxExecutions });
        return r.kind === "found" ? r.executionsToFound : null;
      });
      data.push({ scenario: s.name, row: row.id, variant: row.variant, signal: row.signal, found });
      const opts = Object.entries(row.options)
        .map(([k, v]) => ` ${k}=${v}`)
        .join("");
      rows.push([`${row.id} ${s.name}`, `${row.variant}${opts}`, ...found.map((x) => (x === null ? "—" : x))]);
    }
  }
  const wins = techniques.map(([name], i) => {
    const best = data.filter((d) => {
      const v = d.found[i];
      return v !== null && v !== undefined && d.found.every((o) => o === null || o >= v);
    }).length;
    return `${name} ${best}`;
  });
  return {
    id: "sctbench",
    title: "6. Mini-SCTBench, kernel edition",
    text: [
      `Schedules (executions) to the first failure per technique, on every R row of the acceptance matrix that expects a finding, against that row's signal (— : none within ${runs.toLocaleString("en")} runs for random/PCT, ${maxExecutions.toLocaleString("en")} executions for the exhaustive modes). Seeds: 1.`,
      `Rows on which each technique is (jointly) fastest: ${wins.join(", ")}.`,
    ],
    tables: [{ header: ["row / scenario", "variant", ...techniques.map(([n]) => n)], rows }],
    charts: [],
    data: { runs, maxExecutions, techniques: techniques.map(([n]) => n), rows: data },
    errors: rows.length === 0 ? ["the catalogue has no R scenario"] : [],
  };
}
