/**
 * Where a queued DPOR search's CPU and wall time go, and an A/B of two
 * checkouts on it: one redis-server (loopback, no persistence); for each
 * checkout two `kprim worker`s on one database and one on another; then,
 * alternating checkouts and 1 / 2 workers, `kprim explore lastzero --param
 * n=<n> --strategy dpor --all --queue …` timed by its search (KPRIM_TIMELINE).
 * For each search: the CPU time (user + system) of the submitter during its
 * search (the timeline's cpuStart/cpuEnd, where the checkout records them),
 * of redis-server and of each worker (/proc/<pid>/stat around the whole
 * explore process), and the share of the search with 0, 1, 2 workers
 * exploring. Medians per checkout and worker count at the end.
 *
 * `node --import tsx apps/bench/src/cluster/account.ts [--n 8] [--rounds 6] [checkout[:VAR=value,…] …]`
 * (checkouts: built repositories, default this one; each may name environment
 * variables for its searches, e.g. `.:KPRIM_QUEUE_IDLE=64`; one checkout may be named twice with
 * different variables — its workers are shared).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { summarize, type TimelineFile } from "./timeline.js";

const HERE = fileURLToPath(new URL("../../../../", import.meta.url));
const TICK = 1000 / Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);
const env = { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "" };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A process's CPU time so far (user + system, ms). */
function cpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) * TICK;
}

function freePort(): Promise<number> {
  return new Promise((ok, bad) => {
    const s = createServer();
    s.on("error", bad);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => ok(typeof a === "object" && a !== null ? a.port : 0));
    });
  });
}

function start(argv: readonly string[], cwd: string): { child: ChildProcess; out: () => string } {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  return { child, out: () => out };
}

async function until(p: { out: () => string }, text: string, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!p.out().includes(text)) {
    if (Date.now() - t0 > ms) throw new Error(`no "${text}" after ${ms} ms: ${p.out().slice(-300)}`);
    await sleep(50);
  }
}

interface Measured {
  readonly search: number;
  readonly executions: number;
  readonly jobs: number;
  readonly continuations: number;
  readonly carried: number;
  readonly submitter: number | null;
  readonly redis: number;
  readonly workers: number[];
  readonly exploring: number[];
  readonly concurrency: readonly number[];
}

const med = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const args = process.argv.slice(2);
const opt = (name: string, d: number): number => {
  const i = args.indexOf(name);
  if (i < 0) return d;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const n = opt("--n", 8);
const rounds = opt("--rounds", 6);
const configs = (args.length > 0 ? args : [HERE]).map((a) => {
  const [root, vars] = a.split(":");
  const extra = Object.fromEntries(
    (vars ?? "")
      .split(",")
      .filter((v) => v !== "")
      .map((v) => v.split("=")),
  );
  return { root: resolve(root!), extra: extra as Record<string, string>, name: a };
});
const roots = [...new Set(configs.map((c) => c.root))];
const dir = mkdtempSync(join(tmpdir(), "kprim-account-"));
const port = await freePort();
const redis = start(
  ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
  dir,
);
const kids: ChildProcess[] = [redis.child];
try {
  await until(redis, "Ready to accept connections", 10_000);
  // Per checkout: database 2i with two workers, 2i + 1 with one.
  const pools: {
    root: string;
    name: string;
    extra: Record<string, string>;
    plugin: string;
    url: (k: 1 | 2) => string;
    workers: Record<1 | 2, number[]>;
  }[] = [];
  for (const [i, root] of roots.entries()) {
    const plugin = "./apps/bench/src/cluster/lastzero-plugin.ts";
    const url = (k: 1 | 2): string => `redis://127.0.0.1:${port}/${2 * i + (k === 2 ? 0 : 1)}`;
    const ws = [];
    for (const k of [2, 2, 1] as const) {
      const w = start([process.execPath, "apps/cli/kprim.mjs", "worker", "--queue", url(k), "--plugin", plugin], root);
      kids.push(w.child);
      await until(w, "waiting for jobs", 60_000);
      ws.push(w.child.pid!);
    }
    for (const c of configs.filter((x) => x.root === root)) {
      pools.push({ root, name: c.name, extra: c.extra, plugin, url, workers: { 2: ws.slice(0, 2), 1: ws.slice(2) } });
    }
  }
  let files = 0;
  const run = (p: (typeof pools)[number], k: 1 | 2, m: number): Measured => {
    const file = join(dir, `t${++files}.json`);
    const pids = p.workers[k];
    const before = [redis.child.pid!, ...pids].map(cpu);
    const r = spawnSync(
      process.execPath,
      [
        "apps/cli/kprim.mjs",
        "explore",
        "lastzero",
        "--param",
        `n=${m}`,
        "--strategy",
        "dpor",
        "--all",
        "--queue",
        p.url(k),
        "--plugin",
        p.plugin,
        "--json",
      ],
      { cwd: p.root, env: { ...env, ...p.extra, KPRIM_TIMELINE: file }, encoding: "utf8", maxBuffer: 1 << 26 },
    );
    const after = [redis.child.pid!, ...pids].map(cpu);
    if (r.status !== 0 && r.status !== 1) throw new Error(`explore: ${r.stderr.trim().split("\n").at(-1)}`);
    const t = JSON.parse(readFileSync(file, "utf8")) as TimelineFile & { cpuStart?: number; cpuEnd?: number };
    const s = summarize(t);
    const d = after.map((x, j) => x - before[j]!);
    return {
      search: s.searchMs,
      executions: (JSON.parse(r.stdout) as { executions: number }).executions,
      jobs: s.jobs,
      continuations: s.continuations,
      carried: s.carried,
      submitter: t.cpuStart === undefined || t.cpuEnd === undefined ? null : t.cpuEnd - t.cpuStart,
      redis: d[0]!,
      workers: d.slice(1),
      exploring: s.workers.map((w) => w.exploring),
      concurrency: s.concurrency,
    };
  };
  // Warm every worker.
  for (const p of pools) for (const k of [2, 1, 2] as const) run(p, k, 7);
  const got = new Map<string, Measured[]>();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? pools : [...pools].reverse();
    for (const p of order) {
      for (const k of round % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) {
        const m = run(p, k, n);
        const key = `${p.name} ${k}`;
        got.set(key, [...(got.get(key) ?? []), m]);
        console.log(
          `${key}: search ${m.search.toFixed(0)} ms, ${m.executions} executions, ${m.jobs} jobs (${m.continuations} continuations, +${m.carried} carried); cpu ms: submitter ${m.submitter?.toFixed(0) ?? "?"}, redis ${m.redis.toFixed(0)}, workers ${m.workers.map((x) => x.toFixed(0)).join(" + ")} (exploring ${m.exploring.map((x) => x.toFixed(0)).join(" + ")}); k exploring ${m.concurrency.map((x) => (100 * x).toFixed(0) + "%").join(" ")}`,
        );
      }
    }
  }
  console.log(
    `\nmedians over ${rounds} rounds, lastzero-${n}; load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  for (const p of pools) {
    const one = got.get(`${p.name} 1`)!;
    const two = got.get(`${p.name} 2`)!;
    for (const [k, ms] of [
      [1, one],
      [2, two],
    ] as const) {
      const c = (i: number): string => (100 * med(ms.map((m) => m.concurrency[i] ?? 0))).toFixed(0);
      console.log(
        `${p.name} ${k} worker(s): search ${med(ms.map((m) => m.search)).toFixed(0)} ms, jobs ${med(ms.map((m) => m.jobs))}, cpu ms submitter ${med(ms.map((m) => m.submitter ?? NaN)).toFixed(0)}, redis ${med(ms.map((m) => m.redis)).toFixed(0)}, workers ${med(ms.map((m) => m.workers.reduce((a, b) => a + b, 0))).toFixed(0)} (exploring ${med(ms.map((m) => m.exploring.reduce((a, b) => a + b, 0))).toFixed(0)}); 0/1/2 exploring ${c(0)}/${c(1)}/${c(2)}%`,
      );
    }
    const ratios = one.map((m, i) => m.search / two[i]!.search);
    console.log(`${p.name} 1 ÷ 2 by search: ${med(ratios).toFixed(2)} (${ratios.map((x) => x.toFixed(2)).join(", ")})`);
  }
} finally {
  for (const k of kids.reverse()) k.kill("SIGTERM");
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
}
