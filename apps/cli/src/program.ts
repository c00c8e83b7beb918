/**
 * The `kprim` command line. Exit codes: 0 nothing found / at least one verdict
 * checked and all match, 1 a failure found / a verdict mismatch or none
 * checked, 2 a usage or input error.
 *
 * The main thread parses the command line and renders; every job (loading
 * plugins, running machines, exploring) runs in a worker thread watched by
 * a watchdog (worker/host.ts), and comes back as plain data.
 */
import { Command, CommanderError, Option } from "commander";
import {
  collectList,
  intArg,
  runSpec,
  secondsArg,
  TRACE_FORMATS,
  traceOptions,
  variantOptions,
  type VariantFlags,
} from "./commands/options.js";
import { UsageError } from "./errors.js";
import { checkOut, checkWritable, readTrail, userCwd, type Written, writeOutputs } from "./files.js";
import { renderInteractiveEnd, runInteractive } from "./interactive.js";
import { oneLine, reason } from "./messages.js";
import type { CompareReport, DemoReport, ExploreReport, ListReport, RunReport, WorkerReport } from "./jobs/reports.js";
import type { PartDocument } from "./jobs/shard.js";
import { parseQueueUrl } from "./queue/url.js";
import { readParts, shardArg } from "./commands/distributed.js";
import { consoleOut, type Out } from "./out.js";
import { progress } from "./progress.js";
import { renderCompare, renderDemo, renderExplore, renderList, renderRun, renderWorker } from "./render.js";
import { runInWorker, WorkerFailure } from "./worker/host.js";
import type { Job, TraceFormat } from "./jobs/requests.js";
import type { Trail } from "./jobs/trail.js";
import pkg from "../package.json" with { type: "json" };

interface Globals {
  debug?: boolean;
  plugin?: string[];
  watchdog: number;
}

const DEFAULT_MAX_STEPS = 20_000;
/** Stopped by Ctrl-C (the partial result printed), as a shell reports a job ended by SIGINT. */
const EXIT_INTERRUPTED = 130;
/** Nothing found, but some execution reached the step limit: a not-found claim is not made (a CI job fails). */
const EXIT_INCONCLUSIVE = 3;

function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

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

export function buildProgram(out: Out, setExit: (code: number) => void): Command {
  const program = new Command("kprim")
    .description(
      "Simulate, explore and compare DragonFly BSD's 2005 SMP kernel primitives: find the race, name it, shrink it, replay it; and measure what the safe version costs.",
    )
    .version(pkg.version, "-V, --version")
    .option("--debug", "show stack traces of errors")
    .option(
      "--plugin <module>",
      "load a plugin module (repeatable; kprim.config.js/.mjs in the cwd loads more)",
      collectList,
    )
    .addOption(
      new Option("--watchdog <seconds>", "end the command when a thread body runs this long without a step")
        .argParser(secondsArg)
        .default(5),
    )
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      // One line: "kprim: <message>" (commander's suggestion joined onto it).
      outputError: (s, write) =>
        write(
          `kprim: ${oneLine(
            s
              .replace(/^error: /, "")
              .split("\n")
              .map((l) => l.trim())
              .filter(Boolean)
              .join(" "),
          )}\n`,
        ),
    });

  const globals = (cmd: Command): Globals => cmd.optsWithGlobals() as Globals;

  const job = async <T>(
    cmd: Command,
    j: Job,
    opts: {
      interruptible?: boolean;
      timeLimitMs?: number | undefined;
      plugins?: readonly string[];
      /** No progress bar (a long-running worker). */
      quiet?: boolean;
    } = {},
  ): Promise<T> => {
    const g = globals(cmd);
    const unit =
      j.kind === "explore"
        ? j.strategy === "stateful"
          ? "state"
          : "execution"
        : j.kind === "compare"
          ? "variant"
          : null;
    const bar = progress(out.stderr, out.tty && opts.quiet !== true, unit);
    try {
      const r = await runInWorker<T>(
        { job: j, plugins: [...(g.plugin ?? []), ...(opts.plugins ?? [])], cwd: userCwd() },
        {
          quietMs: g.watchdog * 1000,
          interruptible: opts.interruptible === true,
          timeLimitMs: opts.timeLimitMs,
          onStarted: (label, total) => bar.start(label, total),
          onTick: (n) => bar.tick(n),
          onStopRequest: (why) => bar.stopRequested(why),
        },
      );
      return r.data;
    } finally {
      bar.stop();
    }
  };

  const print = (json: boolean | undefined, data: unknown, human: () => void): void => {
    if (json) out.line(JSON.stringify(data, null, 2));
    else human();
  };

  program
    .command("list")
    .description("every scenario: its spec id, description, parameters and the matrix variants it is checked under")
    .option("--json", "print an array of {name, specId, description, params, variants}")
    .addHelpText("after", examples("kprim list", "kprim list --json", "kprim list --plugin ./my-plugin.js"))
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const r = await job<ListReport>(cmd, { kind: "list" });
      print(o.json, r.scenarios, () => renderList(out, r));
      setExit(0);
    });

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
        checkOut(o.trace, o.out, Boolean(o.json));
        if (o.saveTrail !== undefined) checkWritable(o.saveTrail, "the trail");
        if (o.from !== undefined && !o.interactive) {
          throw new UsageError("--from needs --interactive (to replay a whole schedule: kprim replay)");
        }
        if (o.interactive) {
          if (o.json) {
            throw new UsageError(
              "--interactive is for a person at a terminal or a script feeding it lines; drop --json",
            );
          }
          const g = globals(cmd);
          const r = await runInteractive(
            { out, plugins: g.plugin ?? [], cwd: userCwd(), quietMs: g.watchdog * 1000 },
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
          renderInteractiveEnd(out, r);
          const w = writeOutputs(r, o);
          listWritten(out, w, r.trace?.format);
          if (w.error !== null) throw w.error;
          setExit(r.found ? 1 : 0);
          return;
        }
        const r = await job<RunReport>(cmd, {
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
        finishRun(r, o);
      },
    );

  /** With --out -, stdout carries the trace alone (one document): the summary goes to stderr. */
  const summaryOut = (o: { out?: string }): Out => (o.out === "-" ? consoleOut(out.stderr, out.stderr) : out);

  /** The files written, as the summary lists them. */
  const listWritten = (to: Out, w: Written, traceFormat: string | undefined, pad = ""): void => {
    if (w.trace !== null) to.line(`trace (${traceFormat}): ${w.trace}`);
    for (const f of w.trails) to.line(`trail:${pad} ${f}`);
  };

  const finishRun = (
    r: RunReport,
    o: { json?: boolean; out?: string; saveTrail?: string },
    from: Trail | null = null,
  ): void => {
    // A trail replayed must give the verdict it recorded (else the model changed since).
    if (from !== null && (from.outcome !== r.outcomeText || from.found !== r.found)) {
      const verdict = (outcome: string, found: boolean): string => `"${outcome}" (${found ? "found" : "not found"})`;
      throw new UsageError(
        `the trail recorded ${verdict(from.outcome, from.found)}; replaying it gives ${verdict(r.outcomeText, r.found)}: the model changed since it was written`,
      );
    }
    const w = writeOutputs(r, o);
    const { trace: _trace, trail: _trail, ...rest } = r;
    const to = summaryOut(o);
    print(o.json, rest, () => {
      renderRun(to, r);
      listWritten(to, w, r.trace?.format);
    });
    // A file that could not be written is an error, after the summary (nothing computed is lost).
    if (w.error !== null) throw w.error;
    setExit(r.found ? 1 : 0);
  };

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
        checkOut(o.trace, o.out, Boolean(o.json));
        if (o.saveTrail !== undefined) checkWritable(o.saveTrail, "the trail");
        const r = await job<ExploreReport | PartDocument>(
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
          out.line(JSON.stringify(r, null, 2));
          setExit(r.stopped === "interrupted" ? EXIT_INTERRUPTED : 0);
          return;
        }
        finishExplore(r, o);
      },
    );

  const finishExplore = (
    r: ExploreReport,
    o: { json?: boolean; out?: string; saveTrail?: string; trace?: TraceFormat },
  ): void => {
    const w = writeOutputs(r, o);
    const { trace: _trace, trail: _trail, ...rest } = r;
    const to = summaryOut(o);
    print(o.json, rest, () => {
      renderExplore(to, r);
      listWritten(to, w, r.trace?.format, "   ");
      if (r.trail === null && (o.saveTrail !== undefined || o.trace !== undefined)) {
        to.line(`${o.trace !== undefined ? "trace and trail" : "trail"}: none written (nothing found)`);
      }
    });
    if (w.error !== null) throw w.error;
    // The queue went away: the partial result above, then the reason in one line.
    if (r.lost !== undefined && r.lost !== null) {
      throw new UsageError(`${r.lost}: the result above is partial (what was settled before)`);
    }
    setExit(
      r.verdict === "found"
        ? 1
        : r.stopped === "interrupted"
          ? EXIT_INTERRUPTED
          : r.inconclusive !== null
            ? EXIT_INCONCLUSIVE
            : 0,
    );
  };

  const replay = program
    .command("replay")
    .description(
      "reproduce a run exactly from its schedule string or trail file (scenario, variant, options, parameters, signal and step limit come from it)",
    )
    .argument("[scenario]", "the scenario the schedule is for (checked against the schedule's header)")
    .option(
      "--schedule <string>",
      "a schedule string, kprim2:<scenario>:<variant>:<options>:<params>:<run>:<choices> (kprim1:… too)",
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
        "kprim replay lockmgr-lost-wakeup --schedule 'kprim2:lockmgr-lost-wakeup:SPIN-naive::::1sx8.0sx5.1sx5.0s'",
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
        checkOut(o.trace, o.out, Boolean(o.json));
        if (o.saveTrail !== undefined) checkWritable(o.saveTrail, "the trail");
        const trail = o.trail === undefined ? null : readTrail(o.trail);
        const r = await job<RunReport>(
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
        finishRun(r, o, o.signal === undefined ? trail : null);
      },
    );

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
        const r = await job<CompareReport>(
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
        print(o.json, r, () => renderCompare(out, r));
        // 0 only when at least one verdict was checked, every one matched and every variant ran to its end.
        setExit(r.stopped === "interrupted" ? EXIT_INTERRUPTED : r.ok ? 0 : 1);
      },
    );

  program
    .command("demo")
    .description("the seed's story in under a minute, every verdict checked against matrix.json")
    .option("--json", "print {sections, ok}")
    .addHelpText("after", examples("kprim demo"))
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const r = await job<DemoReport>(cmd, { kind: "demo" });
      print(o.json, r, () => renderDemo(out, r));
      setExit(r.ok ? 0 : 1);
    });

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
      const r = await job<WorkerReport>(
        cmd,
        { kind: "queue-worker", queue: o.queue },
        { interruptible: true, quiet: true },
      );
      print(o.json, r, () => renderWorker(out, r));
      setExit(0);
    });

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
        checkOut(o.trace, o.out, Boolean(o.json));
        if (o.saveTrail !== undefined) checkWritable(o.saveTrail, "the trail");
        const r = await job<ExploreReport>(cmd, { kind: "merge", parts: readParts(files), trace: o.trace });
        finishExplore(r, o);
      },
    );

  return program;
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const out = consoleOut();
  let code = 0;
  const program = buildProgram(out, (c) => (code = c));
  const debug = argv.includes("--debug");
  try {
    // No command at all: one line, not the whole help on stderr.
    if (argv.every((a) => a.startsWith("-")) && !argv.some((a) => /^(-h|--help|-V|--version)$/.test(a))) {
      throw new UsageError(
        `a command is needed: ${program.commands.map((c) => c.name()).join(", ")} (kprim --help says more)`,
      );
    }
    await program.parseAsync(argv as string[], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof WorkerFailure) {
      out.error(
        e.input
          ? `kprim: ${oneLine(e.message)}`
          : `kprim: internal error: ${oneLine(e.message)}${debug ? "" : " (run with --debug for the stack)"}`,
      );
      if (debug && e.workerStack) out.error(e.workerStack);
      return e.exitCode;
    }
    if (e instanceof UsageError) {
      out.error(`kprim: ${oneLine(e.message)}`);
      if (debug) out.error(String(e.stack));
      return 2;
    }
    const msg = oneLine(reason(e));
    out.error(`kprim: internal error: ${msg}${debug ? "" : " (run with --debug for the stack)"}`);
    if (debug && e instanceof Error) out.error(String(e.stack));
    return 2;
  }
}
