/** `kprim explore`: search a scenario's schedules for a failure, in one process, a queue or a shard. */
import { type Command, Option } from "commander";
import { UsageError } from "../errors.js";
import { checkOut, checkWritable } from "../files.js";
import type { ExploreReport } from "../jobs/reports.js";
import type { TraceFormat } from "../jobs/requests.js";
import type { PartDocument } from "../jobs/shard.js";
import { parseQueueUrl } from "../queue/url.js";
import { type CommandContext, DEFAULT_MAX_STEPS, EXIT_INTERRUPTED, examples } from "./context.js";
import { shardArg } from "./distributed.js";
import { finishExplore } from "./finish.js";
import { intArg, runSpec, secondsArg, TRACE_FORMATS, variantOptions, type VariantFlags } from "./options.js";

export function addExplore(program: Command, ctx: CommandContext): void {
  const explore = program
    .command("explore")
    .description(
      "search a scenario's schedules for a failure (or --signal): by default a burst of random and PCT runs, then exhaustive DPOR; or DPOR, stateful DFS, PCT or random alone",
    )
    .argument("<scenario>", "a scenario name (kprim list)");
  variantOptions(explore);
  explore
    .option(
      "--strategy <name>",
      "auto (a burst of random and PCT runs finds shallow races fast, then DPOR explores every schedule, in one budget), dpor or stateful (exhaustive), pct, random or a plugin's (sampling)",
      "auto",
    )
    .option(
      "--signal <sig>",
      "the target: failure, any, console:<text>, panic[:<text>], violation:<detector>, deadlock",
      "failure",
    )
    .option(
      "--schedules <n>",
      "auto: executions in all, burst included, and dpor: at most this many executions (default 100000); random/pct/plugin strategy: runs (default 1000); stateful: states (default 1000000)",
      intArg(1),
    )
    .option("--bound <p>", "dpor: explore only schedules with at most p preemptions", intArg(0))
    .option("--depth <d>", "pct: bug depth (default 3)", intArg(1))
    .option(
      "--symmetry",
      "stateful: explore a state and its mirror images once, over threads the scenario declares interchangeable",
    )
    .option("--seed <n>", "seed of the random and pct runs (auto's burst too) and of a plugin strategy", intArg(0), 1)
    .option("--workers <w>", "random/pct: worker threads", intArg(1, 64), 1)
    .option("--time-limit <seconds>", "stop after this long and report what was explored", secondsArg)
    .option("--max-steps <n>", "an execution that takes more steps ends with step-limit", intArg(1), DEFAULT_MAX_STEPS)
    .option("--all", "go on after a finding and count every execution (dpor, stateful, random, pct, a plugin's)")
    .option(
      "--queue <url>",
      "spread the search over the workers of a job queue, redis://host:port[/db] (start them with kprim worker --queue)",
      (v: string) => (parseQueueUrl(v), v),
    )
    .option(
      "--slice <seconds>",
      "with --queue: how long a worker explores a job before handing back the rest (default 1)",
      secondsArg,
    )
    .option(
      "--shard <i/N>",
      "explore part i (0 to N-1) of N of the search and print it with --json, for kprim merge (i from $JOB_COMPLETION_INDEX, $SLURM_ARRAY_TASK_ID)",
      shardArg,
    )
    .option(
      "--save-trail <file>",
      "write the counterexample's trail (schedule, plugins, verdict) for kprim replay --trail",
    )
    .addOption(new Option("--trace <format>", "draw the counterexample (when one is found)").choices(TRACE_FORMATS))
    .option("--out <file>", "where --trace writes (- for stdout); its trail goes beside it (<file>.trail)")
    .option(
      "--json",
      "print {verdict, signal, executions, exhausted, bound, phases, warnings, schedule, shrunk, replay, ...}",
    )
    .addHelpText(
      "after",
      examples(
        "kprim explore lockmgr-lost-wakeup --variant SPIN-naive",
        "kprim explore getnewbuf-locked-buf --variant TOK --signal 'console:getnewbuf: warning'",
        "kprim explore buf-churn --strategy pct --schedules 5000 --workers 2 --time-limit 30",
        "kprim explore lost-wakeup --variant SPIN+TI --param sleepers=3 --strategy stateful",
        "kprim explore lost-wakeup --param sleepers=7 --option wakeup=multicast --strategy stateful --symmetry",
        "kprim explore lost-wakeup --param sleepers=5 --strategy dpor --queue redis://127.0.0.1:6379",
        "kprim explore lost-wakeup --strategy pct --schedules 100000 --shard 0/4 --json > part-0.json",
      ),
    )
    .action(
      async (
        scenario: string,
        o: VariantFlags & {
          strategy: string;
          signal: string;
          schedules?: number;
          bound?: number;
          depth?: number;
          symmetry?: boolean;
          seed: number;
          workers: number;
          timeLimit?: number;
          maxSteps: number;
          saveTrail?: string;
          trace?: TraceFormat;
          out?: string;
          json?: boolean;
          all?: boolean;
          queue?: string;
          slice?: number;
          shard?: { index: number; count: number };
        },
        cmd: Command,
      ) => {
        if (o.slice !== undefined && o.queue === undefined) throw new UsageError("--slice applies to --queue");
        if (o.shard !== undefined) {
          if (!o.json) {
            throw new UsageError(
              "--shard prints a part for kprim merge: add --json (kprim explore … --shard i/N --json > part-i.json)",
            );
          }
          if (o.trace !== undefined || o.saveTrail !== undefined) {
            throw new UsageError("--shard prints a part; --trace and --save-trail go on kprim merge");
          }
        }
        checkOut(o.trace, o.out, Boolean(o.json), ctx.cwd);
        if (o.saveTrail !== undefined) checkWritable(o.saveTrail, "the trail", ctx.cwd);
        const r = await ctx.job<ExploreReport | PartDocument>(
          cmd,
          {
            kind: "explore",
            spec: runSpec(scenario, o),
            strategy: o.strategy,
            signal: o.signal,
            schedules: o.schedules,
            bound: o.bound,
            depth: o.depth,
            symmetry: o.symmetry === true,
            seed: o.seed,
            workers: o.workers,
            maxSteps: o.maxSteps,
            trace: o.trace,
            all: o.all === true,
            queue: o.queue,
            sliceMs: o.slice === undefined ? undefined : o.slice * 1000,
            shard: o.shard,
          },
          { interruptible: true, timeLimitMs: o.timeLimit === undefined ? undefined : o.timeLimit * 1000 },
        );
        if ("format" in r) {
          ctx.out.line(JSON.stringify(r, null, 2));
          ctx.setExit(r.stopped === "interrupted" ? EXIT_INTERRUPTED : 0);
          return;
        }
        finishExplore(ctx, r, o);
      },
    );
}
