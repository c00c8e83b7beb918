/**
 * `pnpm bench vs-build`: how the timings of the two builds become rows (no
 * build, no measuring here), and a ref that names no commit is a one-line
 * error before anything is checked out or built.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatRows, summarize, type VsResult } from "../src/groups/vsBuild.js";

const r = (
  side: "old" | "new",
  round: number,
  cpuMs: number,
  work = "ok, 10 steps",
  workload = "w",
  format: "esm" | "cjs" = "esm",
): VsResult => ({ workload, format, side, round, work, cpuMs, wallMs: cpuMs * 2 });

describe("vs-build rows", () => {
  it("pairs the sides round by round: medians, their ratio and the range of the rounds' ratios", () => {
    const rows = summarize([
      r("old", 1, 100),
      r("new", 1, 110),
      r("new", 2, 90),
      r("old", 2, 100),
      r("old", 3, 200),
      r("new", 3, 260),
    ]);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect([row.oldMs, row.newMs, row.rounds, row.equalWork]).toEqual([100, 110, 3, true]);
    expect(row.ratio).toBeCloseTo(1.1);
    expect(row.low).toBeCloseTo(0.9);
    expect(row.high).toBeCloseTo(1.3);
    expect(row.wallRatio).toBeCloseTo(1.1);
  });

  it("keeps only rounds both sides finished, and one row per workload and format", () => {
    const rows = summarize([
      r("old", 1, 100, "x", "a", "esm"),
      r("new", 1, 100, "x", "a", "esm"),
      r("old", 2, 100, "x", "a", "esm"),
      r("old", 1, 50, "x", "a", "cjs"),
      r("new", 1, 75, "x", "a", "cjs"),
    ]);
    expect(rows.map((x) => [x.workload, x.format, x.rounds, x.ratio])).toEqual([
      ["a", "esm", 1, 1],
      ["a", "cjs", 1, 1.5],
    ]);
  });

  it("says when the two commits did different work, and prints it", () => {
    const rows = summarize([r("old", 1, 100, "ok, 10 steps"), r("new", 1, 120, "ok, 12 steps")]);
    expect(rows[0]!.equalWork).toBe(false);
    expect(formatRows(rows)[0]).toBe(
      "w [esm]: old 100 ms, new 120 ms, new ÷ old 1.200 (rounds 1.20–1.20, wall 1.20); WORK DIFFERS — old: ok, 10 steps; new: ok, 12 steps",
    );
  });
});

describe("pnpm bench vs-build --ref", () => {
  it("a ref that names no commit is a one-line error and exit 1, nothing checked out", () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const out = mkdtempSync(join(tmpdir(), "kprim-vs-build-test-"));
    try {
      const p = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "--conditions=@kprim/source",
          "apps/bench/src/main.ts",
          "vs-build",
          "--ref",
          "no-such-ref-zz9",
          "--out",
          out,
        ],
        { cwd: root, encoding: "utf8", timeout: 60_000 },
      );
      expect(p.status).toBe(1);
      expect(p.stdout).toContain("  error: --ref no-such-ref-zz9: not a commit of this repository\n");
      expect(p.stderr).toBe("bench: 1 error(s)\n");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
