/**
 * The queue mode's speed-up: `kprim explore --queue` against a redis-server
 * started here (loopback, no persistence) with 1, then 2 `kprim worker`
 * processes, each search timed as a whole process (submit, explore, print),
 * beside the same search in one process. A PCT search of 1,000,000 schedules
 * (quick: 20,000) and DPOR on lastzero-8; the executions must be the one
 * process's (else an error). Wall time on a shared 2-core machine: read the
 * ratios with the load average printed beside them.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, summarize, type TimelineFile } from "../cluster/timeline.js";
import type { Section } from "../report/types.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const LAUNCHER = "apps/cli/kprim.mjs";
const PLUGIN = "./apps/bench/src/cluster/lastzero-plugin.ts";
const env = { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "" };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a !== null ? a.port : 0));
    });
  });
}

interface Started {
  readonly child: ChildProcess;
  readonly err: () => string;
  readonly exited: Promise<void>;
}

function start(argv: readonly string[]): Started {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  return { child, err: () => out, exited: new Promise((r) => child.on("exit", () => r())) };
}

async function until(p: Started, text: string, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!p.err().includes(text)) {
    if (Date.now() - t0 > ms) throw new Error(`no "${text}" after ${ms} ms: ${p.err().slice(-300)}`);
    await sleep(50);
  }
}

async function stop(p: Started): Promise<void> {
  if (p.child.exitCode !== null) return;
  p.child.kill("SIGTERM");
  const t = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
  await p.exited;
  clearTimeout(t);
}

interface Timed {
  /** The whole process (start, submit, explore, print) and its search alone (KPRIM_TIMELINE), seconds. */
  readonly s: number;
  readonly search: number;
  readonly executions: number;
  readonly error: string | null;
  readonly timeline: TimelineFile | null;
}

/** One explore process, timed: its seconds (whole, search) and executions. */
function explore(args: readonly string[], dir: string): Timed {
  const file = join(dir, `timeline-${++timelines}.json`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [LAUNCHER, "explore", ...args, "--plugin", PLUGIN, "--json"], {
    cwd: ROOT,
    env: { ...env, KPRIM_TIMELINE: file },
    encoding: "utf8",
    timeout: 3_600_000,
    maxBuffer: 1 << 26,
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) {
    const error = `exit ${r.status ?? r.signal}: ${r.stderr.trim().split("\n").at(-1)}`;
    return { s, search: 0, executions: 0, error, timeline: null };
  }
  const timeline = JSON.parse(readFileSync(file, "utf8")) as TimelineFile;
  const executions = (JSON.parse(r.stdout) as { executions: number }).executions;
  return { s, search: (timeline.end - timeline.start) / 1000, executions, error: null, timeline };
}

let timelines = 0;

const SPIN = "let x = 0; for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1000003; if (x < 0) console.log(x);";

/**
 * The cores this machine gives a search now: one fixed CPU-bound loop alone,
 * then two at once (2 free cores: the two take as long as one; one core's
 * worth, shared: twice as long). 2 × alone ÷ together.
 */
async function cores(): Promise<number> {
  const run = (n: number): Promise<number> => {
    const t0 = process.hrtime.bigint();
    const kids = Array.from({ length: n }, () => spawn(process.execPath, ["-e", SPIN], { stdio: "ignore" }));
    return Promise.all(kids.map((k) => new Promise((r) => k.on("exit", r)))).then(
      () => Number(process.hrtime.bigint() - t0) / 1e9,
    );
  };
  const alone = await run(1);
  const together = await run(2);
  return (2 * alone) / together;
}

/** The median (of an even count, the mean of the middle two). */
const med = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function clusterSection(quick: boolean): Promise<Section> {
  const id = "cluster";
  const title = "Past one machine: the job queue (BullMQ over Redis)";
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    return {
      id,
      title,
      text: ["skipped: redis-server is not installed (apt-get install -y redis-server)"],
      tables: [],
      charts: [],
      data: null,
      errors: [],
    };
  }
  const port = await freePort();
  const base = `redis://127.0.0.1:${port}`;
  // Two workers on database 0, one on database 1: the 1- and 2-worker searches alternate, every worker warm.
  const url2 = `${base}/0`;
  const url1 = `${base}/1`;
  const redis = start([
    "redis-server",
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  const errors: string[] = [];
  const pctRuns = quick ? 20_000 : 1_000_000;
  const searches = [
    {
      name: `PCT, ${pctRuns.toLocaleString("en")} schedules (lost-wakeup, 3 sleepers)`,
      args: ["lost-wakeup", "--param", "sleepers=3", "--strategy", "pct", "--schedules", String(pctRuns)],
      target: 1.7,
      rounds: quick ? 1 : 2,
    },
    {
      name: "DPOR, lastzero-8 (every execution)",
      args: ["lastzero", "--param", "n=8", "--strategy", "dpor", "--all"],
      target: 1.6,
      rounds: quick ? 2 : 5,
    },
    ...(quick
      ? []
      : [
          {
            name: "DPOR, lastzero-10 (every execution; a larger search, no target)",
            args: ["lastzero", "--param", "n=10", "--strategy", "dpor", "--all"],
            target: null,
            rounds: 2,
          },
        ]),
  ];
  const rows: (string | number)[][] = [];
  const data: unknown[] = [];
  const text: string[] = [];
  const workers: Started[] = [];
  const dir = mkdtempSync(join(tmpdir(), "kprim-cluster-"));
  try {
    await until(redis, "Ready to accept connections", 10_000);
    for (const url of [url2, url2, url1]) {
      const w = start([process.execPath, LAUNCHER, "worker", "--queue", url, "--plugin", PLUGIN]);
      workers.push(w);
      await until(w, "waiting for jobs", 60_000);
    }
    // Warm every worker (and the disk cache) on both kinds of search before anything is timed.
    for (const url of [url2, url1, url2]) {
      explore(["lastzero", "--param", "n=7", "--strategy", "dpor", "--all", "--queue", url], dir);
      explore(
        ["lost-wakeup", "--param", "sleepers=3", "--strategy", "pct", "--schedules", "4000", "--queue", url],
        dir,
      );
    }
    for (const sr of searches) {
      const before = await cores();
      const runs: Record<"local" | "one" | "two", Timed[]> = { local: [], one: [], two: [] };
      for (let round = 0; round < sr.rounds; round++) {
        // Alternating: one process, 1 worker, 2 workers; then the other way round.
        const order = round % 2 === 0 ? (["local", "one", "two"] as const) : (["two", "one", "local"] as const);
        for (const k of order) {
          const queue = k === "local" ? [] : ["--queue", k === "one" ? url1 : url2];
          runs[k].push(explore([...sr.args, ...queue], dir));
        }
      }
      const all = [...runs.local, ...runs.one, ...runs.two];
      for (const q of all) if (q.error !== null) errors.push(`${sr.name}: ${q.error}`);
      const want = runs.local[0]!.executions;
      if (all.some((q) => q.executions !== want)) {
        errors.push(`${sr.name}: executions differ: ${all.map((q) => q.executions).join(", ")} (one process first)`);
      }
      const whole = {
        local: med(runs.local.map((q) => q.s)),
        one: med(runs.one.map((q) => q.s)),
        two: med(runs.two.map((q) => q.s)),
      };
      const search = {
        local: med(runs.local.map((q) => q.search)),
        one: med(runs.one.map((q) => q.search)),
        two: med(runs.two.map((q) => q.search)),
      };
      const perRound = runs.one.map((q, i) => (q.search / runs.two[i]!.search).toFixed(2)).join(", ");
      const after = await cores();
      rows.push([
        sr.name,
        want,
        sr.rounds,
        whole.local,
        whole.one,
        whole.two,
        Number((whole.one / whole.two).toFixed(2)),
        search.local,
        search.one,
        search.two,
        Number((search.one / search.two).toFixed(2)),
        perRound,
        `${before.toFixed(2)}, ${after.toFixed(2)}`,
        sr.target === null ? "" : `≥ ${sr.target}`,
      ]);
      data.push({
        search: sr.name,
        executions: want,
        rounds: sr.rounds,
        whole,
        search_: search,
        cores: [before, after],
      });
      const last = runs.two.at(-1)?.timeline;
      if (last) {
        text.push(`The last 2-worker run of ${sr.name}, its timeline:`);
        text.push(...describe(summarize(last)).map((l) => `- ${l}`));
      }
      const lastOne = runs.one.at(-1)?.timeline;
      if (lastOne) {
        text.push(`The last 1-worker run of ${sr.name}:`);
        text.push(...describe(summarize(lastOne)).map((l) => `- ${l}`));
      }
    }
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
  } finally {
    await Promise.all(workers.map(stop));
    await stop(redis);
    rmSync(dir, { recursive: true, force: true });
  }
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
  return {
    id,
    title,
    text: [
      `Each search is one \`kprim explore … --queue ${"redis://127.0.0.1:<port>"}\` process, timed as a whole (start, submit, explore, print) and as its search alone (from the queue connected to the result, written by the process itself with KPRIM_TIMELINE; for one process, the explore call). Two \`kprim worker\` processes listen on one Redis database and one on another, so the 1- and 2-worker runs alternate with the one-process run, in rounds (forwards, then backwards), every worker warmed by searches before the timing starts. Slices of 1 s (the default). Figures are medians over the rounds. Load average at the end: ${load}.`,
      "The executions are checked against the one-process run; a difference is an error. The speed-up targets are the issue's; the figures are what this run measured.",
      "Cores free: what the machine gave at the time — a fixed CPU-bound loop run alone, then two at once, 2 × alone ÷ together (2.0: two free cores; 1.0: one core's worth, the other taken by other work). 2 workers can only beat 1 by what this allows.",
      ...text,
    ],
    tables: [
      {
        title: "one process, 1 queue worker, 2 queue workers (seconds, wall; medians)",
        header: [
          "search",
          "executions",
          "rounds",
          "one process",
          "1 worker",
          "2 workers",
          "1 ÷ 2",
          "search: one process",
          "1 worker",
          "2 workers",
          "1 ÷ 2",
          "1 ÷ 2 by round",
          "cores free (before, after)",
          "target",
        ],
        rows,
      },
    ],
    charts: [],
    data,
    errors,
  };
}
