// Test kit: a machine, the default layers, and a lock with the chosen interlock.
import { createMachine, type Machine, type MachineOptions } from "@kprim/machine";
import { sleepqLayer } from "@kprim/sleepq";
import { spinlockLayer } from "@kprim/spinlock";
import { tokenLayer } from "@kprim/token";
import {
  type InterlockDeps,
  type InterlockKind,
  type Lock,
  lockinit,
  type LockInit,
  spinInterlock,
} from "../src/index.js";

export const deps: InterlockDeps = {
  spinlock: spinlockLayer,
  token: tokenLayer("yield"),
  sleepq: sleepqLayer("chain"),
};

export function machineWithLock(
  opts: Partial<MachineOptions> & { cpus: number },
  lockOpts: Partial<LockInit> & { interlock?: InterlockKind } = {},
): { m: Machine; L: Lock } {
  const m = createMachine(opts);
  const L = lockinit(m, "L", { deps, interlock: spinInterlock, wmesg: "lwait", ...lockOpts });
  return { m, L };
}
