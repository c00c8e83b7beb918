/**
 * Does a machine's age change what its schedules cost? Lost-wakeup random
 * sampling (spinlock + tsleep_interlock, 2 sleepers, chain wakeup) on
 * explorer runners (`MachineReuse`, one machine each): A is built before
 * anything ran and samples every round; B is built with A but samples only
 * from round 3; a fresh runner is built at each round. Each line: CPU time
 * per schedule (RUNS schedules, seeds seedFor(1, i)) on each runner.
 * Found while splitting sampleCost.ts (issue 20, P4): A and B ran ~20%
 * slower than the round's fresh runner in the same process, while one
 * explore call in a new process kept its speed over 60,000 runs.
 *
 *   node --import tsx apps/bench/src/fresh/machineAge.ts [RUNS=20000] [ROUNDS=6]
 */
import { MachineReuse, seedFor } from "@kprim/explore";
import { random } from "@kprim/machine";
import { prepare, scenarioFactory } from "@kprim/scenarios";

const runs = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 6);
const factory = scenarioFactory(
  prepare({
    scenario: "lost-wakeup",
    variant: "SPIN+TI",
    options: { wakeup: "chain" },
    params: { sleepers: 2, sleep: "tsleep_interlock" },
  }),
);

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** µs of CPU per schedule for `runs` schedules on `r`. */
function sample(r: MachineReuse): string {
  const t0 = cpuNs();
  for (let i = 0; i < runs; i++) r.runQuiet(random({ seed: seedFor(1, i) }));
  return ((cpuNs() - t0) / runs / 1000).toFixed(1);
}

const a = new MachineReuse(factory, { maxSteps: 10_000 });
const b = new MachineReuse(factory, { maxSteps: 10_000 });
// Both machines built now, before any code is warm.
a.runQuiet(random({ seed: 1 }));
b.runQuiet(random({ seed: 1 }));
for (let round = 0; round < rounds; round++) {
  const fresh = new MachineReuse(factory, { maxSteps: 10_000 });
  const parts = [`A ${sample(a)}`];
  if (round >= 3) parts.push(`B ${sample(b)}`);
  parts.push(`fresh ${sample(fresh)}`);
  console.log(`round ${round}: ${parts.join("  ")} µs per schedule`);
}
