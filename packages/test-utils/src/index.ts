/**
 * The kprim command run from source as a subprocess, the way `pnpm kprim`
 * does when a source is newer than the build: tsx as the TypeScript loader,
 * workspace packages resolved to their source, from the repository root
 * unless told otherwise. `viaPnpm` and `interruptGroup` start it as a user
 * does, through pnpm, and interrupt it as a terminal does. Shared by the CLI's
 * tests and the plugins' tests.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = fileURLToPath(new URL("../../../apps/cli/src/bin.ts", import.meta.url));
// tsx by URL: `--import tsx` would be resolved from the working directory, which may be outside the repository.
const tsx = pathToFileURL(
  join(dirname(createRequire(join(root, "package.json")).resolve("tsx/package.json")), "dist/loader.mjs"),
).href;
const nodeArgs = ["--import", tsx, "--conditions=@kprim/source", bin];
const env = { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "" };

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Run kprim to its end (asynchronously, so tests of a concurrent block overlap). A hang guard, not a
 * speed check: SIGKILL after `timeoutMs` (default 110 s, inside the 120 s a test may take).
 */
export function kprim(args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: opts.cwd ?? root, env });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const guard = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 110_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/**
 * Start kprim, wait until stderr shows `ready` (a text, or a pattern such as a progress line with
 * a count above 0), send SIGINT `delayMs` later, and collect the result. A hang guard (SIGKILL
 * after `timeoutMs`, default 100 s) ends it otherwise.
 */
export function kprimInterrupted(
  args: readonly string[],
  ready: string | RegExp,
  delayMs = 300,
  timeoutMs = 100_000,
): Promise<CliResult> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: root, env });
  let stdout = "";
  let stderr = "";
  let sent = false;
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    if (!sent && (typeof ready === "string" ? stderr.includes(ready) : ready.test(stderr))) {
      sent = true;
      setTimeout(() => child.kill("SIGINT"), delayMs);
    }
  });
  const guard = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

export { type SourceMessages, sourceMessages } from "./sources.js";

/**
 * Split a printed command line into its words as a POSIX shell would for
 * the forms kprim prints: plain words, '…' single-quoted parts, and the
 * '\'' escape inside them.
 */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${command}`);
      word = (word ?? "") + command.slice(i + 1, end);
      i = end;
    } else if (ch === "\\" && i + 1 < command.length) {
      word = (word ?? "") + command[i + 1]!;
      i++;
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** Run a `kprim …` command exactly as printed (its words as a shell splits them). */
export function kprimPrinted(command: string, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const [first, ...args] = shellWords(command);
  if (first !== "kprim") throw new Error(`not a kprim command: ${command}`);
  return kprim(args, opts);
}

/** How a test starts kprim: a command and its arguments. */
export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
}

/** `pnpm kprim <args>`, the README's launcher: the pnpm running the tests if there is one, else npx's. */
export function viaPnpm(args: readonly string[]): Launch {
  const execPath = process.env["npm_execpath"];
  if (execPath !== undefined && /pnpm/.test(execPath)) {
    return { command: process.execPath, args: [execPath, "kprim", ...args] };
  }
  return { command: "npx", args: ["-y", "pnpm@10.34.9", "kprim", ...args] };
}

/** The CLI from source in this process's node, as `kprim()` runs it. */
export function fromSource(args: readonly string[]): Launch {
  return { command: process.execPath, args: [...nodeArgs, ...args] };
}

export interface GroupInterrupt {
  /** Send the first SIGINT once stderr contains this, after `delayMs`. */
  readonly ready: string;
  readonly delayMs?: number;
  /** More SIGINTs to the group, each this many ms after the first. */
  readonly more?: readonly number[];
  readonly timeoutMs?: number;
}

/**
 * Start a launch in its own process group (a session, as a terminal starts a
 * job), then signal the whole group with SIGINT, as a terminal's Ctrl-C does:
 * every process of the job gets it, not just the first.
 */
export function interruptGroup(
  launch: Launch,
  opts: GroupInterrupt,
): Promise<CliResult & { readonly signal: NodeJS.Signals | null }> {
  const t0 = Date.now();
  const child = spawn(launch.command, [...launch.args], { cwd: root, env, detached: true });
  let stdout = "";
  let stderr = "";
  let sent = false;
  const group = (): void => {
    try {
      process.kill(-child.pid!, "SIGINT");
    } catch {
      // the job has ended
    }
  };
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    if (!sent && stderr.includes(opts.ready)) {
      sent = true;
      setTimeout(group, opts.delayMs ?? 300);
      for (const ms of opts.more ?? []) setTimeout(group, (opts.delayMs ?? 300) + ms);
    }
  });
  const guard = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }, opts.timeoutMs ?? 90_000);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ code: code ?? -1, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}
