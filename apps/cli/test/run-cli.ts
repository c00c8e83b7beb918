// Runs the kprim CLI from source as a subprocess, the way `pnpm kprim` does:
// tsx as the TypeScript loader, workspace packages resolved to their source.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url));
const nodeArgs = ["--import", "tsx", "--conditions=@kprim/source", bin];
const env = { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "" };

/** Fixture plugins, as paths relative to the repository root (the default cwd). */
export const fixture = (name: string): string => `./apps/cli/test/fixtures/${name}`;

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
