import { type ConsoleLine, MACHINE_RAISES, mergeRaises, type Outcome, UndeclaredError } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import {
  checkSignal,
  explore,
  failureKind,
  formatSignal,
  matchSignal,
  parseSignal,
  SignalError,
} from "../src/index.js";
import { factoryOf, lostUpdate } from "../src/examples.js";

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
    expect(() => parseSignal("panick")).toThrow(
      /^unknown signal "panick" \(did you mean "panic"\?\); signals: console:<text>/,
    );
    expect(() => parseSignal("console:")).toThrow("console needs a text");
    expect(() => parseSignal("violation")).toThrow("violation needs a detector");
    expect(() => parseSignal("any:x")).toThrow("any takes no argument");
    expect(() => parseSignal("violaton:lost-wakeup")).toThrow(
      'unknown signal "violaton:lost-wakeup" (did you mean "violation:lost-wakeup"?); signals: console:<text>',
    );
    expect(() => parseSignal("deadlok")).toThrow('unknown signal "deadlok" (did you mean "deadlock"?)');
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

describe("a target is something the run can raise", () => {
  const vocabulary = mergeRaises(MACHINE_RAISES, {
    violations: ["lost-wakeup", "interlock-discipline"],
    panics: ["lockmgr: non-zero exclusive count", "tsleep(%s): called at interrupt level"],
    console: ["getnewbuf: warning, locked buf %p, race corrected"],
  });
  const check = (s: string): void => checkSignal(parseSignal(s), vocabulary);

  it("accepts what some declaration covers, and the targets every run has", () => {
    for (const s of [
      "violation:lost-wakeup",
      "violation:spinlock-blocking",
      "console:getnewbuf: warning",
      "console:locked buf 0xc7400000, race",
      "panic",
      "panic:exclusive count",
      "panic:tsleep(X): called",
      "failure",
      "any",
      "deadlock",
      "step-limit",
    ]) {
      expect(() => check(s), s).not.toThrow();
    }
  });

  it("refuses a detector no one installs, naming the nearest and listing them", () => {
    expect(() => check("violation:lost-wakup")).toThrow(SignalError);
    expect(() => check("violation:lost-wakup")).toThrow(
      'signal "violation:lost-wakup": no detector of this run reports "lost-wakup" (did you mean "violation:lost-wakeup"?); its detectors: spinlock-blocking, crit-count, lost-wakeup, interlock-discipline',
    );
    expect(() => check("violation:nope")).toThrow(/no detector of this run reports "nope"; its detectors: /);
  });

  it("refuses console text and panic text that no declared message can contain, with the nearest", () => {
    expect(() => check("console:getnewbuf: warnig")).toThrow(
      'signal "console:getnewbuf: warnig": no console line of this run can contain "getnewbuf: warnig" (did you mean "console:getnewbuf: warning"?); its console lines: "getnewbuf: warning, locked buf …, race corrected"',
    );
    expect(() => check("console:BUF_LOCK blocked unexpectedly")).toThrow(
      /no console line of this run can contain "BUF_LOCK blocked unexpectedly"; its console lines: /,
    );
    expect(() => check("panic:non-zero exclusive cont")).toThrow(
      'signal "panic:non-zero exclusive cont": no panic of this run can have a message containing "non-zero exclusive cont" (did you mean "panic:non-zero exclusive count"?)',
    );
    expect(() => checkSignal(parseSignal("console:x"), mergeRaises({}))).toThrow(/this run prints no console lines/);
  });

  it("explore refuses it before running anything", () => {
    let built = 0;
    const f = factoryOf(lostUpdate(2));
    const counted: typeof f = (req) => (built++, f(req));
    const raises = mergeRaises(MACHINE_RAISES, { violations: ["lost-update"] });
    expect(() => explore(counted, { mode: { kind: "dpor" }, target: "violation:lost-updat", raises })).toThrow(
      '(did you mean "violation:lost-update"?)',
    );
    expect(built).toBe(0);
    const r = explore(counted, { mode: { kind: "dpor" }, target: "violation:lost-update", raises });
    expect(r.kind).toBe("found");
  });

  it("an execution that shows something undeclared stops the exploration, naming it", () => {
    const f = factoryOf(lostUpdate(2));
    expect(() => explore(f, { mode: { kind: "dpor" }, raises: mergeRaises(MACHINE_RAISES) })).toThrow(UndeclaredError);
    expect(() =>
      explore(f, { mode: { kind: "random", seed: 1, runs: 50 }, raises: mergeRaises(MACHINE_RAISES) }),
    ).toThrow(
      'lost-update-2: a run showed a violation reported by detector "lost-update", which nothing in the run declares (the layers, the interlock and the scenario say what they raise in `raises`)',
    );
  });
});
