/**
 * Every replay string ever printed still replays (issue 19). Schedules
 * recorded before a wake on an idle cpu and the switch to the woken thread
 * became separate steps (formats kprim1 and kprim2) resume the woken thread
 * in the handler's step; replayed under today's model they would diverge at
 * the first such wake, where the cpu now owes a dispatch choice. They are
 * replayed under the model they were recorded with (`dispatch: "same-step"`,
 * from the format); everything printed now is kprim3.
 *
 * The old strings here are real: printed by `kprim explore` on main at
 * 5d498fd (the last main before the split), and the schedules pinned in this
 * package's tests at that commit.
 */
import { explore, replaySchedule } from "@kprim/explore";
import { formatSchedule, parseSchedule, random, ReplayDivergence, type RunResult } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { prepare, prepareFromHeader } from "../src/index.js";

/** Replay through the library, as `kprim replay` does: the header's run, checked against it. */
function replayText(text: string): RunResult {
  const p = prepareFromHeader(parseSchedule(text).header);
  return replaySchedule((req) => p.build(req), text, { expect: p.header });
}

const consoleText = (r: RunResult): string => r.console.map((l) => l.text).join("\n");

const UPGRADE_PANIC = { kind: "panic", message: "lockmgr: non-zero exclusive count" };
const LOCKED_BUF = "getnewbuf: warning, locked buf 0xc7400000, race corrected";
const BLOCKED = "getnewbuf: warning, BUF_LOCK blocked unexpectedly on buf 0xc7400000...";

/** `kprim explore … ` on 5d498fd: its shrunk counterexample, printed as the replay handle. */
const printedKprim2 = {
  upgrade: "kprim2:lockmgr-upgrade-vs-exclusive:SPIN+TI::::0sx11.1sx8.0sx11.1i0.0sx7.1sx2",
  lockedBuf:
    "kprim2:getnewbuf-locked-buf:TOK:::signal=console%3Agetnewbuf%3A%20warning:0sx2.1s.0sx2.1i0.1sx3.0d.0i1.0sx2.1d.1i0x2.1sx2.0d.0i1x2.0sx8.1d.1i0.1sx5.0d.0sx12.1t1.1sx4.0i1.1d.1sx21",
};

describe("a kprim2 string printed before the separate dispatch step", () => {
  it("with an IPI waking a thread on an idle cpu replays to its panic through replaySchedule, and formats back to itself", () => {
    const r = replayText(printedKprim2.upgrade);
    expect(r.outcome).toMatchObject(UPGRADE_PANIC);
    expect(formatSchedule(r.schedule)).toBe(printedKprim2.upgrade);
  });

  it("with a timeout waking a thread on an idle cpu replays to its console warning (the signal it carries)", () => {
    const r = replayText(printedKprim2.lockedBuf);
    expect(consoleText(r)).toContain(LOCKED_BUF);
    expect(formatSchedule(r.schedule)).toBe(printedKprim2.lockedBuf);
  });

  it("diverges under today's separate dispatch (why the model is chosen from the format)", () => {
    for (const text of Object.values(printedKprim2)) {
      const s = parseSchedule(text);
      expect(s.header.dispatch).toBe("same-step");
      const p = prepareFromHeader(s.header);
      expect(() => replaySchedule((req) => p.build(req), s, { dispatch: "separate" })).toThrow(ReplayDivergence);
    }
  });
});

describe("the kprim1 schedules pinned in this package's tests before the split (5d498fd)", () => {
  const pins: [string, string, (r: RunResult) => void][] = [
    [
      "R1 TOK",
      "kprim1:getnewbuf-locked-buf:TOK:::0sx4.1sx2.1i0.1sx2.0d.0i1.0sx2.1d.1i0x2.1sx2.0d.0i1x2.0sx8.1d.1i0.1sx5.0d.0sx12.1t1.1sx4.0i1.1d.1sx21",
      (r) => expect(consoleText(r)).toContain(LOCKED_BUF),
    ],
    [
      "R1 SPIN+TI-nomp",
      "kprim1:getnewbuf-locked-buf:SPIN+TI-nomp:::0sx17.1sx8.0sx4.1t1.1sx23",
      (r) => expect(consoleText(r)).toContain(LOCKED_BUF),
    ],
    [
      "R2 TOK",
      "kprim1:getnewbuf-blocked-unexpectedly:TOK:::0sx4.1sx4.1i0.1sx4.0i1.1d.1i0.1sx21.0d.0sx2.1i0.0d.0sx16.1i0.1sx4.0i1.1d.1sx2.0i1.1d.1sx23.0i1.0s",
      (r) => expect(consoleText(r)).toContain(BLOCKED),
    ],
    [
      "R7 TOK",
      "kprim1:lockmgr-upgrade-vs-exclusive:TOK:::0sx11.1sx3.0i1.1d.1sx4.0sx6.1i0x2.0d.0sx11.1i0x2.0i1.0sx2.1d.1i0.1s",
      (r) => expect(r.outcome).toMatchObject(UPGRADE_PANIC),
    ],
    [
      "R7 SPIN+TI",
      "kprim1:lockmgr-upgrade-vs-exclusive:SPIN+TI:::0sx11.1sx8.0sx18.1i0.1sx2",
      (r) => expect(r.outcome).toMatchObject(UPGRADE_PANIC),
    ],
    [
      "R7 SPIN-naive",
      "kprim1:lockmgr-upgrade-vs-exclusive:SPIN-naive:::0sx11.1sx7.0sx17.1i0x2.1sx2",
      (r) => expect(r.outcome).toMatchObject(UPGRADE_PANIC),
    ],
  ];
  for (const [row, text, check] of pins) {
    it(`${row} replays to its recorded verdict`, () => check(replayText(text)));
  }
});

describe("a kprim2 string printed between the split and kprim3 (the separate dispatch already)", () => {
  // Printed by `kprim explore` on main at 835b108: the same format name, the new model; its owed
  // dispatch choices do not replay under the same-step model, so the replay falls back to today's.
  const interim = {
    upgrade: "kprim2:lockmgr-upgrade-vs-exclusive:SPIN+TI::::0sx11.1sx5.0sx3.1sx3.0sx12.1i0x2.0sx5.1d.1sx2",
    lockedBuf:
      "kprim2:getnewbuf-locked-buf:TOK:::signal=console%3Agetnewbuf%3A%20warning:0sx2.1s.0sx2.1i0.1sx3.0d.0i1.0sx2.1d.1i0x2.1sx2.0d.0i1x2.0sx8.1d.1i0.1sx5.0d.0sx12.1t1.1d.1sx4.0i1.1d.1sx21",
  };
  it("replays to its verdict, and formats as the kprim3 string that replays it", () => {
    const a = replayText(interim.upgrade);
    expect(a.outcome).toMatchObject(UPGRADE_PANIC);
    expect(formatSchedule(a.schedule)).toBe(interim.upgrade.replace(/^kprim2:/, "kprim3:"));
    const b = replayText(interim.lockedBuf);
    expect(consoleText(b)).toContain(LOCKED_BUF);
    expect(formatSchedule(b.schedule)).toBe(interim.lockedBuf.replace(/^kprim2:/, "kprim3:"));
  });
});

describe("schedules printed now", () => {
  it("are kprim3, and a kprim3 string round-trips: its replay gives the same run and formats to the same string", () => {
    const p = prepare({ scenario: "getnewbuf-locked-buf", variant: "TOK" });
    const first = p.build({ strategy: random({ seed: 12 }) }).run();
    const text = formatSchedule(first.schedule);
    expect(text).toMatch(/^kprim3:getnewbuf-locked-buf:TOK::::/);
    expect(parseSchedule(text).header.dispatch).toBeUndefined();
    const again = replayText(text);
    expect(again.outcome).toEqual(first.outcome);
    expect(again.console).toEqual(first.console);
    expect(formatSchedule(again.schedule)).toBe(text);
  });

  it("an explorer's counterexample and replay handle are kprim3", () => {
    const p = prepare({ scenario: "lockmgr-upgrade-vs-exclusive", variant: "SPIN+TI" });
    const r = explore((req) => p.build(req), { mode: { kind: "dpor" } });
    if (r.kind !== "found") throw new Error(`expected a finding, got ${r.kind}`);
    expect(r.shrunk).toMatch(/^kprim3:lockmgr-upgrade-vs-exclusive:SPIN\+TI::::/);
    expect(r.replay).toMatch(/--schedule 'kprim3:/);
    expect(replayText(r.shrunk).outcome).toMatchObject(UPGRADE_PANIC);
  });
});
