/**
 * Where a worker's CPU goes when it explores a DPOR search as many units
 * instead of one search: lastzero-n explored in this process as one search,
 * then as the jobs the virtual-time model's 2-worker search hands out
 * (model.ts, the default "gathered" row; cut where its workers heard a call
 * for work), one after another with `runJob`. For each: CPU time
 * (process.cpuUsage), garbage-collection time (perf_hooks "gc" entries),
 * machines built, steps chosen (the prefix steps replayed included), bytes
 * allocated (V8's sampling heap profiler, in a pass of its own) — all per
 * complete execution.
 *
 *   node --import tsx --conditions=@kprim/source apps/bench/src/cluster/units.ts [n] [rounds] [--jobs FILE]
 *
 * `--jobs FILE` keeps the model's jobs in FILE (JSON; made when missing): the
 * model takes most of the time, and an A/B between checkouts should explore
 * the same jobs. Add `--cpu-prof` before `--import` to profile both.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import { explore, type ExploreOptions, type Job, type MachineFactory, runJob } from "@kprim/explore";
import { factoryOf, lastzero } from "@kprim/explore/examples";
import { HeapSampler } from "../fresh/heapSites.js";
import { model } from "./model.js";

type Delivered = { job: Job; heard: number | null };

const args = process.argv.slice(2);
const jobsAt = args.indexOf("--jobs");
const file = jobsAt >= 0 ? args.splice(jobsAt, 2)[1] : undefined;
const n = Number(args[0] ?? 8);
const rounds = Number(args[1] ?? 7);

async function jobsOf(): Promise<readonly Delivered[]> {
  if (file !== undefined && existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Delivered[];
  const rows = await model(n);
  const d = rows[rows.length - 1]!.delivered;
  if (file !== undefined) writeFileSync(file, JSON.stringify(d));
  return d;
}

/** The factory, counting machines built and the choices their strategies were asked for. */
function counted(f: MachineFactory): { f: MachineFactory; builds: number; chosen: number } {
  const c = {
    builds: 0,
    chosen: 0,
    f: ((req) => {
      c.builds++;
      const s = req.strategy;
      return f({ ...req, strategy: { ...s, choose: (e, v) => (c.chosen++, s.choose(e, v)) } });
    }) as MachineFactory,
  };
  return c;
}

let gcMs = 0;
/** GC pauses by kind (1 minor, 2 major, 4 incremental, 8 weak callbacks): count and ms. */
const gcKinds = new Map<number, { n: number; ms: number }>();
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) {
    gcMs += e.duration;
    const kind = ((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? 0;
    const k = gcKinds.get(kind) ?? { n: 0, ms: 0 };
    k.n++;
    k.ms += e.duration;
    gcKinds.set(kind, k);
  }
}).observe({ entryTypes: ["gc"] });

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const base = factoryOf(lastzero(n));
const dpor: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };
const delivered = await jobsOf();

/** Explore as one search (`jobs` false) or as the model's jobs; the executions completed. */
function once(f: MachineFactory, jobs: boolean): { executions: number; units: number } {
  if (!jobs) return { executions: explore(f, dpor).executions, units: 1 };
  let executions = 0;
  let units = 0;
  for (const { job, heard } of delivered) {
    let runs = 0;
    const r = runJob(f, job, { shouldYield: () => (runs++, false), idle: () => heard !== null && runs >= heard });
    if (r.kind !== "units") throw new Error("a units job gave runs");
    units += r.slices.length;
    for (const s of r.slices) executions += s.stats.executions;
  }
  return { executions, units };
}

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
const rows: string[] = [];
for (const jobs of [false, true]) {
  const label = jobs ? `${delivered.length} jobs` : "one search";
  // Counts (one pass with the counting factory), then allocation (one sampled pass), then time.
  const c = counted(base);
  const { executions, units } = once(c.f, jobs);
  const sampler = new HeapSampler();
  sampler.start(4096);
  once(base, jobs);
  const bytes = sampler.stop().total;
  const cpu: number[] = [];
  const gc: number[] = [];
  once(base, jobs);
  await new Promise((r) => setImmediate(r));
  gcKinds.clear();
  for (let i = 0; i < rounds; i++) {
    const g = gcMs;
    const t = cpuMs();
    once(base, jobs);
    cpu.push(cpuMs() - t);
    // The observer is told asynchronously: let it catch up before reading.
    await new Promise((r) => setImmediate(r));
    gc.push(gcMs - g);
  }
  const per = (x: number): string => (x / executions).toFixed(2);
  rows.push(
    `${label.padEnd(10)} ${String(units).padStart(5)} units, ${executions} executions: CPU ${med(cpu).toFixed(0)} ms ` +
      `(GC ${med(gc).toFixed(0)}), ${c.builds} machines, per execution: ${per(c.chosen)} steps chosen, ` +
      `${(bytes / executions / 1024).toFixed(1)} KiB allocated, ${((med(cpu) * 1000) / executions).toFixed(1)} µs; ` +
      `GC pauses per pass by kind ${[...gcKinds].map(([k, v]) => `${k}: ${(v.n / rounds).toFixed(1)} × ${(v.ms / v.n).toFixed(2)} ms`).join(", ")}`,
  );
}
console.log(`lastzero-${n}, medians of ${rounds}:`);
for (const r of rows) console.log(r);
