/**
 * What a 2-worker DPOR search costs its workers in CPU, beside one process:
 * the jobs of the virtual-time model's 2-worker search (model.ts: the real
 * driver cutting lastzero-n the way two workers cut it), each explored again
 * with `runJob` here — one after another, as one worker explores a job after
 * another — timed by CPU time (process.cpuUsage, which another process's load
 * touches far less than wall time), against one process's search of the same
 * program. The difference is what starting jobs costs: building and
 * preparing each unit's machine, replaying its prefix, and whatever else a
 * unit pays that one search pays once.
 *
 * `node --import tsx --conditions=@kprim/source apps/bench/src/cluster/cpu.ts [n] [rounds]`
 */
import { explore, type ExploreOptions, type Job, runJob } from "@kprim/explore";
import { factoryOf, lastzero } from "@kprim/explore/examples";
import { model } from "./model.js";

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function jobsCpu(
  n: number,
  rounds: number,
): Promise<{ one: number; jobs: number; count: number; label: string; slices: number }> {
  const f = factoryOf(lastzero(n));
  const dpor: ExploreOptions = { mode: { kind: "dpor" }, stopOnFound: false };
  const rows = await model(n);
  const row = rows[Number(process.env["KPRIM_MODEL_ROW"] ?? rows.length - 1)]!;
  // Cut where the model's worker heard a call for work (the slices never end: 1 s is far longer than these jobs).
  const run = ({ job, heard }: { job: Job; heard: number | null }): void => {
    let runs = 0;
    const r = runJob(f, job, { shouldYield: () => (runs++, false), idle: () => heard !== null && runs >= heard });
    if (r.kind === "units") slices += r.slices.length;
  };
  let slices = 0;
  const one: number[] = [];
  const jobs: number[] = [];
  for (let i = 0; i < rounds + 1; i++) {
    let t = cpuMs();
    explore(f, dpor);
    one.push(cpuMs() - t);
    t = cpuMs();
    for (const j of row.delivered) run(j);
    jobs.push(cpuMs() - t);
  }
  const med = (xs: number[]): number => [...xs.slice(1)].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
  return {
    one: med(one),
    jobs: med(jobs),
    count: row.delivered.length,
    label: row.label,
    slices: slices / (rounds + 1),
  };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const n = Number(process.argv[2] ?? 8);
  const r = await jobsCpu(n, Number(process.argv[3] ?? 7));
  console.log(
    `lastzero-${n}: one process ${r.one.toFixed(0)} ms of CPU; the ${r.count} jobs (${r.slices} units) of the model's "${r.label}" ${r.jobs.toFixed(0)} ms (${(r.jobs / r.one).toFixed(2)}x)`,
  );
}
