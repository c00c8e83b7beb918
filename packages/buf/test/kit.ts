// Test kit: a machine with a buffer cache built from the default layers.
import { createMachine, type Machine, type MachineOptions } from "@kprim/machine";
import { type InterlockKind, spinInterlock } from "@kprim/lockmgr";
import { sleepqLayer } from "@kprim/sleepq";
import { spinlockLayer } from "@kprim/spinlock";
import { tokenLayer } from "@kprim/token";
import { type BufCache, type BufCacheOptions, createBufCache } from "../src/index.js";

export const deps = { spinlock: spinlockLayer, token: tokenLayer("yield"), sleepq: sleepqLayer("chain") };

export function machineWithCache(
  opts: Partial<MachineOptions> & { cpus: number },
  cacheOpts: BufCacheOptions,
  interlock: InterlockKind = spinInterlock,
): { m: Machine; cache: BufCache } {
  const m = createMachine(opts);
  return { m, cache: createBufCache(m, deps, interlock, cacheOpts) };
}
