/**
 * What a sampled schedule costs on a reused machine (issue 20, P4): random
 * or PCT sampling of the fast-check race (2 threads, k = 1) or the
 * lost-wakeup scenario (spinlock + tsleep_interlock, 2 sleepers, chain
 * wakeup), in this process. `time`: ROUNDS explore calls of RUNS schedules
 * each after one untimed call, each round's CPU time (user + sys) per
 * schedule, and the median. `alloc`: over one explore call of RUNS
 * schedules after a warm-up call, V8's sampling heap profiler (a sample
 * every 512 bytes on average, collected objects included) gives the bytes
 * allocated per schedule and the sites that allocate most. With
 * `node --cpu-prof` around `time`, the profile of the loop.
 *
 *   node --import tsx --conditions=@kprim/source apps/bench/src/fresh/sampleCost.ts \
 *     time|alloc race|lost-wakeup random|pct [RUNS] [ROUNDS|TOP]
 */
import { explore, type MachineFactory } from "@kprim/explore";
import { prepare, scenarioFactory } from "@kprim/scenarios";
import { race } from "../groups/fastcheck.js";
import { printSites, sampleHeap } from "./heapSites.js";

const [what = "time", scenario = "race", strategy = "random"] = process.argv.slice(2);
const runs = Number(process.argv[5] ?? 200_000);
const extra = Number(process.argv[6] ?? (what === "time" ? 5 : 20));

const factory: MachineFactory =
  scenario === "race"
    ? race(1)
    : scenarioFactory(
        prepare({
          scenario: "lost-wakeup",
          variant: "SPIN+TI",
          options: { wakeup: "chain" },
          params: { sleepers: 2, sleep: "tsleep_interlock" },
        }),
      );

function sample(): number {
  const mode =
    strategy === "pct"
      ? ({ kind: "pct", seed: 1, runs, depth: 3 } as const)
      : ({ kind: "random", seed: 1, runs } as const);
  return explore(factory, { mode, target: "panic", stopOnFound: false }).executions;
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

if (what === "time") {
  sample();
  const per: number[] = [];
  for (let r = 0; r < extra; r++) {
    const t0 = cpuNs();
    const n = sample();
    per.push((cpuNs() - t0) / n);
  }
  const sorted = [...per].sort((a, b) => a - b);
  console.log(
    `${scenario} ${strategy}: ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ns CPU per schedule (median of ${extra} rounds of ${runs}; rounds ${per.map((p) => p.toFixed(0)).join(" ")})`,
  );
} else {
  const { bySite, total, n } = sampleHeap(sample);
  console.log(`${scenario} ${strategy}: ${(total / n).toFixed(0)} bytes allocated per schedule (${n} schedules)`);
  printSites(bySite, total, n, extra);
}
