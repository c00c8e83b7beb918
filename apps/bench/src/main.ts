/**
 * `pnpm bench [group]`: run benchmark groups and print their figures.
 */
import { exploreBench } from "./groups/explore.js";
import { machineSpeed, reportMachineSpeed } from "./groups/machine.js";
import { churnCost } from "./groups/churn.js";
import { lockmgrCost } from "./groups/lockmgr.js";
import { primitives } from "./groups/primitives.js";
import { wakeupCost } from "./groups/wakeup.js";

const groups: Record<string, (quick: boolean) => string | Promise<string>> = {
  machine: (quick) => reportMachineSpeed(machineSpeed(quick ? 1 : 5)),
  primitives,
  wakeup: wakeupCost,
  lockmgr: lockmgrCost,
  churn: churnCost,
  explore: exploreBench,
};

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const wanted = args.filter((a) => !a.startsWith("--"));
const unknown = wanted.filter((g) => !(g in groups));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown group ${unknown.join(", ")}; groups: ${Object.keys(groups).join(", ")}\n`);
  process.exitCode = 2;
} else {
  for (const name of wanted.length > 0 ? wanted : Object.keys(groups)) {
    process.stdout.write(`${await groups[name]!(quick)}\n\n`);
  }
}
