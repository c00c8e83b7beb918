/** `kprim run`: one run of a scenario (or, with --interactive, one chosen step by step). */
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { checkOut, checkWritable, writeOutputs } from "../files.js";
import { renderInteractiveEnd, runInteractive } from "../interactive.js";
import type { RunReport } from "../jobs/reports.js";
import type { TraceFormat } from "../jobs/requests.js";
import { type CommandContext, DEFAULT_MAX_STEPS, EXIT_INCONCLUSIVE, examples } from "./context.js";
import { finishRun, listWritten } from "./finish.js";
import { intArg, runSpec, traceOptions, variantOptions, type VariantFlags } from "./options.js";

export function addRun(program: Command, ctx: CommandContext): void {
  const run = program
    .command("run")
    .description("one run of a scenario: its outcome, kernel console, counters and schedule")
    .argument("<scenario>", "a scenario name (kprim list)");
  variantOptions(run);
  run
    .option("--cpus <n>", "cpus (the scenario's cpus parameter, where it has one)", intArg(1, 32))
    .option("--strategy <name>", "random, pct, timed, rr, or a plugin's", "random")
    .option("--seed <n>", "seed of random, pct and plugin strategies, and of timed's jitter", intArg(0), 1)
    .option("--depth <d>", "PCT bug depth", intArg(1), 3)
    .option("--max-steps <n>", "a run that takes more steps ends with step-limit", intArg(1), DEFAULT_MAX_STEPS)
    .option(
      "--signal <sig>",
      "what counts as found (exit 1): failure, any, console:<text>, panic[:<text>], violation:<detector>, deadlock",
      "failure",
    );
  traceOptions(run)
    .option("--save-trail <file>", "write the run's trail (schedule, plugins, verdict) for kprim replay --trail")
    .option("--json", "print {outcome, console, counters, schedule, ...}")
    .option(
      "--interactive",
      "choose each step yourself from the enabled ones (a number or a choice per line on stdin; b back, q stop)",
    )
    .option("--from <schedule>", "with --interactive: start after this schedule's choices (its header says what runs)")
    .addHelpText(
      "after",
      examples(
        "kprim run getnewbuf-locked-buf --variant TOK --seed 14",
        "kprim run lost-wakeup --param sleep=unlock-then-tsleep --strategy pct --seed 3",
        "kprim run lockmgr-lost-wakeup --interlock spin-naive --trace html --out run.html",
        "kprim run lockmgr-lost-wakeup --interlock spin-naive --interactive",
      ),
    )
    .action(
      async (
        scenario: string,
        o: VariantFlags & {
          cpus?: number;
          strategy: string;
          seed: number;
          depth: number;
          maxSteps: number;
          signal: string;
          trace?: TraceFormat;
          out?: string;
          saveTrail?: string;
          json?: boolean;
          interactive?: boolean;
          from?: string;
        },
        cmd: Command,
      ) => {
        checkOut(o.trace, o.out, Boolean(o.json), ctx.cwd);
        if (o.saveTrail !== undefined) checkWritable(o.saveTrail, "the trail", ctx.cwd);
        if (o.from !== undefined && !o.interactive) {
          throw new UsageError("--from needs --interactive (to replay a whole schedule: kprim replay)");
        }
        if (o.interactive) {
          if (o.json) {
            throw new UsageError(
              "--interactive is for a person at a terminal or a script feeding it lines; drop --json",
            );
          }
          const g = ctx.globals(cmd);
          const r = await runInteractive(
            { out: ctx.out, io: ctx.io, plugins: g.plugin ?? [], cwd: ctx.cwd, quietMs: g.watchdog * 1000 },
            {
              kind: "interactive",
              spec: runSpec(scenario, o),
              cpus: o.cpus,
              maxSteps: o.maxSteps,
              signal: o.signal,
              from: o.from,
              trace: o.trace,
            },
          );
          renderInteractiveEnd(ctx.out, r);
          const w = writeOutputs(r, o, { cwd: ctx.cwd, stdout: ctx.io.stdout });
          listWritten(ctx.out, w, r.trace?.format);
          if (w.error !== null) throw w.error;
          ctx.setExit(r.found ? 1 : r.inconclusive !== null ? EXIT_INCONCLUSIVE : 0);
          return;
        }
        const r = await ctx.job<RunReport>(cmd, {
          kind: "run",
          spec: runSpec(scenario, o),
          cpus: o.cpus,
          strategy: o.strategy,
          seed: o.seed,
          depth: o.depth,
          maxSteps: o.maxSteps,
          signal: o.signal,
          trace: o.trace,
        });
        finishRun(ctx, r, o);
      },
    );
}
