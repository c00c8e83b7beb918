/**
 * Where a DPOR execution allocates (the lever on P5, dporMemory.ts): one
 * DPOR run of adders 3×6; between executions FROM and TO, V8's sampling
 * heap profiler records allocations, the collected ones included (a sample
 * every INTERVAL bytes on average), and this prints the bytes allocated per
 * execution and the sites that allocate most (self size, by function and
 * line). Sampling is statistical: totals within a few percent.
 *
 *   node --import tsx --conditions=@kprim/source apps/bench/src/fresh/dporAlloc.ts [FROM] [TO] [INTERVAL] [TOP]
 */
import { explore } from "@kprim/explore";
import { adders, factoryOf } from "@kprim/explore/examples";
import { HeapSampler, printSites } from "./heapSites.js";

const from = Number(process.argv[2] ?? 20_000);
const to = Number(process.argv[3] ?? 120_000);
const interval = Number(process.argv[4] ?? 1024);
const top = Number(process.argv[5] ?? 25);

const sampler = new HeapSampler();

let sampled: { bySite: Map<string, number>; total: number } | null = null;
explore(factoryOf(adders(3, 6), false), {
  mode: { kind: "dpor" },
  target: "panic",
  maxExecutions: to,
  onExecution: (n) => {
    if (n === from) {
      sampler.start(interval);
    } else if (n === to) {
      sampled = sampler.stop();
    }
  },
});
if (sampled === null) throw new Error(`the run ended before ${to} executions`);

const { bySite, total } = sampled as { bySite: Map<string, number>; total: number };
const execs = to - from;
console.log(`executions ${from}..${to}: ${(total / execs).toFixed(0)} bytes allocated per execution`);
printSites(bySite, total, execs, top);
