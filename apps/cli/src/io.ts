/**
 * Where a command reads and writes: its standard streams, its environment
 * and its working directory. `kprim` (bin.ts) runs with the process's own;
 * the CLI's tests run commands in their own process with streams of their
 * own (`run(argv, io)` of program.ts), on the same code path, several at a
 * time. Nothing below the commands reads `process.stdout`, `process.env` or
 * `process.cwd()` directly: they go through an `Io`.
 */
import type { Readable } from "node:stream";

export interface Io {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: Readable & { readonly isTTY?: boolean };
  /** The environment: colours (NO_COLOR, TERM), the user's folder under pnpm, and the worker thread's. */
  readonly env: NodeJS.ProcessEnv;
  /** The working directory of the command (`process.cwd()`). */
  readonly cwd: string;
}

/** The process's own streams, environment and working directory. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/**
 * The user's working directory: `pnpm kprim …` runs the root script from the
 * repository root, and pnpm passes the folder it was called from as INIT_CWD.
 * Plugin paths, kprim.config.js, --out and trails are relative to it.
 */
export function userCwd(io: Io): string {
  const init = io.env["INIT_CWD"];
  return io.env["npm_lifecycle_event"] === "kprim" && init ? init : io.cwd;
}
