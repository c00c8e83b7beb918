/**
 * The watchdog's bookkeeping in-process: while a thread body runs (or the
 * strategy chooses), its region shows the thread (the strategy) and a
 * counter that does not move, so the reader names it once the quiet period
 * has passed; between steps and after the run nothing is reported. (The
 * command tests show the whole path, worker thread included.)
 */
import { createMachine, expectOutcome, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { newShared } from "../src/worker/protocol.js";
import { type Stuck, WatchdogReader, WatchdogWriter } from "../src/worker/watchdog.js";

describe("watchdog", () => {
  it("names the thread whose body has run for the quiet period without a step, and nothing otherwise", () => {
    const shared = newShared();
    const writer = new WatchdogWriter(shared);
    const reader = new WatchdogReader(shared);
    const seen: (Stuck | null)[] = [];
    const m = createMachine({ cpus: 2, strategy: writer.wrap(roundRobin()) });
    const c = m.cell("c", 0);
    m.spawn({
      cpu: 0,
      name: "T_quick",
      *body(k) {
        yield* k.add(c, 1);
      },
    });
    m.spawn({
      cpu: 1,
      name: "T_slow",
      *body(k) {
        yield* k.add(c, 1);
        // Inside the body, between two steps: what the main thread would see meanwhile.
        seen.push(reader.check(1000, 500)); // first look: remembers the counter
        seen.push(reader.check(1400, 500)); // 400 ms quiet: not yet
        seen.push(reader.check(1500, 500)); // 500 ms quiet: stuck
        yield* k.add(c, 1);
      },
    });
    writer.attach(m);
    expectOutcome(m.run(), "ok");
    expect(seen).toEqual([null, null, { kind: "body", thread: "T_slow", cpu: 1 }]);
    // After the run no body is running: nothing is reported however long it stays quiet.
    expect(reader.check(10_000, 500)).toBeNull();
    expect(reader.check(20_000, 500)).toBeNull();
  });

  it("names a strategy that has run for the quiet period without choosing", () => {
    const shared = newShared();
    const writer = new WatchdogWriter(shared);
    const reader = new WatchdogReader(shared);
    const seen: (Stuck | null)[] = [];
    let asked = 0;
    const slow = {
      name: "slow-chooser",
      choose() {
        // Inside choose: what the main thread would see meanwhile (only the third time).
        if (++asked === 3) {
          seen.push(reader.check(1000, 500));
          seen.push(reader.check(1500, 500));
        }
        return 0;
      },
    };
    const m = createMachine({ cpus: 1, strategy: writer.wrap(slow) });
    const c = m.cell("c", 0);
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        for (let i = 0; i < 4; i++) yield* k.add(c, 1);
      },
    });
    writer.attach(m);
    expectOutcome(m.run(), "ok");
    expect(seen).toEqual([null, { kind: "strategy", strategy: "slow-chooser" }]);
    // Between steps the strategy is not running.
    expect(reader.check(10_000, 500)).toBeNull();
  });
});
