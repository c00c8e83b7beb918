/**
 * What a stored state costs in stateful search (issue 20, P1), in this
 * process: the lost-wakeup scenario (spinlock + tsleep_interlock, chain
 * wakeup, N sleepers) searched statefully with the library, as the CLI's
 * `--strategy stateful` does. `time`: ROUNDS searches, each's CPU time
 * (user + sys) per stored state and the median, with the states,
 * executions and what the machine's resume log did (snapshots, restores,
 * threads rebuilt, resumes replayed to rebuild them) per stored state.
 * `alloc`: over one search after a warm-up one, V8's sampling heap
 * profiler (a sample every 512 bytes on average, collected objects
 * included) gives the bytes allocated per stored state and the sites that
 * allocate most. `counts`: one search with a counting detector added (it
 * costs a little, so not in `time`): steps executed and states keyed
 * (visits) per stored state, beside the resume log's counts. With
 * `node --cpu-prof` around `time`, the profile.
 *
 *   node --import tsx --conditions=@kprim/source apps/bench/src/fresh/statefulCost.ts \
 *     time|alloc|counts [N=5] [ROUNDS=3|TOP=25]
 */
import { explore, type MachineFactory } from "@kprim/explore";
import { type Detector, type Machine, restoreTally } from "@kprim/machine";
import { prepare, scenarioFactory } from "@kprim/scenarios";
import { printSites, sampleHeap } from "./heapSites.js";

const [what = "time"] = process.argv.slice(2);
const sleepers = Number(process.argv[3] ?? 5);
const extra = Number(process.argv[4] ?? (what === "time" ? 3 : 25));

const inner = scenarioFactory(
  prepare({
    scenario: "lost-wakeup",
    variant: "SPIN+TI",
    options: { wakeup: "chain" },
    params: { sleepers: String(sleepers), sleep: "tsleep_interlock" },
  }),
);
/** The machines the last search built (one, unless a restore failed and it replayed). */
let machines: Machine[] = [];
const factory: MachineFactory = (req) => {
  const m = inner(req);
  machines.push(m);
  return m;
};

interface Counts {
  states: number;
  executions: number;
  merged: number;
  machines: number;
  snapshots: number;
  restores: number;
  rebuilds: number;
  replayed: number;
}

/**
 * `counts`: steps taken, including those of executions cut at a stored
 * state (its tally is not restored: it counts work, not a state), with a
 * constant state key so that it splits no state.
 */
let stepsTaken = 0;
const counter: Detector = {
  name: "bench:steps",
  events: false,
  stateKey: () => "",
  stateStamp: () => 0,
  snapshot: () => null,
  restore: () => undefined,
  onStep: () => void stepsTaken++,
};

function searchOnce(detectors: readonly Detector[] = []): Counts {
  machines = [];
  const r = explore(factory, {
    mode: { kind: "dfs", stateful: true },
    maxStates: 50_000_000,
    stopOnFound: false,
    detectors,
  });
  const c: Counts = {
    states: r.states ?? 0,
    executions: r.executions,
    merged: r.merged ?? 0,
    machines: machines.length,
    snapshots: 0,
    restores: 0,
    rebuilds: 0,
    replayed: 0,
  };
  for (const m of machines) {
    const t = restoreTally(m);
    if (t === null) continue;
    c.snapshots += t.snapshots;
    c.restores += t.restores;
    c.rebuilds += t.rebuilds;
    c.replayed += t.replayed;
  }
  return c;
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

if (what === "time") {
  const per: number[] = [];
  const secs: number[] = [];
  let c: Counts | null = null;
  for (let r = 0; r < extra; r++) {
    const t0 = cpuNs();
    c = searchOnce();
    const ns = cpuNs() - t0;
    secs.push(ns / 1e9);
    per.push(ns / 1000 / c.states);
  }
  const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = c!.states;
  const f = (x: number): string => (x / s).toFixed(2);
  console.log(
    `lost-wakeup SPIN+TI chain N=${sleepers} stateful: ${mid(per).toFixed(2)} µs CPU per stored state, ${mid(secs).toFixed(2)} s ` +
      `(median of ${extra}; rounds ${per.map((p) => p.toFixed(2)).join(" ")} µs)`,
  );
  console.log(
    `  states ${s}, executions ${c!.executions} (+${c!.merged} merged at stored states), machines ${c!.machines}; per state: snapshots ${f(c!.snapshots)}, ` +
      `restores ${f(c!.restores)}, rebuilds ${f(c!.rebuilds)}, resumes replayed ${f(c!.replayed)}`,
  );
} else if (what === "counts") {
  stepsTaken = 0;
  const c = searchOnce([counter]);
  const s = c.states;
  const f = (x: number): string => (x / s).toFixed(2);
  console.log(
    `lost-wakeup SPIN+TI chain N=${sleepers} stateful, per stored state (${s} states, ${c.executions} executions, ${c.merged} merged): ` +
      `steps ${f(stepsTaken)} (the state after each is keyed), restores ${f(c.restores)}, snapshots ${f(c.snapshots)}, ` +
      `threads rebuilt ${f(c.rebuilds)}, resumes replayed ${f(c.replayed)}`,
  );
} else {
  const { bySite, total, n } = sampleHeap(() => searchOnce().states);
  console.log(
    `lost-wakeup N=${sleepers} stateful: ${(total / n).toFixed(0)} bytes allocated per stored state (${n} states)`,
  );
  printSites(bySite, total, n, extra);
}
