/**
 * What every command's action shares: where it writes, how it sets the exit
 * code, how it runs a job in the watched worker thread (with the progress
 * bar), and how it prints a result as JSON or for a person.
 */
import type { Command } from "commander";
import type { Job } from "../jobs/requests.js";
import { type Io, userCwd } from "../io.js";
import type { Out } from "../out.js";
import { progress } from "../progress.js";
import { runInWorker } from "../worker/host.js";

export interface Globals {
  debug?: boolean;
  plugin?: string[];
  watchdog: number;
}

export const DEFAULT_MAX_STEPS = 20_000;
/** Stopped by Ctrl-C (the partial result printed), as a shell reports a job ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;
/** Nothing found, but some execution reached the step limit: a not-found claim is not made (a CI job fails). */
export const EXIT_INCONCLUSIVE = 3;

export interface JobOptions {
  interruptible?: boolean;
  timeLimitMs?: number | undefined;
  plugins?: readonly string[];
  /** No progress bar (a long-running worker). */
  quiet?: boolean;
}

export interface CommandContext {
  readonly out: Out;
  /** The command's streams, environment and folder. */
  readonly io: Io;
  /** The user's folder (io.ts): what plugin paths, configs, --out and trails are relative to. */
  readonly cwd: string;
  readonly setExit: (code: number) => void;
  /** The global options (--debug, --plugin, --watchdog) as `cmd` sees them. */
  globals(cmd: Command): Globals;
  /** Run `j` in the watched worker thread, with a progress bar on a terminal. */
  job<T>(cmd: Command, j: Job, opts?: JobOptions): Promise<T>;
  /** `--json`: the data as one JSON document; else `human()`. */
  print(json: boolean | undefined, data: unknown, human: () => void): void;
}

/** A command's help text after its options: its examples. */
export function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

export function commandContext(out: Out, setExit: (code: number) => void, io: Io): CommandContext {
  const globals = (cmd: Command): Globals => cmd.optsWithGlobals() as Globals;
  const cwd = userCwd(io);
  return {
    out,
    io,
    cwd,
    setExit,
    globals,
    async job<T>(cmd: Command, j: Job, opts: JobOptions = {}): Promise<T> {
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
          { job: j, plugins: [...(g.plugin ?? []), ...(opts.plugins ?? [])], cwd },
          {
            io,
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
    },
    print(json, data, human): void {
      if (json) out.line(JSON.stringify(data, null, 2));
      else human();
    },
  };
}
