/**
 * Busy-wait loops need no declaring: a lock whose contested path is an
 * ordinary retry loop (compare-and-swap, a pause step, repeat; no spin-until
 * and no `k.enterLoop()`) is explored by DPOR without an unfair execution
 * that starves the holder to the step limit — the default continuation is
 * weakly fair to threads (exhaustive/fairness.ts) — and the space is
 * exhausted. A genuine livelock, which no fair scheduler leaves, still runs
 * to the step limit.
 */
import { type Cell, type Gen, type KernelContext, type Machine } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { explore } from "../src/index.js";
import { factoryOf, type Program } from "../src/examples.js";

function* retryLock(k: KernelContext, word: Cell<number>, backoff: number): Gen<void> {
  for (let wait = 1; !(yield* k.cas(word, 0, k.thread.id + 1)); wait = Math.min(wait * 2, backoff)) {
    for (let i = 0; i < wait; i++) yield* k.nop("pause");
  }
}

function* incrementUnderLock(k: KernelContext, word: Cell<number>, n: Cell<number>, backoff: number): Gen<void> {
  yield* retryLock(k, word, backoff);
  const v = yield* k.load(n);
  yield* k.store(n, v + 1);
  yield* k.store(word, 0);
}

/** Two cpus increment a counter under a retry-loop lock with exponential backoff (capped at `backoff` pauses). */
function backoffLock(backoff: number): Program {
  return {
    name: `backoff-lock-${backoff}`,
    cpus: 2,
    setup(m: Machine) {
      const word = m.cell("word", 0);
      const n = m.cell("n", 0);
      for (let c = 0; c < 2; c++)
        m.spawn({ cpu: c, name: `T${c}`, body: (k) => incrementUnderLock(k, word, n, backoff) });
      return [n];
    },
  };
}

/** Two threads that each wait, in a retry loop, for the other to go first: no fair schedule ends. */
function* waitForOther(k: KernelContext, mine: Cell<number>, other: Cell<number>): Gen<void> {
  for (;;) {
    yield* k.store(mine, 1);
    if ((yield* k.load(other)) === 0) return;
    yield* k.nop("pause");
  }
}
const stubborn: Program = {
  name: "stubborn",
  cpus: 2,
  setup(m: Machine) {
    const a = m.cell("a", 0);
    const b = m.cell("b", 0);
    m.spawn({ cpu: 0, name: "A", body: (k) => waitForOther(k, a, b) });
    m.spawn({ cpu: 1, name: "B", body: (k) => waitForOther(k, b, a) });
    return [a, b];
  },
};

describe("undeclared busy-wait loops under DPOR", () => {
  for (const backoff of [1, 8]) {
    it(`a retry-loop lock with backoff up to ${backoff}: no step-limit execution, the space exhausted, no failure`, () => {
      const r = explore(factoryOf(backoffLock(backoff)), {
        mode: { kind: "dpor" },
        maxSteps: 20_000,
        maxExecutions: 20_000,
      });
      expect(r).toMatchObject({ kind: "not-found", exhausted: true, stepLimited: 0 });
    });
  }

  it("a livelock no fair schedule leaves still reaches the step limit", () => {
    const r = explore(factoryOf(stubborn), {
      mode: { kind: "dpor" },
      maxSteps: 3_000,
      maxExecutions: 200,
      target: "step-limit",
    });
    expect(r).toMatchObject({ kind: "found", failureKind: "step-limit" });
  });
});
