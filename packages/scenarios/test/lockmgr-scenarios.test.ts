/**
 * The lockmgr scenarios and the sleeps through an interlock, against the
 * oracle's rows R3, R4, R7, G2, G3, G4, G8, G10 and G11. Races found are
 * pinned by replayed schedules; correct twins are explored exhaustively where
 * a naive search can finish (the acceptance matrix covers every row with DPOR).
 */
import { parseSchedule, random, replay, type RunResult } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { prepare, prepareFromHeader } from "../src/index.js";
import { everySchedule, expectNone } from "./support/everySchedule.js";

function replayPinned(text: string): RunResult {
  const s = parseSchedule(text);
  return prepareFromHeader(s.header)
    .build({ strategy: replay(s.choices) })
    .run();
}

function clean(scenario: string, variant: string): void {
  expectNone(everySchedule(prepare({ scenario, variant })));
}

describe("R3: lockmgr-lost-wakeup", () => {
  it("loses the wakeup with the naive spinlock interlock (pinned schedule)", () => {
    const r = replayPinned("kprim1:lockmgr-lost-wakeup:SPIN-naive:::1sx7.0sx3.1s.0sx2.1sx3.0s.1sx2");
    expect(r.outcome).toMatchObject({ kind: "violation", detector: "lost-wakeup" });
    if (r.outcome.kind === "violation") {
      expect(r.outcome.message).toMatch(
        /^T_w sleeps on L although L no longer has the flags it waits for: the wakeup of L ran at step \d+/,
      );
      // lockmgr's own liveness check agrees.
      expect(r.outcome.reports.map((x) => x.detector)).toEqual(["lost-wakeup", "lockmgr-state"]);
    }
  });
  it("loses nothing with the token interlock (every schedule)", () => clean("lockmgr-lost-wakeup", "TOK"));
  it("loses nothing with spinlock + tsleep_interlock (every schedule)", () => clean("lockmgr-lost-wakeup", "SPIN+TI"));
});

describe("R4: a preempting release on one cpu", () => {
  it("lockmgr form: the naive interlock lets the I/O-completion interrupt in before tsleep (pinned)", () => {
    const r = replayPinned("kprim1:lockmgr-preempted-release:SPIN-naive:::0sx9.0p0.0sx3.0p0.0sx6");
    expect(r.outcome).toMatchObject({ kind: "violation", detector: "lost-wakeup" });
  });
  it("sleep-queue form: the same through the Interlock contract (pinned)", () => {
    const r = replayPinned("kprim1:interlock-preempted-sleep:SPIN-naive:::0s.0p1.0sx2.0p1.0sx5");
    expect(r.outcome).toMatchObject({ kind: "violation", detector: "lost-wakeup" });
  });
  for (const scenario of ["lockmgr-preempted-release", "interlock-preempted-sleep"]) {
    for (const variant of ["TOK", "SPIN+TI"]) {
      it(`${scenario} loses nothing under ${variant} (every schedule)`, () => clean(scenario, variant));
    }
  }
});

describe("R7: lockmgr-upgrade-vs-exclusive", () => {
  const pins: Record<string, string> = {
    TOK: "kprim3:lockmgr-upgrade-vs-exclusive:TOK::::0sx11.1sx3.0i1.1d.1sx4.0sx6.1i0x2.0d.0sx11.1i0x2.1d.0i1.0sx2.1d.1i0.1s",
    "SPIN+TI": "kprim3:lockmgr-upgrade-vs-exclusive:SPIN+TI::::0sx11.1sx8.0sx18.1i0.1d.1sx2",
    "SPIN-naive": "kprim3:lockmgr-upgrade-vs-exclusive:SPIN-naive::::0sx11.1sx7.0sx17.1i0x2.1d.1sx2",
  };
  for (const [variant, text] of Object.entries(pins)) {
    it(`panics "non-zero exclusive count" under ${variant} when the upgrade wins the wakeup race (pinned)`, () => {
      expect(replayPinned(text).outcome).toMatchObject({
        kind: "panic",
        message: "lockmgr: non-zero exclusive count",
        thread: "E",
      });
    });
  }
});

describe("G2: lockmgr-barging", () => {
  for (const variant of ["TOK", "SPIN+TI"]) {
    it(`a NOWAIT caller gets in between a release and the woken waiter, which sleeps again (${variant})`, () => {
      const p = prepare({ scenario: "lockmgr-barging", variant });
      let barged = 0;
      for (let seed = 1; seed <= 300; seed++) {
        const m = p.build({ strategy: random({ seed }), trace: true });
        const r = m.run();
        expect(r.outcome).toEqual({ kind: "ok" });
        const ev = r.trace!;
        const nGot = ev.some((e) => e.kind === "lock.try-acquire" && e.obj === "L");
        const wSleeps = ev.filter(
          (e) => e.kind === "sleepq.tsleep" && e.thread >= 0 && m.thread(e.thread).name === "W",
        );
        if (nGot && wSleeps.length >= 2) barged++;
      }
      expect(barged).toBeGreaterThan(0);
    });
  }
});

describe("G10, G3, G4, G8 and G11", () => {
  it("G10: a token-interlocked waiter sleeping 'with' the token is no token-exclusion violation", () =>
    clean("lockmgr-token-held-through-sleep", "TOK"));
  it("G3: spurious wakeups are re-tested (TOK, every schedule)", () => clean("interlock-spurious-wakeups", "TOK"));
  for (const variant of ["TOK", "SPIN+TI"]) {
    it(`G4: a wakeup before the waiter takes the interlock is never lost (${variant}, every schedule)`, () =>
      clean("interlock-wakeup-first", variant));
    it(`G8: a sleep ended by its timeout is not a lost wakeup (${variant}, every schedule)`, () =>
      clean("interlock-timeout", variant));
  }
  it("G11: releasing an unheld lock is ignored under 2005 semantics", () => {
    expect(prepare({ scenario: "lockmgr-release-unheld", variant: "SPIN+TI" }).build().run().outcome).toEqual({
      kind: "ok",
    });
  });
  it("G11: and panics under 2008 semantics", () => {
    expect(
      prepare({ scenario: "lockmgr-release-unheld", variant: "SPIN+TI-2008" }).build().run().outcome,
    ).toMatchObject({
      kind: "panic",
      message: "lockmgr: LK_RELEASE of L, which is not held",
    });
  });
});
