/**
 * G5 — data changed while blocked, then re-validated (spec §7.2 G5).
 *
 * The correct twin of R8: T1 reads V under token A, acquires token B
 * (contended, a blocking point), and *reads V again* before writing it. T2
 * may change V meanwhile; T1's write depends only on its fresh read, so
 * nothing is lost and the stale-read detector stays silent.
 */
import { type Cell, type Gen, type KernelContext } from "@kprim/machine";
import type { Token } from "@kprim/token";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { finalValue } from "./checks.js";
import { incrementer } from "./tokenStaleRead.js";
import { TOKEN_OPTIONS } from "../dependsOn.js";

export const tokenRereadAfterAcquire = kernelScenario({
  name: "token-reread-after-acquire",
  description: "re-reading token-protected data after every blocking point keeps the update (R8's correct twin)",
  specId: "G5",
  dependsOn: TOKEN_OPTIONS,
  params: {},
  raises: { violations: ["lost-update"] },
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const A = kernel.token.create(m, "A", { cpu: 0 });
    const B = kernel.token.create(m, "B", { cpu: 1 });
    const V = m.cell("V", 0);
    kernel.token.protect(m, A, V);
    m.spawn({ cpu: 0, name: "T1", body: (k) => revalidator(k, kernel, A, B, V) });
    m.spawn({ cpu: 1, name: "T2", body: (k) => incrementer(k, kernel, A, V) });
    return { detectors: [finalValue("lost-update", V, 2, "both increments must land")] };
  },
});

// The bodies are module-level generator functions: one made per execution
// would cost V8 a hidden class per execution (explorations build hundreds of
// thousands of machines).

function* revalidator(k: KernelContext, kernel: Kernel, A: Token, B: Token, V: Cell<number>): Gen<void> {
  const a = yield* kernel.token.get(k, A);
  const early = yield* k.load(V);
  const b = yield* kernel.token.get(k, B);
  const v = yield* k.load(V); // re-validate after the blocking point
  yield* k.store(V, Math.max(v, early) + 1);
  yield* kernel.token.release(k, b);
  yield* kernel.token.release(k, a);
}
