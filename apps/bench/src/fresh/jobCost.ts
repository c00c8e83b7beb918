/**
 * What a sampled run costs in a queue worker (a machine built per run), in
 * this process: `runJob` — the worker's side of a distributed search — over
 * jobs of JOB PCT runs of the lost-wakeup scenario (N sleepers, as
 * `kprim explore lost-wakeup --param sleepers=N --strategy pct --queue …`
 * sends them), one job after another. Each of ROUNDS rounds of RUNS runs:
 * its CPU time (user + sys) per run; then the young- and full-collection
 * time and the count of full collections over all rounds (a worker that
 * keeps its dropped machines alive through young collections shows it
 * here), and a digest of the tallies (the same on every build). With
 * `node --cpu-prof`, the profile of the loop.
 *
 *   node --import tsx --conditions=@kprim/source apps/bench/src/fresh/jobCost.ts \
 *     [N=3] [RUNS=20000] [JOB=5000] [ROUNDS=3]
 */
import { createHash } from "node:crypto";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { runJob, searchSpec } from "@kprim/explore";
import { prepare, scenarioFactory } from "@kprim/scenarios";

const [sleepers = "3", runsArg = "20000", jobArg = "5000", roundsArg = "3"] = process.argv.slice(2);
const runs = Number(runsArg);
const job = Number(jobArg);
const rounds = Number(roundsArg);

const factory = scenarioFactory(prepare({ scenario: "lost-wakeup", params: { sleepers } }));
const spec = searchSpec(factory, { mode: { kind: "pct", seed: 1, runs, depth: 3 }, stopOnFound: false });

let young = 0;
let full = 0;
let fulls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) young += e.duration;
    else {
      // Full collections, with their incremental marking steps (counted once, at the collection).
      full += e.duration;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) fulls++;
    }
  }
}).observe({ entryTypes: ["gc"] });

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

const per: number[] = [];
let digest = "";
for (let r = 0; r < rounds; r++) {
  const t0 = cpuUs();
  const tallies: unknown[] = [];
  for (let from = 0; from < runs; from += job) {
    const work = { kind: "runs", from, to: Math.min(runs, from + job) } as const;
    tallies.push(runJob(factory, { id: String(from), search: spec, work }, { shouldYield: () => false }));
  }
  per.push((cpuUs() - t0) / runs);
  digest = createHash("sha1").update(JSON.stringify(tallies)).digest("hex").slice(0, 12);
}
// The observer hears of the last collections on a later turn.
setTimeout(() => {
  console.log(
    `lost-wakeup N=${sleepers} pct, jobs of ${job}: ${per.map((p) => p.toFixed(1)).join(" ")} µs CPU per run (rounds of ${runs}); ` +
      `young GC ${young.toFixed(0)} ms, full GC ${full.toFixed(0)} ms in ${fulls}; tallies ${digest}`,
  );
}, 50);
