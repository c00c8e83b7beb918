/**
 * Static shards through the command line: `kprim explore … --shard i/N
 * --json` writes N parts and `kprim merge` prints the one-process result —
 * exactly, for sampling and for the default exploration when its burst
 * finds; for DPOR, the same verdict and the same number of complete
 * executions (every one explored once). On lastzero-5, the lost wakeup
 * among three sleepers and the acceptance-matrix rows that expect a finding
 * (a sample of them here; test:cluster has them all on the queue). Parts of
 * different searches are refused in one line.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogue, matrix, rowChecks } from "@kprim/scenarios";
import { describe, expect, it } from "vitest";
import { expectUsageError, fixture, kprim } from "./run-cli.js";

const plugin = ["--plugin", fixture("examples-plugin.ts")];
const dir = mkdtempSync(join(tmpdir(), "kprim-shards-"));
let files = 0;

const strip = (stdout: string): Record<string, unknown> => {
  const { distributed: _d, stopped: _s, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
};

async function parts(args: readonly string[], count: number): Promise<string[]> {
  return Promise.all(
    [...Array(count).keys()].map(async (i) => {
      const r = await kprim(["explore", ...args, ...plugin, "--shard", `${i}/${count}`, "--json"], {
        timeoutMs: 120_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const file = join(dir, `part-${++files}.json`);
      writeFileSync(file, r.stdout);
      return file;
    }),
  );
}

async function both(args: readonly string[], count: number) {
  const [one, files] = await Promise.all([
    kprim(["explore", ...args, ...plugin, "--json"], { timeoutMs: 120_000 }),
    parts(args, count),
  ]);
  const merged = await kprim(["merge", ...files, ...plugin, "--json"], { timeoutMs: 120_000 });
  expect(merged.code, merged.stderr).toBe(one.code);
  expect((JSON.parse(merged.stdout) as { distributed: unknown }).distributed).toEqual({ parts: count });
  return { one: strip(one.stdout), merged: strip(merged.stdout), files };
}

describe.concurrent("explore --shard i/N and kprim merge", () => {
  it("lastzero-5, DPOR in 3 parts: 64 executions, exhausted, as one process", async () => {
    const { one, merged } = await both(["lastzero", "--strategy", "dpor", "--all"], 3);
    expect(one).toMatchObject({ verdict: "not-found", executions: 64, exhausted: true });
    expect(merged).toMatchObject({ verdict: "not-found", executions: 64, exhausted: true });
  });

  it("the lost wakeup, three sleepers: the default exploration in 2 parts is the one-process result", async () => {
    const { one, merged } = await both(
      ["lost-wakeup", "--param", "sleepers=3", "--param", "sleep=unlock-then-tsleep"],
      2,
    );
    expect(one["verdict"]).toBe("found");
    expect(merged).toEqual(one);
  });

  it("the lost wakeup, two sleepers: DPOR in 3 parts, every execution: the same verdict, count and outcomes", async () => {
    const args = ["lost-wakeup", "--param", "sleepers=2", "--param", "sleep=unlock-then-tsleep", "--strategy", "dpor"];
    const { one, merged } = await both([...args, "--all"], 3);
    expect(one).toMatchObject({ verdict: "found", exhausted: false });
    expect(merged).toMatchObject({ verdict: one["verdict"], executions: one["executions"], outcomes: one["outcomes"] });
  });

  it("PCT in 4 parts is the one-process result", async () => {
    const { one, merged } = await both(
      ["lost-wakeup", "--param", "sleepers=3", "--strategy", "pct", "--schedules", "800"],
      4,
    );
    expect(merged).toEqual(one);
  });

  // A sample of the rows that expect a finding (every one runs on the queue in test:cluster).
  const found = rowChecks(matrix, catalogue).filter((c) => c.row.expect === "found");
  for (const { row, scenario } of found.filter((_, i) => i % 10 === 0)) {
    const options = Object.entries(row.options).flatMap(([k, v]) => ["--option", `${k}=${v}`]);
    it(`${row.id} ${row.variant} · ${scenario.name}: ${row.signal}, in 2 parts`, async () => {
      const { one, merged } = await both(
        [scenario.name, "--variant", row.variant, ...options, "--signal", row.signal],
        2,
      );
      expect(one["verdict"]).toBe("found");
      expect(merged).toEqual(one);
    });
  }
});

describe.concurrent("parts that are not one search are refused in one line", () => {
  it("a missing part, a part twice, parts of two searches, a file that is not a part", async () => {
    const a = await parts(["lastzero", "--param", "n=3", "--strategy", "dpor"], 3);
    const b = await parts(["lastzero", "--param", "n=4", "--strategy", "dpor"], 3);
    const merge = (files: string[]) => kprim(["merge", ...files, ...plugin]);
    expect(expectUsageError(await merge(a.slice(0, 2)))).toBe(
      "kprim: the parts do not make one search: shard 2 of 3 missing",
    );
    expect(expectUsageError(await merge([...a, a[1]!]))).toBe(
      "kprim: the parts do not make one search: shard 1/3 given twice",
    );
    expect(expectUsageError(await merge([a[0]!, a[1]!, b[2]!]))).toMatch(/is a part of another search than/);
    const notPart = join(dir, "not-a-part.json");
    writeFileSync(notPart, "{}");
    expect(expectUsageError(await merge([notPart]))).toMatch(
      /not a part \(kprim explore … --shard i\/N --json writes one\)/,
    );
    // Merged where the plugin that made them is missing.
    expect(expectUsageError(await kprim(["merge", ...a]))).toBe(
      "kprim: the parts cannot be merged here: it needs plugin examples, not loaded here",
    );
  });
});
