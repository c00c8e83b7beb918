/**
 * The watchdog and a strategy that cuts a run by throwing from `choose`
 * (exhaustive search does so for a sleep-set-blocked or cycling path): the
 * strategy has stopped choosing, so a process that then waits (a queue
 * worker between jobs) is not taken for a strategy stuck in `choose`.
 */
import type { Strategy } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { newShared } from "../src/worker/protocol.js";
import { WatchdogReader, WatchdogWriter } from "../src/worker/watchdog.js";

describe("the watchdog after a choose that throws", () => {
  it("sees nothing running, however long the process waits afterwards", () => {
    const shared = newShared();
    const cut = new Error("cut");
    const strategy: Strategy = {
      name: "cutter",
      choose() {
        throw cut;
      },
    };
    const wrapped = new WatchdogWriter(shared).wrap(strategy);
    expect(() => wrapped.choose([0, 1] as never, {} as never)).toThrow(cut);
    const reader = new WatchdogReader(shared);
    expect(reader.check(0, 5_000)).toBeNull();
    expect(reader.check(60_000, 5_000)).toBeNull();
  });

  it("still names a strategy that never returns (marked running, counter unchanged)", () => {
    const shared = newShared();
    let reader: WatchdogReader | null = null;
    let seen: unknown = null;
    const strategy: Strategy = {
      name: "stuck",
      choose() {
        // Seen from inside choose: the strategy is marked running for the whole quiet period.
        reader = new WatchdogReader(shared);
        reader.check(0, 5_000);
        seen = reader.check(6_000, 5_000);
        return 0;
      },
    };
    new WatchdogWriter(shared).wrap(strategy).choose([0] as never, {} as never);
    expect(seen).toEqual({ kind: "strategy", strategy: "stuck" });
  });
});
