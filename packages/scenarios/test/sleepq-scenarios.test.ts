/**
 * The sleep-queue scenarios of the catalogue: the classic lost wakeup and its
 * fix, and the three ways of breaking tsleep_interlock's preconditions.
 */
import { parseSchedule, random, replay } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { prepare, prepareFromHeader } from "../src/index.js";
import { everySchedule, expectNone } from "./support/everySchedule.js";

describe("lost-wakeup (the classic test-then-sleep)", () => {
  it("without tsleep_interlock, a random search finds the lost wakeup and names it", () => {
    const p = prepare({ scenario: "lost-wakeup", params: { sleep: "unlock-then-tsleep" } });
    let found = false;
    for (let seed = 1; seed <= 200 && !found; seed++) {
      const r = p.build({ strategy: random({ seed }) }).run();
      if (r.outcome.kind === "ok") continue;
      found = true;
      expect(r.outcome).toMatchObject({ kind: "violation", detector: "lost-wakeup" });
    }
    expect(found).toBe(true);
  });

  it("its parameter is `sleep` (how the sleeper goes to sleep), not `interlock`, which names the lockmgr interlock", () => {
    expect(() => prepare({ scenario: "lost-wakeup", params: { interlock: "none" } })).toThrow(
      'scenario lost-wakeup: parameter "interlock" is now "sleep" (how the sleeper goes to sleep; --interlock chooses the lockmgr interlock): --param sleep=unlock-then-tsleep',
    );
    expect(() => prepare({ scenario: "lost-wakeup", params: { sleep: "none" } })).toThrow(
      'parameter "sleep" must be one of tsleep_interlock, unlock-then-tsleep, no-crit, test-before-interlock, got "none"',
    );
    // A schedule written with the old name replays as it did: its header is read with the new one.
    const old = prepareFromHeader(parseSchedule("kprim1:lost-wakeup:SPIN+TI::interlock=no-crit,sleepers=2:0s").header);
    expect(old.params).toMatchObject({ sleep: "no-crit", sleepers: 2 });
    expect(old.header.params).toEqual({ sleep: "no-crit", sleepers: "2" });
  });

  it("its pinned schedule (recorded before the parameter was renamed) replays to the lost wakeup, with the window that lost it", () => {
    const s = parseSchedule("kprim1:lost-wakeup:SPIN+TI::interlock=none:0sx3.1sx4.0s");
    const r = prepareFromHeader(s.header)
      .build({ strategy: replay(s.choices) })
      .run();
    expect(r.outcome).toMatchObject({ kind: "violation", detector: "lost-wakeup" });
    if (r.outcome.kind === "violation") {
      expect(r.outcome.message).toBe(
        "T_S sleeps on X although the flag is set: the wakeup of X ran at step 7, after T_S's last test of its condition (step 2) and before it was queued (step 8)",
      );
    }
  });

  it("with tsleep_interlock, no schedule loses the wakeup (1 sleeper, exhaustive)", () => {
    expectNone(everySchedule(prepare({ scenario: "lost-wakeup", params: { sleepers: 1 } })));
  });

  it("with tsleep_interlock and 3 sleepers, 2,000 random schedules stay clean", () => {
    const p = prepare({ scenario: "lost-wakeup", params: { sleepers: 3 } });
    for (let seed = 1; seed <= 2000; seed++)
      expect(p.build({ strategy: random({ seed }) }).run().outcome).toEqual({ kind: "ok" });
  });

  it("testing before the interlock loses the wakeup; interlocking outside a critical section breaks I8 (random search)", () => {
    const first = (sleep: string): unknown => {
      const p = prepare({ scenario: "lost-wakeup", params: { sleep } });
      for (let seed = 1; seed <= 500; seed++) {
        const o = p.build({ strategy: random({ seed }) }).run().outcome;
        if (o.kind !== "ok") return o;
      }
      return "none";
    };
    expect(first("test-before-interlock")).toMatchObject({ kind: "violation", detector: "lost-wakeup" });
    expect(first("no-crit")).toMatchObject({
      kind: "violation",
      detector: "interlock-discipline",
      message: "T_S called tsleep_interlock(X) outside a critical section",
    });
  });

  it("runs the same under the multicast wakeup form", () => {
    const p = prepare({ scenario: "lost-wakeup", options: { wakeup: "multicast" }, params: { sleepers: 3 } });
    for (let seed = 1; seed <= 300; seed++)
      expect(p.build({ strategy: random({ seed }) }).run().outcome).toEqual({ kind: "ok" });
  });
});

describe("breaking tsleep_interlock's preconditions", () => {
  const cases: [string, string, RegExp][] = [
    [
      "interlock-then-block",
      "R5",
      /^T_W passed a blocking point \(lwkt_gettoken B contended\) between tsleep_interlock\(X\) at step \d+ and tsleep\(X\)$/,
    ],
    [
      "interlock-then-ipi-processing",
      "R5b",
      /^T_W passed an explicit IPI-processing point \(lwkt_send_ipiq: FIFO to cpu1 over half full\) between tsleep_interlock\(X\) at step \d+ and tsleep\(X\)$/,
    ],
    ["interlock-outside-crit", "R6", /^T_W called tsleep_interlock\(X\) outside a critical section$/],
  ];
  for (const [scenario, id, message] of cases) {
    it(`${id} (${scenario}) is reported as interlock-discipline under SPIN+TI in every schedule that reaches it`, () => {
      const p = prepare({ scenario, variant: "SPIN+TI" });
      let reached = 0;
      for (let seed = 1; seed <= 100; seed++) {
        const r = p.build({ strategy: random({ seed }) }).run();
        if (r.outcome.kind === "ok") continue; // the flag was set before T_W looked: it never slept
        reached++;
        expect(r.outcome).toMatchObject({ kind: "violation", detector: "interlock-discipline" });
        if (r.outcome.kind === "violation") expect(r.outcome.message).toMatch(message);
      }
      expect(reached).toBeGreaterThan(10);
    });
  }
});

describe("R9 (tsleep form): spinlock-across-tsleep", () => {
  for (const variant of ["SPIN+TI", "TOK"]) {
    it(`reports spinlock-blocking at tsleep under ${variant}`, () => {
      const r = prepare({ scenario: "spinlock-across-tsleep", variant }).build().run();
      expect(r.outcome).toMatchObject({ kind: "violation", detector: "spinlock-blocking" });
      if (r.outcome.kind === "violation")
        expect(r.outcome.message).toBe("T1 reached a blocking point (asleep on X (x)) holding 1 spinlock(s)");
    });
  }
});
