/**
 * `pnpm bench`'s command line, run as the command: a misspelt option or an
 * unknown group is a one-line error with exit 2 at once — never the full
 * six-minute run. (The spawn's timeout is the failure a silent full run shows.)
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "--conditions=@kprim/source", "apps/bench/src/main.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });

describe("pnpm bench arguments", () => {
  it.each([
    [["--quik"], "bench: Unknown option '--quik'"],
    [["--quick", "--out"], "bench: Option '--out <value>' argument missing"],
    [["simulatr"], 'bench: unknown group "simulatr"'],
    [["--quick=yes"], "bench: Option '--quick' does not take an argument"],
    [["vs-build"], "bench: vs-build needs --ref COMMIT (the commit to compare against)"],
    [["vs-build", "--ref", "HEAD", "--rounds", "0"], "bench: --rounds 0: a whole number of rounds, 1 or more"],
    [["vs-build", "--ref", "HEAD", "--format", "umd"], "bench: --format umd: esm, cjs or both"],
    [["--quick", "--ref", "HEAD"], "bench: --ref is an option of vs-build"],
    [["simulator", "--keep"], "bench: --keep is an option of vs-build"],
  ])("%j is a one-line error with exit 2 and the usage", (args, line) => {
    const r = bench(...args);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe(line);
    expect(lines[1]).toMatch(/^usage: pnpm bench \[group \.\.\.\] \[--quick\] \[--out DIR\]; groups: simulator, /);
    expect(lines[1]).toMatch(/; on request: pnpm bench vs-build --ref COMMIT /);
    expect(lines).toHaveLength(2);
  });

  it("--help prints the usage and exits 0", () => {
    const r = bench("--help");
    expect([r.status, r.stdout.startsWith("usage: pnpm bench"), r.stderr]).toEqual([0, true, ""]);
  });
});
