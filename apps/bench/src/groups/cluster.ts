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
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
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

/** One explore process, timed: its seconds and executions. */
function explore(args: readonly string[]): { s: number; executions: number; error: string | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [LAUNCHER, "explore", ...args, "--plugin", PLUGIN, "--json"], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    timeout: 3_600_000,
    maxBuffer: 1 << 26,
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) {
    return { s, executions: 0, error: `exit ${r.status ?? r.signal}: ${r.stderr.trim().split("\n").at(-1)}` };
  }
  return { s, executions: (JSON.parse(r.stdout) as { executions: number }).executions, error: null };
}

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
  const url = `redis://127.0.0.1:${port}`;
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
    },
    {
      name: "DPOR, lastzero-8 (every execution)",
      args: ["lastzero", "--param", "n=8", "--strategy", "dpor", "--all"],
      target: 1.6,
    },
  ];
  const rows: (string | number)[][] = [];
  const data: unknown[] = [];
  const workers: Started[] = [];
  try {
    await until(redis, "Ready to accept connections", 10_000);
    const results = searches.map((s) => ({ ...s, local: explore(s.args), queued: [] as ReturnType<typeof explore>[] }));
    for (const n of [1, 2]) {
      while (workers.length < n) {
        const w = start([process.execPath, LAUNCHER, "worker", "--queue", url, "--plugin", PLUGIN]);
        workers.push(w);
        await until(w, "waiting for jobs", 60_000);
      }
      for (const r of results) r.queued.push(explore([...r.args, "--queue", url]));
    }
    for (const r of results) {
      const [one, two] = r.queued as [ReturnType<typeof explore>, ReturnType<typeof explore>];
      for (const q of [r.local, one, two]) if (q.error !== null) errors.push(`${r.name}: ${q.error}`);
      if (one.executions !== r.local.executions || two.executions !== r.local.executions) {
        errors.push(
          `${r.name}: executions differ: one process ${r.local.executions}, 1 worker ${one.executions}, 2 workers ${two.executions}`,
        );
      }
      const speedup = one.s / two.s;
      rows.push([r.name, r.local.executions, r.local.s, one.s, two.s, Number(speedup.toFixed(2)), `≥ ${r.target}`]);
      data.push({
        search: r.name,
        executions: r.local.executions,
        local: r.local.s,
        worker1: one.s,
        workers2: two.s,
        speedup,
      });
    }
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
  } finally {
    await Promise.all(workers.map(stop));
    await stop(redis);
  }
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
  return {
    id,
    title,
    text: [
      `Each search is one \`kprim explore … --queue ${"redis://127.0.0.1:<port>"}\` process timed as a whole (start, submit, explore, print), with 1 and then 2 \`kprim worker\` processes on this machine, and the same command without \`--queue\` (one process). Slices of 1 s (the default). Load average at the end: ${load}.`,
      "The executions are checked against the one-process run; a difference is an error. The speed-up targets are the issue's; the figures are what this run measured.",
    ],
    tables: [
      {
        title: "one process, 1 queue worker, 2 queue workers (seconds, wall)",
        header: ["search", "executions", "one process", "1 worker", "2 workers", "1 ÷ 2", "target"],
        rows,
      },
    ],
    charts: [],
    data,
    errors,
  };
}
