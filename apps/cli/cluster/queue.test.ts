/**
 * The queue mode with real parts: a redis-server on a loopback port and
 * `kprim worker` processes, all started here and stopped at the end. A search
 * submitted with `kprim explore --queue` prints what the same command
 * prints without it — verdict, executions, the first finding, its shrunk
 * schedule and replay handle — on lastzero-5, the lost wakeup among three
 * sleepers and every acceptance-matrix row that expects a finding; with two
 * searches sharing the queue; with a worker SIGKILLed mid-search. Redis
 * going away ends the search in one line, exit 2, the partial result
 * printed as partial; a worker whose Redis goes away says so, waits and
 * explores once it is back; a worker of other code refuses the search. Work first
 * ahead of the search (KPRIM_QUEUE_AHEAD=1) gives the same result.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogue, matrix, rowChecks } from "@kprim/scenarios";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Real processes: the submitter is a process of its own, as on a cluster (and the matrix rows below run concurrently).
import { kprimProcess as kprim } from "../test/run-cli.js";
import {
  EXAMPLES,
  type Proc,
  progressed,
  redisAvailable,
  startKprim,
  startRedis,
  startWorker,
  waitFor,
} from "./parts.js";

const plugin = ["--plugin", EXAMPLES];

/** The report without the line that says where it ran. */
function report(stdout: string): Record<string, unknown> {
  const { distributed: _d, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
}

async function local(args: readonly string[]): Promise<{ code: number; report: Record<string, unknown> }> {
  const r = await kprim(["explore", ...args, ...plugin, "--json"], { timeoutMs: 200_000 });
  expect(r.code, r.stderr).toBeLessThan(2);
  return { code: r.code, report: report(r.stdout) };
}

if (!redisAvailable()) throw new Error("redis-server is not installed (apt-get install -y redis-server)");

let redis: Awaited<ReturnType<typeof startRedis>>;
const workers: Proc[] = [];

beforeAll(async () => {
  redis = await startRedis();
  workers.push(...(await Promise.all([startWorker(redis.url), startWorker(redis.url)])));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.proc.stop();
});

async function queued(args: readonly string[], extra: readonly string[] = []) {
  const r = await kprim(["explore", ...args, ...plugin, "--queue", redis.url, ...extra, "--json"], {
    timeoutMs: 200_000,
  });
  expect(r.code, r.stderr).toBeLessThan(2);
  return {
    code: r.code,
    report: report(r.stdout),
    distributed: (JSON.parse(r.stdout) as { distributed: unknown }).distributed,
  };
}

async function same(args: readonly string[], extra: readonly string[] = []) {
  const [one, many] = await Promise.all([local(args), queued(args, extra)]);
  expect(many.distributed).toEqual({ queue: redis.url });
  expect(many.report).toEqual(one.report);
  expect(many.code).toBe(one.code);
  return one.report;
}

describe("a search on the queue gives the one-process result", () => {
  it("lastzero-5, every execution: 64, exhausted", async () => {
    const r = await same(["lastzero", "--strategy", "dpor", "--all"], ["--slice", "0.05"]);
    expect(r).toMatchObject({ verdict: "not-found", executions: 64, exhausted: true });
  });

  it("lost wakeup, three sleepers: DPOR finds it at the same execution, shrinks it the same", async () => {
    const r = await same(
      ["lost-wakeup", "--param", "sleepers=3", "--param", "sleep=unlock-then-tsleep", "--strategy", "dpor"],
      ["--slice", "0.05"],
    );
    expect(r).toMatchObject({ verdict: "found" });
  });

  it("lost wakeup, three sleepers: PCT over the queue, every run", async () => {
    await same(["lost-wakeup", "--param", "sleepers=3", "--strategy", "pct", "--schedules", "3000", "--all"]);
  });

  it("two searches share the queue", async () => {
    await Promise.all([
      same(["lastzero", "--param", "n=4", "--strategy", "dpor", "--all"], ["--slice", "0.05"]),
      same(["lost-wakeup", "--param", "sleep=unlock-then-tsleep", "--strategy", "random", "--schedules", "2000"]),
    ]);
  });
});

describe("a worker idle while another explores", () => {
  it("calls for work: the busy worker hands back its frontier mid-slice, the result is the one-process result", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kprim-timeline-"));
    try {
      const file = join(dir, "timeline.json");
      const args = ["lastzero", "--param", "n=7", "--strategy", "dpor", "--all"];
      const one = await local(args);
      // A 60 s slice: without a call for work the whole search would be one job on one worker.
      const run = startKprim(["explore", ...args, ...plugin, "--queue", redis.url, "--slice", "60", "--json"], {
        KPRIM_TIMELINE: file,
      });
      expect(await run.exited, run.err).toBe(0);
      expect(report(run.out)).toEqual(one.report);
      const t = JSON.parse(readFileSync(file, "utf8")) as { jobs: { worker?: string }[] };
      expect(t.jobs.length).toBeGreaterThan(1);
      expect(new Set(t.jobs.map((j) => j.worker)).size).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("work first ahead of the search (KPRIM_QUEUE_AHEAD=1)", () => {
  it("lastzero-7 and the lost wakeup among three sleepers: the one-process result", async () => {
    for (const args of [
      ["lastzero", "--param", "n=7", "--strategy", "dpor", "--all"],
      ["lost-wakeup", "--param", "sleepers=3", "--param", "sleep=unlock-then-tsleep", "--strategy", "dpor"],
    ]) {
      const one = await local(args);
      const run = startKprim(["explore", ...args, ...plugin, "--queue", redis.url, "--slice", "0.05", "--json"], {
        KPRIM_QUEUE_AHEAD: "1",
      });
      expect(await run.exited, run.err).toBe(one.code);
      expect(report(run.out)).toEqual(one.report);
    }
  });
});

describe.concurrent("every acceptance-matrix row that expects a finding, on the queue", () => {
  const found = rowChecks(matrix, catalogue).filter((c) => c.row.expect === "found");
  for (const { row, scenario } of found) {
    const options = Object.entries(row.options).flatMap(([k, v]) => ["--option", `${k}=${v}`]);
    it(`${row.id} ${row.variant} ${options.join(" ")} · ${scenario.name}: ${row.signal}`, async () => {
      const r = await same([scenario.name, "--variant", row.variant, ...options, "--signal", row.signal]);
      expect(r["verdict"]).toBe("found");
    });
  }
});

describe("a search on the queue stops", () => {
  it("at --time-limit: the executions settled so far, marked partial, exit 0", async () => {
    const r = await kprim(
      [
        "explore",
        "lost-wakeup",
        "--param",
        "sleepers=3",
        "--strategy",
        "dpor",
        ...plugin,
        "--queue",
        redis.url,
        // The limit counts from the search's start, BullMQ's loading and the first jobs' round trips included
        // (seconds on a loaded machine): 10 s leaves settled executions to report; a million is far beyond it.
        "--schedules",
        "1000000",
        "--time-limit",
        "10",
        "--json",
      ],
      { timeoutMs: 100_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { stopped: string; executions: number; exhausted: boolean; verdict: string };
    expect(j).toMatchObject({ stopped: "time-limit", exhausted: false, verdict: "not-found" });
    expect(j.executions).toBeGreaterThan(0);
    expect(j.executions).toBeLessThan(1_000_000);
  });
});

describe("a worker SIGKILLed mid-search", () => {
  it("changes nothing but the time: its job is handed to another worker from its prefix", async () => {
    const third = await startWorker(redis.url);
    const args = ["lost-wakeup", "--param", "sleepers=3", "--strategy", "dpor", "--schedules", "12000"];
    const one = local(args);
    const run = startKprim(["explore", ...args, ...plugin, "--queue", redis.url, "--slice", "0.3", "--json"]);
    // Once the search is under way, kill the third worker: it is in the middle of a slice (three workers, six jobs out).
    await progressed(run);
    third.child.kill("SIGKILL");
    await third.exited;
    expect(await run.exited, run.err).toBe(0);
    expect(report(run.out)).toEqual((await one).report);
  });
});

describe("what goes wrong on the queue", () => {
  it("Redis going away mid-search: one line, exit 2, the partial result printed as partial", async () => {
    const gone = await startRedis();
    const w = await startWorker(gone.url);
    try {
      const run = startKprim([
        "explore",
        "lost-wakeup",
        "--param",
        "sleepers=3",
        "--strategy",
        "dpor",
        ...plugin,
        "--queue",
        gone.url,
        "--json",
      ]);
      await progressed(run);
      await gone.proc.stop("SIGKILL");
      const code = await run.exited;
      const r = { code, stdout: run.out, stderr: run.err };
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines.at(-1)).toMatch(
        new RegExp(`^kprim: the queue at ${gone.url} went away mid-search \\(.*\\): the result above is partial`),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const partial = JSON.parse(r.stdout) as { stopped: string; lost: string; executions: number; exhausted: boolean };
      expect(partial).toMatchObject({ stopped: "queue-lost", exhausted: false });
      expect(partial.lost).toContain("went away mid-search");
    } finally {
      await w.stop("SIGTERM");
      await gone.proc.stop();
    }
  });

  it("a worker whose Redis goes away says so once, waits, says when it is back, and then explores", async () => {
    const first = await startRedis();
    const w = await startWorker(first.url);
    let again: Awaited<ReturnType<typeof startRedis>> | undefined;
    try {
      await first.proc.stop("SIGKILL");
      await waitFor(() => w.err, "lost Redis", 30_000, "kprim worker");
      again = await startRedis(first.port);
      await waitFor(() => w.err, "is back", 60_000, "kprim worker");
      expect(w.err.match(/lost Redis/g)).toHaveLength(1);
      expect(w.err).toContain(`kprim worker: lost Redis at ${first.url}; waiting for it to come back\n`);
      expect(w.err).toContain(`kprim worker: Redis at ${first.url} is back; waiting for jobs\n`);
      expect(w.child.exitCode).toBeNull();
      const run = startKprim(["explore", "lastzero", "--strategy", "dpor", "--all", ...plugin, "--queue", first.url]);
      expect(await run.exited, run.err).toBe(0);
      expect(run.out).toMatch(/64 executions/);
    } finally {
      await w.stop("SIGTERM");
      await again?.proc.stop();
    }
  });

  it("a worker of other code refuses the search, and the search says why", async () => {
    const other = await startRedis();
    const w = await startWorker(other.url, []);
    try {
      const r = await kprim(["explore", "lastzero", "--strategy", "dpor", ...plugin, "--queue", other.url], {
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n").at(-1)).toMatch(
        /^kprim: worker \S+ refused the search: it needs plugin examples, not loaded here: the result above is partial/,
      );
      expect(w.err).toMatch(/refused a job of search \S+: it needs plugin examples, not loaded here/);
    } finally {
      await w.stop();
      await other.proc.stop();
    }
  });
});
