/**
 * R8 — a check-then-act across a contended token (spec §7.1 R8, §2.3–2.4).
 *
 * T1 (cpu0) holds token A and reads V, which A protects. It then asks for
 * token B, owned by cpu1: a contended acquisition is a blocking point in
 * `yield` mode (A is released while T1 is switched out) and, in `spin2005`
 * mode, a spin that grants queued requests even for tokens T1 holds. Either
 * way T2 (cpu1) can take A, bump V and give A back before T1 resumes holding
 * A and B — and T1 writes V from its stale read: a lost update. The bug is
 * the client's (it relied on A across a blocking point), not the token's;
 * the `stale-read` detector names it. The correct twin is G5.
 */
import { type Cell, type Gen, type KernelContext } from "@kprim/machine";
import type { Token } from "@kprim/token";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { finalValue } from "./checks.js";
import { TOKEN_OPTIONS } from "../dependsOn.js";

export const tokenStaleRead = kernelScenario({
  name: "token-stale-read",
  description: "a value read under token A is written back after a contended acquire of token B (lost update)",
  specId: "R8",
  dependsOn: TOKEN_OPTIONS,
  params: {},
  raises: { violations: ["lost-update"] },
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const A = kernel.token.create(m, "A", { cpu: 0 });
    const B = kernel.token.create(m, "B", { cpu: 1 });
    const V = m.cell("V", 0);
    kernel.token.protect(m, A, V);
    m.spawn({ cpu: 0, name: "T1", body: (k) => staleWriter(k, kernel, A, B, V) });
    m.spawn({ cpu: 1, name: "T2", body: (k) => incrementer(k, kernel, A, V) });
    return { detectors: [finalValue("lost-update", V, 2, "both increments must land")] };
  },
});

// The bodies are module-level generator functions: one made per execution
// would cost V8 a hidden class per execution (explorations build hundreds of
// thousands of machines).

function* staleWriter(k: KernelContext, kernel: Kernel, A: Token, B: Token, V: Cell<number>): Gen<void> {
  const a = yield* kernel.token.get(k, A);
  const v = yield* k.load(V);
  const b = yield* kernel.token.get(k, B); // contended: A may lapse here
  yield* k.store(V, v + 1); // stale: v was read before the blocking point
  yield* kernel.token.release(k, b);
  yield* kernel.token.release(k, a);
}

/** T2: take A, bump V, give A back (the same thread in R8 and its correct twin G5). */
export function* incrementer(k: KernelContext, kernel: Kernel, A: Token, V: Cell<number>): Gen<void> {
  const a = yield* kernel.token.get(k, A);
  const v = yield* k.load(V);
  yield* k.store(V, v + 1);
  yield* kernel.token.release(k, a);
}
