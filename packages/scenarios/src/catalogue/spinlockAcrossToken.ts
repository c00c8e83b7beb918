/**
 * R9 (token form) — a spinlock held across a blocking point (spec §7.1 R9, §3.4).
 *
 * T1 takes spinlock S, then asks for token B, owned by cpu1. A contended
 * token acquisition is a blocking point (token mode `yield`), so T1 would be
 * switched out holding S: a contender on another cpu would spin without
 * bound, one on T1's cpu could never let T1 run again. The machine reports
 * `spinlock-blocking` at the blocking point, before anything hangs.
 */
import { type Gen, type KernelContext } from "@kprim/machine";
import type { Spinlock } from "@kprim/spinlock";
import type { Token } from "@kprim/token";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { SPINLOCK_OPTIONS, TOKEN_OPTIONS } from "../dependsOn.js";

export const spinlockAcrossToken = kernelScenario({
  name: "spinlock-across-token",
  description: "a spinlock held across a contended (blocking) token acquisition",
  specId: "R9",
  dependsOn: [...TOKEN_OPTIONS, ...SPINLOCK_OPTIONS],
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const S = kernel.spinlock.create(m, "S");
    const B = kernel.token.create(m, "B", { cpu: 1 });
    m.spawn({ cpu: 0, name: "T1", body: (k) => holder(k, kernel, S, B) });
    m.spawn({ cpu: 1, name: "T2", body: (k) => contender(k, kernel, S) });
  },
});

// The bodies are module-level generator functions: one made per execution
// would cost V8 a hidden class per execution (explorations build hundreds of
// thousands of machines).

function* holder(k: KernelContext, kernel: Kernel, S: Spinlock, B: Token): Gen<void> {
  yield* kernel.spinlock.lock(k, S);
  const b = yield* kernel.token.get(k, B);
  yield* kernel.token.release(k, b);
  yield* kernel.spinlock.unlock(k, S);
}

function* contender(k: KernelContext, kernel: Kernel, S: Spinlock): Gen<void> {
  yield* kernel.spinlock.lock(k, S);
  yield* kernel.spinlock.unlock(k, S);
}
