/** `kprim replay`: a run reproduced exactly from its schedule string or trail file. */
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { checkOut, checkWritable, readTrail } from "../files.js";
import type { RunReport } from "../jobs/reports.js";
import type { TraceFormat } from "../jobs/requests.js";
import { type CommandContext, examples } from "./context.js";
import { finishRun } from "./finish.js";
import { traceOptions } from "./options.js";

export function addReplay(program: Command, ctx: CommandContext): void {
  const replay = program
    .command("replay")
    .description(
      "reproduce a run exactly from its schedule string or trail file (scenario, variant, options, parameters, signal and step limit come from it)",
    )
    .argument("[scenario]", "the scenario the schedule is for (checked against the schedule's header)")
    .option(
      "--schedule <string>",
      "a schedule string, kprim3:<scenario>:<variant>:<options>:<params>:<run>:<choices> (kprim2:… and kprim1:… too)",
    )
    .option(
      "--trail <file>",
      "a trail file (explore/run --save-trail, or <out>.trail beside a trace): its plugins load too",
    )
    .option("--signal <sig>", "what counts as found (exit 1); default: the schedule's own signal, else failure");
  traceOptions(replay)
    .option("--save-trail <file>", "write the replayed run's trail")
    .option("--json", "print {outcome, console, counters, schedule, ...}")
    .addHelpText(
      "after",
      examples(
        "kprim replay lockmgr-lost-wakeup --schedule 'kprim3:lockmgr-lost-wakeup:SPIN-naive::::1sx8.0sx5.1sx5.0s'",
        "kprim replay --trail lost.trail --trace perfetto --out lost.json",
      ),
    )
    .action(
      async (
        scenario: string | undefined,
        o: {
          schedule?: string;
          trail?: string;
          signal?: string;
          trace?: TraceFormat;
          out?: string;
          saveTrail?: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        if (o.schedule !== undefined && o.trail !== undefined) {
          throw new UsageError("--schedule and --trail both give the schedule; give one");
        }
        if (o.schedule === undefined && o.trail === undefined) {
          throw new UsageError("replay needs --schedule <string> or --trail <file>");
        }
        checkOut(o.trace, o.out, Boolean(o.json), ctx.cwd);
        if (o.saveTrail !== undefined) checkWritable(o.saveTrail, "the trail", ctx.cwd);
        const trail = o.trail === undefined ? null : readTrail(o.trail, ctx.cwd);
        const r = await ctx.job<RunReport>(
          cmd,
          {
            kind: "replay",
            scenario: scenario ?? null,
            schedule: trail?.schedule ?? o.schedule!,
            signal: o.signal ?? (trail ? trail.signal : null),
            trace: o.trace,
          },
          { plugins: trail?.plugins ?? [] },
        );
        finishRun(ctx, r, o, o.signal === undefined ? trail : null);
      },
    );
}
