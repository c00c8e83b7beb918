/**
 * The `kprim` command line. Exit codes: 0 nothing found / all verdicts match,
 * 1 a failure found / a verdict mismatch, 2 a usage or input error.
 */
import { Command, CommanderError } from "commander";
import { demo } from "./commands/demo.js";
import { isInputError } from "./errors.js";
import { consoleOut, type Out } from "./out.js";
import pkg from "../package.json" with { type: "json" };

export function buildProgram(out: Out, setExit: (code: number) => void): Command {
  const program = new Command("kprim")
    .description(
      "Simulate, explore and compare DragonFly BSD's 2005 SMP kernel primitives: find the race, name it, shrink it, replay it; and measure what the safe version costs.",
    )
    .version(pkg.version, "-V, --version")
    .option("--debug", "show stack traces of internal errors")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(s.split("\n")[0] + "\n"),
    });

  program
    .command("demo")
    .description("the seed's story in under a minute")
    .addHelpText("after", "\nExample:\n  kprim demo\n")
    .action(() => setExit(demo(out)));

  return program;
}

/** Run the CLI; returns the exit code. */
export function main(argv: readonly string[]): number {
  const out = consoleOut();
  let code = 0;
  const program = buildProgram(out, (c) => (code = c));
  const debug = argv.includes("--debug");
  try {
    program.parse(argv as string[], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isInputError(e)) {
      out.error(`kprim: ${e.message}`);
      if (debug) out.error(String(e.stack));
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    out.error(`kprim: internal error: ${msg}${debug ? "" : " (run with --debug for the stack)"}`);
    if (debug && e instanceof Error) out.error(String(e.stack));
    return 2;
  }
}
