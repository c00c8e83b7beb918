// The kprim CLI for its tests: in this process through program.ts's `run(argv,
// io)` — the code path `kprim` itself takes, jobs in their watched worker
// thread — with streams, environment and folder of its own; the fixture plugins;
// and the one-line error convention its tests check. What only a whole process
// shows (the launcher, signals, a closed or full stdout, the exit status as a
// shell sees it) is tested with `kprimProcess` (from @kprim/test-utils).
import { Readable, Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { type CliResult, root, shellWords } from "@kprim/test-utils";
import type { Io } from "../src/io.js";
import { run } from "../src/program.js";

export { type CliResult, kprim as kprimProcess, kprimInterrupted, root, shellWords } from "@kprim/test-utils";

// Each running explore or compare listens for Ctrl-C (SIGINT) on this process while it runs; several
// tests at once, each with a few commands, are more than Node's default of 10 listeners warns about.
process.setMaxListeners(Math.max(process.getMaxListeners(), 64));

/** A stream that keeps what is written to it (not a terminal). */
function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  const decoder = new StringDecoder("utf8");
  let text = "";
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, done) {
      text += typeof chunk === "string" ? chunk : decoder.write(chunk);
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text + decoder.end() };
}

export interface InProcessOptions {
  /** The working directory (default: the repository root, as `pnpm kprim` runs from). */
  readonly cwd?: string;
  /** What stdin holds, then end of input (default: nothing). */
  readonly stdin?: string;
  /** Variables added to the environment. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Fail (rather than wait on) a command that has not ended after this long: a hang guard, not a
   * speed check (default 110 s, inside the 120 s a test may take; a loaded machine is slow).
   */
  readonly timeoutMs?: number;
}

/**
 * Run kprim to its end in this process: the exit code it would exit with and what it
 * wrote, in the environment `kprimProcess` gives the subprocess (NO_COLOR, no check mode).
 */
export async function kprim(args: readonly string[], opts: InProcessOptions = {}): Promise<CliResult> {
  const t0 = Date.now();
  const stdout = sink();
  const stderr = sink();
  const io: Io = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    env: { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "", ...opts.env },
    cwd: opts.cwd ?? root,
  };
  // What the worker thread prints is piped into stderr: wait for those pipes to end (the worker's exit).
  let piped = 0;
  let drained: (() => void) | null = null;
  stderr.stream.on("pipe", () => piped++);
  stderr.stream.on("unpipe", () => {
    if (--piped === 0) drained?.();
  });
  let timer: NodeJS.Timeout | undefined;
  const limitMs = opts.timeoutMs ?? 110_000;
  const code = await Promise.race([
    run(args, io),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`kprim ${args.join(" ")} did not end in ${limitMs} ms`)), limitMs);
    }),
  ]).finally(() => clearTimeout(timer));
  if (piped > 0) await new Promise<void>((resolve) => (drained = resolve));
  return { code, stdout: stdout.text(), stderr: stderr.text(), ms: Date.now() - t0 };
}

/** Run a `kprim …` command exactly as printed (its words as a shell splits them), in this process. */
export function kprimPrinted(command: string, opts: InProcessOptions = {}): Promise<CliResult> {
  const [first, ...args] = shellWords(command);
  if (first !== "kprim") throw new Error(`not a kprim command: ${command}`);
  return kprim(args, opts);
}

/** Fixture plugins, as paths relative to the repository root (the default cwd). */
export const fixture = (name: string): string => `./apps/cli/test/fixtures/${name}`;

/** The one-line error convention: exit 2, a single `kprim: ` line on stderr, no stack, nothing on stdout. */
export function expectUsageError(r: CliResult): string {
  const lines = r.stderr.trim().split("\n");
  if (
    r.code !== 2 ||
    lines.length !== 1 ||
    !lines[0]!.startsWith("kprim: ") ||
    /\n\s+at /.test(r.stderr) ||
    r.stdout !== ""
  ) {
    throw new Error(
      `expected a one-line usage error with exit 2, got exit ${r.code}:\n${r.stderr}\n--- stdout:\n${r.stdout}`,
    );
  }
  return lines[0]!;
}
