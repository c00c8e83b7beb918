/**
 * What a stored state costs in stateful search (issue 20, P1): the
 * lost-wakeup scenario with spinlock + `tsleep_interlock`, chain wakeup,
 * N sleepers, searched exhaustively by stateful DFS in this process (as
 * `kprim explore lost-wakeup --variant SPIN+TI --param sleepers=N --param
 * sleep=tsleep_interlock --option wakeup=chain --strategy stateful`).
 * ROUNDS searches after one untimed one (ROUNDS 0: just the one, timed);
 * per search the states, executions, CPU seconds (user + sys) and µs of CPU
 * per stored state, then the median. With `node --cpu-prof` around it, the
 * profile of the search.
 *
 *   node --import tsx --conditions=@kprim/source apps/bench/src/fresh/statefulCost.ts [N] [ROUNDS]
 */
import { explore, type MachineFactory } from "@kprim/explore";
import { prepare, scenarioFactory } from "@kprim/scenarios";

const sleepers = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 0);

const factory: MachineFactory = scenarioFactory(
  prepare({
    scenario: "lost-wakeup",
    variant: "SPIN+TI",
    options: { wakeup: "chain" },
    params: { sleepers, sleep: "tsleep_interlock" },
  }),
);

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function search(): { states: number; executions: number; seconds: number; verdict: string } {
  const t0 = cpuSeconds();
  const r = explore(factory, {
    mode: { kind: "dfs", stateful: true },
    target: "failure",
    shrink: false,
    maxStates: 50_000_000,
  });
  return {
    states: r.states,
    executions: r.executions + r.merged,
    seconds: cpuSeconds() - t0,
    verdict: r.kind === "found" ? "found" : r.exhausted ? "exhausted" : "not exhausted",
  };
}

function line(r: ReturnType<typeof search>): string {
  const us = (r.seconds * 1e6) / r.states;
  return `N=${sleepers}: ${r.verdict}, ${r.states} states, ${r.executions} executions, ${r.seconds.toFixed(2)} s CPU, ${us.toFixed(1)} µs/state`;
}

const first = search();
if (rounds === 0) console.log(line(first));
else {
  const per: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = search();
    console.log(line(r));
    per.push((r.seconds * 1e6) / r.states);
  }
  const sorted = [...per].sort((a, b) => a - b);
  console.log(`median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} µs/state over ${rounds} rounds`);
}
