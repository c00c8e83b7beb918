/**
 * The distributed modes on the command line: `kprim worker` (a queue's
 * worker), `kprim merge` (the parts of a sharded search), `--shard i/N`, and
 * the part files merge reads.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../errors.js";
import { checkOut, checkWritable } from "../files.js";
import type { ExploreReport, WorkerReport } from "../jobs/reports.js";
import type { TraceFormat } from "../jobs/requests.js";
import { parseQueueUrl } from "../queue/url.js";
import { renderWorker } from "../render.js";
import { type CommandContext, examples } from "./context.js";
import { finishExplore } from "./finish.js";
import { TRACE_FORMATS } from "./options.js";

/** `--shard i/N`: part i (0-based) of N. */
export function shardArg(v: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  if (m === null) throw new InvalidArgumentError(`expected i/N (part i of N, i from 0 to N-1), got "${v}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 1_000_000) throw new InvalidArgumentError(`N must be from 1 to 1000000, got "${v}"`);
  if (index >= count) throw new InvalidArgumentError(`i must be from 0 to ${count - 1}, got "${v}"`);
  return { index, count };
}

/** The part files, read and parsed (what is wrong with one is said in one line). */
export function readParts(files: readonly string[], cwd: string): { file: string; data: unknown }[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, file), "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`${file}: cannot read it (${code === "ENOENT" ? "no such file" : (code ?? String(e))})`);
    }
    try {
      return { file, data: JSON.parse(text) as unknown };
    } catch {
      throw new UsageError(`${file}: not JSON (a part is what kprim explore … --shard i/N --json prints)`);
    }
  });
}

export function addWorker(program: Command, ctx: CommandContext): void {
  program
    .command("worker")
    .description(
      "explore jobs from a job queue (Redis, BullMQ) for every kprim explore --queue that submits there, until Ctrl-C",
    )
    .requiredOption("--queue <url>", "the queue: redis://host:port[/db]", (v: string) => (parseQueueUrl(v), v))
    .option("--json", "print {worker, queue, jobs, executions, refused, skipped} when stopped")
    .addHelpText(
      "after",
      examples(
        "kprim worker --queue redis://127.0.0.1:6379",
        "kprim worker --queue redis://queue.lab:6379/2 --plugin @kprim/plugin-mtx",
      ),
    )
    .action(async (o: { queue: string; json?: boolean }, cmd: Command) => {
      // A batch system or a service manager stops it with SIGTERM: as Ctrl-C, after the slice in hand.
      const term = (): void => void process.emit("SIGINT");
      process.on("SIGTERM", term);
      const r = await ctx.job<WorkerReport>(
        cmd,
        { kind: "queue-worker", queue: o.queue },
        { interruptible: true, quiet: true },
      );
      ctx.print(o.json, r, () => renderWorker(ctx.out, r));
      ctx.setExit(0);
    });
}

export function addMerge(program: Command, ctx: CommandContext): void {
  program
    .command("merge")
    .description("put the parts of a search run in static shards (explore --shard i/N --json) back into its one result")
    .argument("<parts...>", "the part files, every one of the N")
    .addOption(new Option("--trace <format>", "draw the counterexample (when one is found)").choices(TRACE_FORMATS))
    .option("--out <file>", "where --trace writes (- for stdout); its trail goes beside it (<file>.trail)")
    .option("--save-trail <file>", "write the counterexample's trail for kprim replay --trail")
    .option("--json", "print the result as explore --json does")
    .addHelpText("after", examples("kprim merge part-*.json", "kprim merge part-0.json part-1.json --json"))
    .action(
      async (
        files: string[],
        o: { trace?: TraceFormat; out?: string; saveTrail?: string; json?: boolean },
        cmd: Command,
      ) => {
        checkOut(o.trace, o.out, Boolean(o.json), ctx.cwd);
        if (o.saveTrail !== undefined) checkWritable(o.saveTrail, "the trail", ctx.cwd);
        const r = await ctx.job<ExploreReport>(cmd, {
          kind: "merge",
          parts: readParts(files, ctx.cwd),
          trace: o.trace,
        });
        finishExplore(ctx, r, o);
      },
    );
}
