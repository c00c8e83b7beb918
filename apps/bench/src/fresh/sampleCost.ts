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
 * `node --cpu-prof` around `time`, the profile of the loop. `split` (random
 * only): where a schedule's time goes, layer by layer, each layer timed in
 * turn in every round (CPU time per schedule, median of ROUNDS) —
 *   bare     the race's body alone: two fresh generators resumed in a seeded
 *            order, each op done on the cell by hand (the fast-check bench's
 *            bound; race only);
 *   reset    the explorer's runner (`MachineReuse.runQuiet`) on a machine
 *            with a step limit of 0: the reset to the state after start, no
 *            thread rebuilt (none took a step), no step;
 *   reuse    the runner with the explorer's step limit: reset, rebuilt
 *            threads, the run;
 *   explore  `explore(...)` as in `time`: the runner, the strategy's
 *            reseeding and the tally.
 * Every layer runs the explorer's schedules (run i seeded with seedFor(1, i)).
 *
 * Run the built packages (without `--conditions=@kprim/source`) to time what
 * the CLI runs: under tsx, source files pay esbuild's `__name` wrappers.
 *
 *   node --import tsx --conditions=@kprim/source apps/bench/src/fresh/sampleCost.ts \
 *     time|alloc|split race|lost-wakeup random|pct [RUNS] [ROUNDS|TOP]
 */
import { explore, MachineReuse, type MachineFactory, seedFor } from "@kprim/explore";
import { type Choice, Prng, type Strategy } from "@kprim/machine";
import { prepare, scenarioFactory } from "@kprim/scenarios";
import { bareSchedules, race } from "../groups/fastcheck.js";
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

/**
 * `random({ seed })`'s choices (the same rule as the machine's random
 * strategy) from one object reseeded for every run, as the explorer's
 * sampler does with the machine's own internal class: a strategy made per
 * run would add its making to every layer timed with it.
 */
class Reseeded implements Strategy {
  readonly name = "random";
  readonly #prng = new Prng(0);

  reseed(seed: number): this {
    this.#prng.reseed(seed);
    return this;
  }

  choose(choices: readonly Choice[]): number {
    return choices.length === 1 ? 0 : this.#prng.nextInt(choices.length);
  }
}

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
} else if (what === "split") {
  split();
} else {
  const { bySite, total, n } = sampleHeap(sample);
  console.log(`${scenario} ${strategy}: ${(total / n).toFixed(0)} bytes allocated per schedule (${n} schedules)`);
  printSites(bySite, total, n, extra);
}

/** The `split` mode (see the module comment). */
function split(): void {
  if (strategy !== "random") throw new Error("split: random only");
  // A runner (and its machine) per round, as an explore call makes one: with other machines
  // run in between, a machine built before the first round ran lost-wakeup ~20% slower than
  // one built at its round (36.6 against 30.6 µs per schedule).
  // Its strategy makes random's choices (see Reseeded), so every layer runs the same schedules.
  const runner = (maxSteps: number) => (): void => {
    const r = new MachineReuse(factory, { maxSteps });
    const s = new Reseeded();
    for (let i = 0; i < runs; i++) r.runQuiet(s.reseed(seedFor(1, i)));
  };
  const layers: [string, () => void][] = [
    ...(scenario === "race" ? [["bare", () => void bareSchedules(runs, 1, true)] as [string, () => void]] : []),
    ["reset", runner(0)],
    ["reuse", runner(10_000)],
    ["explore", () => void sample()],
  ];
  for (const [, run] of layers) run();
  const per = new Map<string, number[]>(layers.map(([name]) => [name, []]));
  for (let r = 0; r < extra; r++) {
    for (const [name, run] of layers) {
      const t0 = cpuNs();
      run();
      per.get(name)!.push((cpuNs() - t0) / runs);
    }
  }
  const med = (name: string): number => {
    const v = [...(per.get(name) ?? [NaN])].sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)]!;
  };
  console.log(`${scenario} random: ns CPU per schedule, median of ${extra} rounds of ${runs}`);
  for (const [name] of layers) console.log(`  ${name.padEnd(8)} ${med(name).toFixed(0).padStart(7)}`);
  const line = (what: string, v: number): void => console.log(`  ${what.padEnd(36)} ${v.toFixed(0).padStart(7)}`);
  line("rebuilt threads + run (reuse − reset)", med("reuse") - med("reset"));
  line("explorer (explore − reuse)", med("explore") - med("reuse"));
  if (scenario === "race") line("machine over the bare body", med("reuse") - med("bare"));
}
