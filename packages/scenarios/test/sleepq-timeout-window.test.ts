/**
 * The window between a wake and its dispatch (issue 19): a thread made
 * runnable by its timeout on an idle cpu is resumed by a later step of that
 * cpu, and an IPI already queued there may run first — as in 2005, where the
 * callout ran in the softclock thread and pending IPIs could run before the
 * sleeper resumed.
 *
 * A sleep-queue layer broken on purpose (broken/tsleep.ts, timeoutLeavesSleeperQueued:
 * the timeout leaves its sleeper queued; tsleep unlinks it later) spends a
 * wakeup_one on the timed-out sleeper when a wakeup IPI runs in that window,
 * so the other sleeper is never woken. An exhaustive search finds it under
 * SPIN+TI as it does under TOK; the built-in sleep queues stay clean.
 */
import type { Gen, KernelContext } from "@kprim/machine";
import type { Interlock } from "@kprim/lockmgr";
import { EWOULDBLOCK, type Ident } from "@kprim/sleepq";
import type { Cell } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { explore } from "@kprim/explore";
import { interlockDeps, kernelScenario, type Kernel, prepare, scenarioFactory } from "../src/index.js";
import { timeoutLeavesSleeperQueued } from "./broken/tsleep.js";

/** Sleeps at most once, with a timeout; woken (not timed out), it passes the wakeup_one on. */
function* timedSleeper(k: KernelContext, kernel: Kernel, il: Interlock, X: Ident, flag: Cell<number>): Gen<void> {
  yield* il.acquire(k);
  if ((yield* k.load(flag)) === 0) {
    const error = yield* il.sleep(k, X, "flagwt", 1);
    if (error !== EWOULDBLOCK) yield* kernel.sleepq.wakeupOne(k, X);
  }
  yield* il.release(k);
}

/** Sleeps until the flag is set, without a timeout. */
function* sleeper(k: KernelContext, il: Interlock, X: Ident, flag: Cell<number>): Gen<void> {
  yield* il.acquire(k);
  while ((yield* k.load(flag)) === 0) yield* il.sleep(k, X, "flagwt", 0);
  yield* il.release(k);
}

/** Sets the flag and wakes one sleeper, under the interlock. */
function* setter(k: KernelContext, kernel: Kernel, il: Interlock, X: Ident, flag: Cell<number>): Gen<void> {
  yield* il.acquire(k);
  yield* k.store(flag, 1);
  yield* kernel.sleepq.wakeupOne(k, X);
  yield* il.release(k);
}

const timeoutThenWakeupOne = kernelScenario({
  name: "test-timeout-then-wakeup-one",
  description: "two sleepers on cpu0, the first with a timeout; cpu1 sets the flag and calls wakeup_one",
  specId: null,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const il = kernel.interlock.create(m, "IL", interlockDeps(kernel), { cpu: 0 });
    const flag = m.cell("flag", 0);
    const X = kernel.sleepq.ident(m, "X");
    kernel.sleepq.declareCondition(m, X, {
      cells: [flag],
      holds: (v) => v.peek(flag) !== 0,
      describe: "the flag is set",
    });
    m.spawn({ cpu: 0, name: "T_t", body: (k) => timedSleeper(k, kernel, il, X, flag) });
    m.spawn({ cpu: 0, name: "T_w", body: (k) => sleeper(k, il, X, flag) });
    m.spawn({ cpu: 1, name: "T_s", body: (k) => setter(k, kernel, il, X, flag) });
  },
});

function search(variant: string, broken: boolean, kind: "dpor" | "stateful") {
  const p = prepare({
    scenario: timeoutThenWakeupOne,
    catalogue: [timeoutThenWakeupOne],
    variant,
    ...(broken ? { kernel: { sleepq: timeoutLeavesSleeperQueued } } : {}),
  });
  const mode = kind === "dpor" ? ({ kind: "dpor" } as const) : ({ kind: "dfs", stateful: true } as const);
  return explore(scenarioFactory(p), { mode, maxExecutions: 200_000, shrink: false });
}

describe("a timeout's wake and the sleeper's dispatch are separate steps", () => {
  for (const variant of ["SPIN+TI", "TOK"]) {
    for (const kind of ["dpor", "stateful"] as const) {
      it(`${variant}, ${kind}: a sleep queue whose timeout leaves the sleeper queued loses a wakeup`, () => {
        const r = search(variant, true, kind);
        expect(r.kind).toBe("found");
        if (r.kind === "found") {
          expect(r.failureKind).toBe("violation:lost-wakeup");
          expect(r.failure).toContain("T_w sleeps on X although the flag is set");
        }
      });

      it(`${variant}, ${kind}: the built-in sleep queue loses none (exhausted)`, () => {
        const r = search(variant, false, kind);
        expect(r.kind).toBe("not-found");
        expect(r.kind === "not-found" && r.exhausted).toBe(true);
      });
    }
  }
});
