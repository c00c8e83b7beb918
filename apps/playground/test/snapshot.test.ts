/**
 * The state panel's data at a step of R3 (lockmgr-lost-wakeup with the
 * naive spinlock interlock, the README's seed-60 run): the cpus' current
 * threads and critical sections, the locks each thread holds, L's lock
 * word, and at the end the waiter asleep on L with its cpu's mask bit.
 */
import { formatSchedule, random } from "@kprim/machine";
import { prepare, scenarioFactory } from "@kprim/scenarios";
import { describe, expect, it } from "vitest";
import { Session } from "../src/session.js";
import { snapshot } from "../src/snapshot.js";

function at(step: number): ReturnType<typeof snapshot> {
  const p = prepare({ scenario: "lockmgr-lost-wakeup", variant: "SPIN-naive" });
  const schedule = formatSchedule(scenarioFactory(p)({ strategy: random({ seed: 60 }) }).run().schedule);
  const s = Session.fromSchedule(schedule, "failure", step);
  return snapshot(s.state.view, s.eventsSoFar());
}

describe("the machine's state at a step", () => {
  it("shows the holder inside lockmgr: its interlock, the lock and the lock word", () => {
    const s = at(5);
    expect(s.cpus.map((c) => [c.cpu, c.current])).toEqual([
      [0, "T_w"],
      [1, "T_h"],
    ]);
    const th = s.threads.find((t) => t.name === "T_h")!;
    expect(th.holds).toEqual([
      { kind: "spin", lock: "L.interlock", mode: undefined },
      { kind: "lockmgr", lock: "L", mode: "exclusive" },
    ]);
    expect(th.spinlocks).toBe(1);
    expect(s.locks).toEqual([
      {
        name: "L",
        interlock: "spin-naive L.interlock",
        flags: "HAVE_EXCL",
        sharecount: 0,
        waitcount: 0,
        exclusivecount: 1,
        holder: "T_h",
      },
    ]);
  });

  it("shows the waiter counted, inside its interlock's critical section, at its test of the condition", () => {
    const s = at(12);
    expect(s.cpus[0]).toMatchObject({ current: "T_w", crit: 1 });
    expect(s.threads.find((t) => t.name === "T_w")!.holds).toEqual([
      { kind: "spin", lock: "L.interlock", mode: undefined },
    ]);
    expect(s.locks[0]).toMatchObject({ flags: "HAVE_EXCL|WAIT_NONZERO", waitcount: 1 });
  });

  it("ends with the waiter asleep on a free lock, its cpu's bit set in the bucket", () => {
    const s = at(19);
    expect(s.cpus.map((c) => c.current)).toEqual([null, null]);
    expect(s.threads.map((t) => [t.name, t.state, t.wait])).toEqual([
      ["T_h", "done", null],
      ["T_w", "blocked", "asleep on L (lwt)"],
    ]);
    expect(s.locks[0]).toMatchObject({ flags: "WAIT_NONZERO", holder: null, exclusivecount: 0 });
    expect(s.sleep).toEqual([
      {
        bucket: 0,
        mask: 1,
        maskCpus: [0],
        idents: ["L", "L.lk_flags"],
        sleepers: [{ cpu: 0, thread: "T_w", ident: "L", wmesg: "lwt" }],
      },
    ]);
    expect(s.tokens).toEqual([]);
  });

  it("shows IPIs queued on a cpu and the tokens' owners (R1 under TOK)", () => {
    const p = prepare({ scenario: "getnewbuf-locked-buf", variant: "TOK" });
    const schedule = formatSchedule(scenarioFactory(p)({ strategy: random({ seed: 12 }) }).run().schedule);
    const s = Session.fromSchedule(schedule, "failure", 0);
    let sawIpi = false;
    let sawMp = false;
    for (let step = 0; step <= (s.planLength ?? 0); step++) {
      s.goTo(step);
      const snap = snapshot(s.state.view, s.eventsSoFar());
      if (snap.cpus.some((c) => c.ipis.length > 0)) sawIpi = true;
      if (snap.mplock !== null) sawMp = true;
      expect(snap.tokens.length).toBeGreaterThan(0);
      for (const t of snap.tokens) expect([0, 1]).toContain(t.cpu);
    }
    expect(sawIpi).toBe(true);
    expect(sawMp).toBe(true);
  });
});
