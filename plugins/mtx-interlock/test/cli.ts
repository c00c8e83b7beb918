// Runs the kprim command from source as a subprocess (tsx, workspace packages
// resolved to their source), from the repository root.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = fileURLToPath(new URL("../../../apps/cli/src/bin.ts", import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function kprim(args: readonly string[]): Promise<CliResult> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@kprim/source", bin, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
