/**
 * The kprim command run from source as a subprocess, the way `pnpm kprim`
 * does: tsx as the TypeScript loader, workspace packages resolved to their
 * source, from the repository root unless told otherwise. Shared by the CLI's
 * tests and the plugins' tests.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = fileURLToPath(new URL("../../../apps/cli/src/bin.ts", import.meta.url));
const nodeArgs = ["--import", "tsx", "--conditions=@kprim/source", bin];
const env = { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "" };

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Run kprim to its end (asynchronously, so tests of a concurrent block overlap). */
export function kprim(args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: opts.cwd ?? root, env });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const guard = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** Start kprim, wait until stderr shows `ready`, send SIGINT, and collect the result. */
export function kprimInterrupted(args: readonly string[], ready: string, delayMs = 300): Promise<CliResult> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: root, env });
  let stdout = "";
  let stderr = "";
  let sent = false;
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    if (!sent && stderr.includes(ready)) {
      sent = true;
      setTimeout(() => child.kill("SIGINT"), delayMs);
    }
  });
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
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
