import { describe, expect, it } from "vitest";
import {
  type ConsoleLine,
  formatContains,
  formatMatches,
  MACHINE_RAISES,
  mergeRaises,
  type Outcome,
  showFormat,
  undeclared,
} from "../src/index.js";

const LOCKED = "getnewbuf: warning, locked buf %p, race corrected";

describe("declared formats", () => {
  it("match a message as a whole, holes standing for any text", () => {
    expect(formatMatches(LOCKED, "getnewbuf: warning, locked buf 0xc7400000, race corrected")).toBe(true);
    expect(formatMatches(LOCKED, "getnewbuf: warning, locked buf , race corrected")).toBe(true);
    expect(formatMatches(LOCKED, "getnewbuf: warning, locked buf 0xc7400000")).toBe(false);
    expect(formatMatches("%s exited holding %d spinlock(s)", "T_a exited holding 2 spinlock(s)")).toBe(true);
    expect(formatMatches("100%% sure", "100% sure")).toBe(true);
    expect(formatMatches("100%% sure", "1005 sure")).toBe(false);
  });

  it("contain a target's text when it can be part of some message (anywhere, across holes)", () => {
    for (const text of [
      "getnewbuf: warning",
      "getnewbuf: warning, locked buf",
      "race corrected",
      "locked buf 0xc74",
      "0xc7400000, race",
      "d buf",
    ]) {
      expect(formatContains(LOCKED, text), text).toBe(true);
    }
    for (const text of [
      "getnewbuf: warnig",
      "race corected",
      "BUF_LOCK blocked",
      "race corrected!",
      "a warning, locked",
    ]) {
      expect(formatContains(LOCKED, text), text).toBe(false);
    }
    expect(formatContains("non-zero exclusive count", "exclusive")).toBe(true);
    expect(showFormat(LOCKED)).toBe("getnewbuf: warning, locked buf …, race corrected");
  });
});

describe("a run's vocabulary", () => {
  const vocabulary = mergeRaises(MACHINE_RAISES, {
    violations: ["lost-wakeup", "spinlock-blocking"],
    console: [LOCKED],
    panics: ["lockmgr: non-zero exclusive count"],
  });

  it("merges declarations without duplicates", () => {
    expect(vocabulary.violations).toEqual(["spinlock-blocking", "crit-count", "lost-wakeup"]);
    expect(vocabulary.console).toEqual([LOCKED]);
    expect(vocabulary.panics).toContain("lockmgr: non-zero exclusive count");
  });

  it("names the first thing a run showed that nothing declares", () => {
    const line = (text: string): ConsoleLine => ({ step: 1, cpu: 0, thread: "T", text });
    const ok: Outcome = { kind: "ok" };
    expect(undeclared(vocabulary, ok, [line("getnewbuf: warning, locked buf 0x1, race corrected")])).toBeNull();
    expect(undeclared(vocabulary, ok, [line("hello")])).toBe('console line "hello"');
    const panic: Outcome = { kind: "panic", message: "lockmgr: count too small", thread: "T", step: 3 };
    expect(undeclared(vocabulary, panic, [])).toBe('panic "lockmgr: count too small"');
    const violation: Outcome = {
      kind: "violation",
      detector: "lost-wakeup",
      message: "m",
      step: 2,
      threads: [],
      reports: [
        { detector: "lost-wakeup", message: "m", threads: [] },
        { detector: "mine", message: "m", threads: [] },
      ],
    };
    expect(undeclared(vocabulary, violation, [])).toBe('a violation reported by detector "mine"');
    expect(undeclared(vocabulary, { kind: "deadlock", waiters: [], step: 4 }, [])).toBeNull();
  });
});
