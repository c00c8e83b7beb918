import type { ConsoleLine, Outcome } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { failureKind, formatSignal, matchSignal, parseSignal, SignalError } from "../src/index.js";

const ok: Outcome = { kind: "ok" };
const panic: Outcome = { kind: "panic", message: "lockmgr: non-zero exclusive count", thread: "T0", step: 3 };
const violation: Outcome = {
  kind: "violation",
  detector: "lost-wakeup",
  message: "m",
  step: 9,
  threads: [1],
  reports: [
    { detector: "lost-wakeup", message: "m", threads: [1] },
    { detector: "crit-count", message: "n", threads: [1] },
  ],
};
const line = (text: string): ConsoleLine => ({ step: 1, cpu: 0, thread: "T0", text });

describe("target signals (matrix.json grammar)", () => {
  it("parses and prints every form", () => {
    for (const s of [
      "console:getnewbuf: warning, locked buf",
      "panic",
      "panic:non-zero exclusive count",
      "violation:lost-wakeup",
      "deadlock",
      "step-limit",
      "failure",
      "any",
    ]) {
      expect(formatSignal(parseSignal(s))).toBe(s);
    }
    expect(parseSignal("console:a:b")).toEqual({ kind: "console", text: "a:b" });
  });

  it("bad signals are one-line SignalErrors", () => {
    expect(() => parseSignal("panick")).toThrow(SignalError);
    expect(() => parseSignal("panick")).toThrow(/^unknown signal "panick"; signals: console:<text>/);
    expect(() => parseSignal("console:")).toThrow("console needs a text");
    expect(() => parseSignal("violation")).toThrow("violation needs a detector");
    expect(() => parseSignal("any:x")).toThrow("any takes no argument");
  });

  it("matches outcomes and console lines as the grammar says", () => {
    expect(matchSignal(parseSignal("failure"), ok, [line("warning")])).toBe(false);
    expect(matchSignal(parseSignal("any"), ok, [line("warning")])).toBe(true);
    expect(matchSignal(parseSignal("any"), ok, [])).toBe(false);
    expect(matchSignal(parseSignal("console:locked buf"), ok, [line("getnewbuf: warning, locked buf 0x1")])).toBe(true);
    expect(matchSignal(parseSignal("panic:exclusive count"), panic, [])).toBe(true);
    expect(matchSignal(parseSignal("panic:shared count"), panic, [])).toBe(false);
    expect(matchSignal(parseSignal("violation:crit-count"), violation, [])).toBe(true);
    expect(matchSignal(parseSignal("violation:stale-read"), violation, [])).toBe(false);
    expect(matchSignal(parseSignal("failure"), panic, [])).toBe(true);
  });

  it("names the failure kind a shrunk schedule must keep", () => {
    expect(failureKind(panic)).toBe("panic:lockmgr: non-zero exclusive count");
    expect(failureKind(violation)).toBe("violation:crit-count,lost-wakeup");
    expect(failureKind(ok)).toBe("ok");
  });
});
