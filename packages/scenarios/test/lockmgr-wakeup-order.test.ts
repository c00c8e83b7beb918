/**
 * Where lockmgr issues the wakeups a request owes on its way out (spec §4.5,
 * §8.2): rev 1.13 wakes with the interlock held; later DragonFly wakes right
 * after releasing it. The spec argues both are safe because wakeup never
 * blocks; with `lockmgrWakeups=after-release` the catalogue's lockmgr
 * scenarios check that claim in every schedule — and the naive interlock
 * still loses its wakeup either way.
 */
import { explore } from "@kprim/explore";
import { random } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { prepare, scenarioFactory } from "../src/index.js";

const AFTER = { lockmgrWakeups: "after-release" };

describe("lockmgr's closing wakeups after the interlock's release", () => {
  for (const scenario of ["lockmgr-lost-wakeup", "lockmgr-preempted-release", "lockmgr-token-held-through-sleep"]) {
    for (const variant of ["TOK", "SPIN+TI"]) {
      it(`${scenario} under ${variant}: no failure in any schedule`, { timeout: 120_000 }, () => {
        const r = explore(scenarioFactory(prepare({ scenario, variant, options: AFTER })), {
          mode: { kind: "dpor" },
          target: "failure",
          shrink: false,
        });
        expect(r.kind === "found" ? r.failure : "none").toBe("none");
        expect(r.kind === "not-found" && r.exhausted).toBe(true);
      });
    }
  }

  it("the naive interlock still loses the wakeup (lockmgr-lost-wakeup, SPIN-naive)", () => {
    const r = explore(
      scenarioFactory(prepare({ scenario: "lockmgr-lost-wakeup", variant: "SPIN-naive", options: AFTER })),
      {
        mode: { kind: "dpor" },
        target: "violation:lost-wakeup",
        shrink: false,
      },
    );
    expect(r.kind).toBe("found");
  });

  it("the release's wakeup comes with the interlock held by default, after its release with the option", () => {
    for (const [options, want] of [
      [{}, "held"],
      [AFTER, "released"],
    ] as const) {
      const p = prepare({ scenario: "lockmgr-lost-wakeup", variant: "SPIN+TI", options });
      let seen = 0;
      for (let seed = 1; seed <= 50; seed++) {
        const ev = p.build({ strategy: random({ seed }), trace: true }).run().trace!;
        const w = ev.findIndex((e) => e.kind === "sleepq.wakeup" && e.obj === "L");
        if (w < 0) continue;
        seen++;
        // The waker's last event on L's interlock before its wakeup of L.
        const last = ev
          .slice(0, w)
          .filter((e) => e.obj === "L.interlock" && e.thread === ev[w]!.thread && e.kind.startsWith("lock."))
          .pop();
        expect(last?.kind === "lock.release" ? "released" : "held").toBe(want);
      }
      expect(seen).toBeGreaterThan(0);
    }
  });
});
