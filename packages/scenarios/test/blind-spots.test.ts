/**
 * The catalogue reaches the paths a replaced layer has: for each scenario
 * added to close a blind spot, a broken layer with one classic mistake (a
 * test plugin's layer, put in place as a plugin's would be) is caught by it
 * — exhaustive DPOR finds the failure named below — while the built-in layer
 * explored the same way shows nothing.
 */
import { explore } from "@kprim/explore";
import { describe, expect, it } from "vitest";
import { type KernelOverrides, prepare } from "../src/index.js";
import { critExitBeforeRelease, forgetsCrit, testThenSet } from "./broken/spinlocks.js";
import { spinsOnHeldToken } from "./broken/tokens.js";
import { chainStopsAfterOneHop, clearsBitOnWake, stopsAtOtherIdent, wakeupOneStaysLocal } from "./broken/sleepqs.js";

const budget = { mode: { kind: "dpor" }, maxExecutions: 50_000, maxSteps: 20_000 } as const;

function dpor(scenario: string, kernel: KernelOverrides = {}, options: Record<string, string> = {}) {
  const p = prepare({ scenario, kernel, options });
  return explore(p.build.bind(p), budget);
}

interface Pair {
  readonly scenario: string;
  readonly kernel: KernelOverrides;
  readonly failureKind: string;
  /** A piece of the failure's description. */
  readonly failure: string;
}

const pairs: readonly Pair[] = [
  {
    scenario: "spinlock-interrupt-contender",
    kernel: { spinlock: forgetsCrit },
    failureKind: "deadlock",
    failure: "intr (cpu0) spinning on spinlock S held by T0",
  },
  {
    scenario: "spinlock-interrupt-contender",
    kernel: { spinlock: critExitBeforeRelease },
    failureKind: "deadlock",
    failure: "intr (cpu0) spinning on spinlock S held by T0",
  },
  {
    scenario: "spinlock-interrupt-contender",
    kernel: { spinlock: testThenSet },
    failureKind: "panic:spin_unlock: T1 releases S, which it does not hold",
    failure: "T1 releases S, which it does not hold",
  },
  {
    scenario: "wakeup-reaches-every-cpu",
    kernel: { sleepq: chainStopsAfterOneHop },
    failureKind: "violation:lost-wakeup",
    failure: "sleeps on X although the flag is set",
  },
  {
    scenario: "wakeup-one-remote",
    kernel: { sleepq: wakeupOneStaysLocal },
    failureKind: "violation:lost-wakeup",
    failure: "sleeps on X although a posted unit is waiting",
  },
  {
    scenario: "wakeup-one-remote",
    kernel: { sleepq: chainStopsAfterOneHop },
    failureKind: "violation:lost-wakeup",
    failure: "sleeps on X although a posted unit is waiting",
  },
  {
    scenario: "colliding-idents",
    kernel: { sleepq: clearsBitOnWake },
    failureKind: "violation:lost-wakeup",
    failure: "T_Y sleeps on Y although flagY is set",
  },
  {
    scenario: "colliding-idents",
    kernel: { sleepq: stopsAtOtherIdent },
    failureKind: "violation:lost-wakeup",
    failure: "T_X sleeps on X although flagX is set",
  },
];

describe("detector messages name what happened, in the order it happened", () => {
  it("a wakeup chain that stopped after one hop: the lost wakeup names the wakeup that never reached the sleeper", () => {
    const r = dpor("wakeup-reaches-every-cpu", { sleepq: chainStopsAfterOneHop });
    expect(r.kind === "found" && r.failure).toMatch(
      /^violation at step \d+: \[lost-wakeup\] T_S1 sleeps on X although the flag is set: after its tsleep_interlock \(step \d+\), the wakeup of X at step \d+ by T_W woke T_S0 and never reached T_S1$/,
    );
  });

  it("a deadlock in token-preempted-holder is reported as the deadlock, not by the final-value check", () => {
    const r = dpor("token-preempted-holder", { token: spinsOnHeldToken }, {});
    expect(r.kind).toBe("found");
    if (r.kind !== "found") return;
    expect(r.failureKind).toBe("deadlock");
    expect(r.failure).toContain("intr (cpu0) spinning on token A held");
    expect(r.failure).not.toContain("expected 11");
  });
});

describe("blind spots: each broken layer is caught, the built-in one is not", () => {
  for (const p of pairs) {
    const layer = Object.values(p.kernel)[0] as { name: string };
    it(`${p.scenario} catches "${layer.name}" (${p.failureKind})`, () => {
      const r = dpor(p.scenario, p.kernel);
      expect(r.kind).toBe("found");
      if (r.kind !== "found") return;
      expect(r.failureKind).toBe(p.failureKind);
      expect(r.failure).toContain(p.failure);
    });
  }

  for (const scenario of [...new Set(pairs.map((p) => p.scenario))]) {
    it(`${scenario} is clean with the built-in layers (DPOR, exhausted)`, () => {
      const r = dpor(scenario);
      expect(r.kind).toBe("not-found");
      expect(r.kind === "not-found" && r.exhausted).toBe(true);
    });
  }

  it("wakeup-reaches-every-cpu and wakeup-one-remote run on 3 cpus by default; the multicast wakeup is clean too", () => {
    expect(prepare({ scenario: "wakeup-reaches-every-cpu" }).cpus).toBe(3);
    expect(prepare({ scenario: "wakeup-one-remote" }).cpus).toBe(3);
    const r = dpor("wakeup-reaches-every-cpu", {}, { wakeup: "multicast" });
    expect(r.kind === "not-found" && r.exhausted).toBe(true);
  });
});
