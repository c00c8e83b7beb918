/**
 * kprim beside SPIN on the lost-wakeup scenario: the Promela transcription
 * in bench/models/lost-wakeup.pml (the same atomic steps, the same four
 * variants) is verified with spin -a, gcc and pan in this run, and kprim
 * explores the scenario itself (lostWakeup.ts). Reported: both verdicts per
 * variant and N, and kprim ÷ SPIN end-to-end wall time. Where both are
 * conclusive and disagree, that is an error. Without spin or gcc the
 * section says "skipped" and nothing is compared.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CHAIN, LOST_WAKEUP_VARIANTS, kprimLostWakeup, MULTICAST_SYMMETRY, type Verdict } from "../lostWakeup.js";
import { cliLostWakeup, cliMissing } from "../processes.js";
import type { Section } from "../report/types.js";
import { findTools, type PanVerdict, runSpin } from "../spin/pan.js";
import { lostWakeupBudget, lostWakeupSleepers } from "./explore.js";

export const MODEL = fileURLToPath(new URL("../../../../bench/models/lost-wakeup.pml", import.meta.url));

/** pan's verdict in kprim's terms: the model's assertions are named after kprim's detectors. */
export function spinVerdict(v: PanVerdict): Verdict {
  switch (v.kind) {
    case "no-error":
      return "no failure";
    case "assertion":
      if (v.expression.includes("lost_wakeup")) return "lost-wakeup";
      if (v.expression.includes("interlock_discipline")) return "interlock-discipline";
      return "inconclusive";
    case "invalid-end-state":
      return "deadlock";
    case "incomplete":
      return "inconclusive";
    default: {
      const never: never = v;
      return never;
    }
  }
}

export function spinSection(quick: boolean): Section {
  const title = "3. kprim and SPIN side by side";
  const tools = findTools();
  const intro = [
    "The lost-wakeup scenario transcribed step for step into Promela ([bench/models/lost-wakeup.pml](../models/lost-wakeup.pml): one atomic block per kprim step, the machine's IPI, critical-section and switch rules, kprim's two detectors as assertions) and verified with SPIN (`spin -a`, `gcc -O1 -DSAFETY`, `pan`) in the same run as kprim explores the scenario. Variants (kprim's `interlock` parameter): " +
      LOST_WAKEUP_VARIANTS.map((v) => `${v.label} (\`${v.param}\`)`).join(", ") +
      ". Both sides are timed as processes, from start to verdict: SPIN's `spin -a`, `gcc` and `pan`; kprim's built CLI running its exhaustive search (`kprim explore lost-wakeup --strategy stateful`, node's start included; a failure it finds is shrunk and its replay handle printed, as a user gets them), with its own verdict and search in columns of their own. kprim's in-process verdict procedure (random schedules, then stateful DFS within a budget of states) is reported beside it with its time: for the broken variants its random runs find the failure long before a depth-first search does. Where the process and the procedure are both conclusive, a different verdict is an error.",
  ];
  if ("missing" in tools) {
    return {
      id: "spin",
      title,
      text: [
        ...intro,
        `**Skipped: ${tools.missing.join(" and ")} not found** (Debian: \`apt-get install -y spin gcc\`).`,
      ],
      tables: [],
      charts: [],
      data: { skipped: `${tools.missing.join(" and ")} not found` },
      errors: [],
    };
  }
  if (!existsSync(MODEL)) throw new Error(`the Promela model is missing: ${MODEL}`);
  const budget = lostWakeupBudget(quick);
  const ns = lostWakeupSleepers(quick);
  const timeoutMs = quick ? 20_000 : 30_000;
  const rows: (string | number)[][] = [];
  const data: unknown[] = [];
  const errors: string[] = [];
  const perVariant = new Map<string, { kprim: Set<Verdict>; spin: Set<Verdict> }>();
  const noCli = cliMissing();
  const ratioSeries = LOST_WAKEUP_VARIANTS.map((v) => ({ name: v.label, points: [] as { x: number; y: number }[] }));
  LOST_WAKEUP_VARIANTS.forEach((v, vi) => {
    const seen = { kprim: new Set<Verdict>(), spin: new Set<Verdict>() };
    perVariant.set(v.label, seen);
    for (const n of ns) {
      const k = kprimLostWakeup(v.param, n, budget);
      const s = runSpin(tools, MODEL, { N: n, VARIANT: v.spinVariant }, timeoutMs);
      const sv = spinVerdict(s.verdict);
      seen.kprim.add(k.verdict);
      seen.spin.add(sv);
      const conclusive = k.verdict !== "inconclusive" && sv !== "inconclusive";
      const agree = !conclusive ? "—" : k.verdict === sv ? "yes" : "NO";
      if (agree === "NO") {
        errors.push(`verdicts disagree on ${v.label}, N=${n}: kprim ${k.verdict} (${k.detail}), SPIN ${sv}`);
      }
      // A row kprim did not search (a smaller N already ran out of budget) has no time to compare.
      const searched = k.how !== "not searched" && noCli === null;
      const cli = searched ? cliLostWakeup(v.param, n, budget.states, CHAIN) : null;
      // The multicast wakeup with symmetry over the sleepers, beside (SPIN's model has the chain only).
      const sym =
        searched && v.param === "tsleep_interlock"
          ? cliLostWakeup(v.param, n, budget.states, MULTICAST_SYMMETRY)
          : null;
      // The process's stateful search and the in-process procedure judge the same model: where both are conclusive they agree.
      for (const [run, label] of [
        [cli, "chain"],
        [sym, "multicast + symmetry"],
      ] as const) {
        if (run === null || run.verdict === "inconclusive") continue;
        if (k.verdict !== "inconclusive" && run.verdict !== k.verdict) {
          errors.push(
            `kprim's CLI (${label}) and its in-process procedure disagree on ${v.label}, N=${n}: ${run.verdict} (${run.detail}) vs ${k.verdict} (${k.detail})`,
          );
        }
        if (sv !== "inconclusive" && run.verdict !== sv) {
          errors.push(`verdicts disagree on ${v.label}, N=${n}: kprim's CLI (${label}) ${run.verdict}, SPIN ${sv}`);
        }
      }
      const ratio = cli === null ? null : cli.seconds / s.seconds;
      if (ratio !== null) ratioSeries[vi]!.points.push({ x: n, y: ratio });
      const spinDetail =
        s.verdict.kind === "no-error"
          ? `${s.verdict.states.toLocaleString("en")} states`
          : s.verdict.kind === "incomplete"
            ? s.verdict.why
            : `depth ${s.verdict.depth}`;
      rows.push([
        v.label,
        n,
        k.verdict,
        k.detail,
        k.how === "not searched" ? "—" : Number(k.seconds.toFixed(3)),
        cli === null ? "—" : cli.detail,
        cli === null ? "—" : Number(cli.seconds.toFixed(3)),
        sym === null ? "—" : Number(sym.seconds.toFixed(3)),
        sv,
        spinDetail,
        Number(s.seconds.toFixed(3)),
        ratio === null ? "—" : Number(ratio.toFixed(3)),
        agree,
      ]);
      data.push({
        variant: v.param,
        sleepers: n,
        kprim: k,
        kprimProcess: cli,
        kprimProcessMulticastSymmetry: sym,
        spin: { ...s, verdict: s.verdict, mapped: sv },
        ratio,
        agree,
      });
    }
  });
  const summary = LOST_WAKEUP_VARIANTS.map((v) => {
    const seen = perVariant.get(v.label)!;
    const fmt = (set: Set<Verdict>): string => [...set].join(" / ");
    return [v.label, fmt(seen.kprim), fmt(seen.spin)];
  });
  return {
    id: "spin",
    title,
    text: [
      ...intro,
      ...(noCli !== null ? [`**kprim ÷ SPIN not measured: ${noCli}.**`] : []),
      `kprim budget: ${budget.randomRuns.toLocaleString("en")} random runs (seed 1), then stateful DFS up to ${budget.states.toLocaleString("en")} states (a variant that does not exhaust at N is not searched at N + 1); pan is stopped after ${timeoutMs / 1000} s. "inconclusive" is a search that ran out of budget; a disagreement between two conclusive verdicts is an error (${errors.length === 0 ? "**every conclusive pair agrees**" : `**${errors.length} disagreement(s)**`}). kprim ÷ SPIN is the CLI process's wall time ÷ SPIN's (generating, compiling — about a second — and running pan), both exhaustive depth-first searches: below 1, kprim was faster end to end. "multicast + sym s" is the CLI with the multicast wakeup and symmetry reduction over the sleepers (with interlock only; SPIN's model has the chain wakeup).`,
    ],
    tables: [
      { title: "Verdicts per variant (over all N)", header: ["variant", "kprim", "SPIN"], rows: summary },
      {
        title: "Per variant and N",
        header: [
          "variant",
          "N",
          "kprim verdict",
          "kprim procedure",
          "procedure s (in-process)",
          "kprim process: stateful DFS",
          "kprim process s",
          "multicast + sym s",
          "SPIN verdict",
          "SPIN search",
          "SPIN s",
          "kprim ÷ SPIN",
          "agree",
        ],
        rows,
      },
    ],
    charts: [
      {
        kind: "line",
        id: "spin-ratio",
        title: "kprim ÷ SPIN end-to-end wall time (both as processes) on the lost-wakeup scenario",
        x: { label: "sleepers (N)" },
        y: { label: "kprim seconds ÷ SPIN seconds", log: true },
        series: ratioSeries,
      },
    ],
    data: { budget, timeoutMs, model: "bench/models/lost-wakeup.pml", rows: data },
    errors,
  };
}
