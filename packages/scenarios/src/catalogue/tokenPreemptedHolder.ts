/**
 * G6 — preemption of a token holder (spec §7.2 G6, §2.3).
 *
 * T1 holds token A across a read-modify-write of V. An interrupt thread on
 * the same cpu may preempt T1 at any step boundary outside a critical
 * section, and it wants A too: a preemptor that needs a token its preempted
 * chain holds yields back to the chain, so T1's sequence stays atomic and
 * both increments land. No report in either token mode.
 */
import { type Cell, type Gen, type KernelContext } from "@kprim/machine";
import type { Token } from "@kprim/token";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { finalValue } from "./checks.js";
import { TOKEN_OPTIONS } from "../dependsOn.js";

export const tokenPreemptedHolder = kernelScenario({
  name: "token-preempted-holder",
  description: "an interrupt thread that needs the token its preempted thread holds yields back to it",
  specId: "G6",
  dependsOn: TOKEN_OPTIONS,
  params: {},
  raises: { violations: ["lost-update"] },
  cpus: () => 1,
  setup({ machine: m, kernel }) {
    const A = kernel.token.create(m, "A", { cpu: 0 });
    const V = m.cell("V", 0);
    kernel.token.protect(m, A, V);
    m.spawn({ cpu: 0, name: "T1", body: (k) => holder(k, kernel, A, V) });
    m.spawn({ cpu: 0, name: "intr", kind: "interrupt", body: (k) => interrupt(k, kernel, A, V) });
    return { detectors: [finalValue("lost-update", V, 11, "the holder's and the interrupt's updates must both land")] };
  },
});

// The bodies are module-level generator functions: one made per execution
// would cost V8 a hidden class per execution (explorations build hundreds of
// thousands of machines).

function* holder(k: KernelContext, kernel: Kernel, A: Token, V: Cell<number>): Gen<void> {
  const a = yield* kernel.token.get(k, A);
  const v = yield* k.load(V);
  yield* k.nop("compute");
  yield* k.store(V, v + 1);
  yield* kernel.token.release(k, a);
}

function* interrupt(k: KernelContext, kernel: Kernel, A: Token, V: Cell<number>): Gen<void> {
  const a = yield* kernel.token.get(k, A);
  const v = yield* k.load(V);
  yield* k.store(V, v + 10);
  yield* kernel.token.release(k, a);
}
