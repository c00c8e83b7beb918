/** `kprim compare`: one scenario under several variants, each verdict checked against matrix.json. */
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CompareReport } from "../jobs/reports.js";
import { renderCompare } from "../render.js";
import { type CommandContext, EXIT_INTERRUPTED, examples } from "./context.js";
import { intArg, runSpec, secondsArg, variantOptions, type VariantFlags } from "./options.js";

/** `--variants`: at least one, each once. */
function checkVariantList(variants: readonly string[]): void {
  if (variants.length === 0) {
    throw new UsageError(
      "--variants: no variant given (e.g. --variants TOK,SPIN+TI; without --variants, the scenario's matrix rows)",
    );
  }
  const seen = new Set<string>();
  for (const v of variants) {
    if (seen.has(v)) throw new UsageError(`--variants: ${v} is given twice`);
    seen.add(v);
  }
}

export function addCompare(program: Command, ctx: CommandContext): void {
  const compare = program
    .command("compare")
    .description("one scenario under several variants side by side: verdicts against matrix.json, warnings, cost")
    .argument("<scenario>", "a scenario name (kprim list)");
  variantOptions(compare, { variant: false });
  compare
    .option(
      "--variants <list>",
      "comma-separated variants (default: the scenario's matrix rows, else all); VARIANT:INTERLOCK is the variant with its interlock replaced, judged by the variant's rows",
      (v: string) =>
        v
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
    )
    .option("--runs <n>", "random runs behind the warning rate", intArg(1), 1000)
    .option(
      "--schedules <n>",
      "at most this many executions in each search of a variant's verdict (default: 300 per sampling stage, 500000 exhaustive)",
      intArg(1),
    )
    .option(
      "--time-limit <seconds>",
      "stop the whole comparison after this long (the running variant's row is partial)",
      secondsArg,
    )
    .option(
      "--variant-time-limit <seconds>",
      "stop each variant's searches after this long (its row is partial) and go on with the next",
      secondsArg,
    )
    .option("--json", "print {scenario, specId, rows: [{variant, verdict, expected, matches, partial, ...}]}")
    .addHelpText(
      "after",
      examples(
        "kprim compare getnewbuf-locked-buf --variants TOK,SPIN+TI",
        "kprim compare lockmgr-lost-wakeup --json",
        "kprim compare buf-churn --variants TOK,SPIN+TI --variant-time-limit 20 --time-limit 60",
        "kprim compare lockmgr-lost-wakeup --plugin @kprim/plugin-mtx --variants TOK,SPIN+TI,SPIN+TI:mtx",
      ),
    )
    .action(
      async (
        scenario: string,
        o: VariantFlags & {
          variants?: string[];
          runs: number;
          schedules?: number;
          timeLimit?: number;
          variantTimeLimit?: number;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        if (o.variants !== undefined) checkVariantList(o.variants);
        const r = await ctx.job<CompareReport>(
          cmd,
          {
            kind: "compare",
            spec: runSpec(scenario, o),
            variants: o.variants,
            runs: o.runs,
            schedules: o.schedules,
            variantTimeLimitMs: o.variantTimeLimit === undefined ? undefined : o.variantTimeLimit * 1000,
          },
          { interruptible: true, timeLimitMs: o.timeLimit === undefined ? undefined : o.timeLimit * 1000 },
        );
        ctx.print(o.json, r, () => renderCompare(ctx.out, r));
        // 0 only when at least one verdict was checked, every one matched and every variant ran to its end.
        ctx.setExit(r.stopped === "interrupted" ? EXIT_INTERRUPTED : r.ok ? 0 : 1);
      },
    );
}
