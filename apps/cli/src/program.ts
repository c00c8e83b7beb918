/**
 * The `kprim` command line. Exit codes: 0 nothing found / at least one verdict
 * checked and all match, 1 a failure found / a verdict mismatch or none
 * checked, 2 a usage or input error, 3 nothing found but a step limit
 * reached (inconclusive), 130 stopped by Ctrl-C.
 *
 * The main thread parses the command line and renders; every job (loading
 * plugins, running machines, exploring) runs in a worker thread watched by
 * a watchdog (worker/host.ts), and comes back as plain data. Each command is
 * defined in its own module under commands/; this one assembles them.
 */
import { Command, CommanderError, Option } from "commander";
import { addCompare } from "./commands/compare.js";
import { commandContext } from "./commands/context.js";
import { addMerge, addWorker } from "./commands/distributed.js";
import { addExplore } from "./commands/explore.js";
import { addDemo, addList } from "./commands/list.js";
import { collectList, secondsArg } from "./commands/options.js";
import { addReplay } from "./commands/replay.js";
import { addRun } from "./commands/run.js";
import { UsageError } from "./errors.js";
import { type Io, processIo } from "./io.js";
import { oneLine, reason } from "./messages.js";
import { consoleOut, type Out } from "./out.js";
import { WorkerFailure } from "./worker/host.js";
import pkg from "../package.json" with { type: "json" };

export function buildProgram(out: Out, setExit: (code: number) => void, io: Io): Command {
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
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
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

  // In this order in --help.
  const ctx = commandContext(out, setExit, io);
  addList(program, ctx);
  addRun(program, ctx);
  addExplore(program, ctx);
  addReplay(program, ctx);
  addCompare(program, ctx);
  addDemo(program, ctx);
  addWorker(program, ctx);
  addMerge(program, ctx);
  return program;
}

/** Run the CLI with the process's streams, environment and folder (bin.ts); resolves to the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  return run(argv, processIo());
}

/**
 * Run one command line with the given streams, environment and folder;
 * resolves to the exit code. The jobs run in their watched worker thread as
 * under `kprim`; what only a process has (its exit, its signals, a closed
 * stdout) is bin.ts's.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const out = consoleOut(io.stdout, io.stderr, io.env);
  let code = 0;
  const program = buildProgram(out, (c) => (code = c), io);
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
