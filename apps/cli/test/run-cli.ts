// Runs the kprim CLI from source as a subprocess, the way `pnpm kprim` does:
// tsx as the TypeScript loader, workspace packages resolved to their source.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function kprim(args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--conditions=@kprim/source", bin, ...args], {
    cwd: opts.cwd ?? root,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 60_000,
    env: { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "" },
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
