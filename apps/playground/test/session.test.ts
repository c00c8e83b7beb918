/**
 * A step session: stepping by hand, following a plan (a whole schedule from
 * a link, a seeded run or a finding) with the timeline's document — the
 * racy window and labels of the whole run — and the link that reopens it.
 */
import { explore } from "@kprim/explore";
import { expectOutcome, formatSchedule, parseSchedule, random } from "@kprim/machine";
import { prepare, scenarioFactory } from "@kprim/scenarios";
import { describe, expect, it } from "vitest";
import { Session } from "../src/session.js";
import { formatHash, parseHash } from "../src/url.js";

/** R3 as the README's picture runs it: lockmgr-lost-wakeup, spin-naive, random seed 60. */
function r3(): string {
  const p = prepare({ scenario: "lockmgr-lost-wakeup", variant: "SPIN-naive" });
  return formatSchedule(scenarioFactory(p)({ strategy: random({ seed: 60 }) }).run().schedule);
}

describe("a step session", () => {
  it("steps by hand from the first step to the end, offering the enabled choices with their ops", () => {
    const s = Session.fromSpec(
      { scenario: "lockmgr-lost-wakeup", variant: "SPIN+TI", options: {}, params: {} },
      "failure",
    );
    expect(s.step).toBe(0);
    expect(s.planLength).toBeNull();
    expect(s.state.options.map((o) => o.text)).toEqual(["cpu1: step T_h (cmpxchg L.interlock)"]);
    while (s.state.options.length === 1) s.next();
    expect(s.state.options.map((o) => o.text)).toEqual([
      expect.stringMatching(/^cpu0: step T_w \(/),
      expect.stringMatching(/^cpu1: step T_h \(/),
    ]);
    expect(s.wholeRun()).toBeNull();
    expect(s.replayCommand()).toBeNull();
    s.toEnd();
    expect(s.state.result).not.toBeNull();
    expectOutcome(s.state.result!, "ok");
    expect(s.found()).toBe(false);
    // Judged by "failure": the schedule's run field is empty.
    expect(s.replayCommand()).toMatch(
      /^kprim replay lockmgr-lost-wakeup --schedule 'kprim3:lockmgr-lost-wakeup:SPIN\+TI::::[^:]+'$/,
    );
  });

  it("follows a schedule: the whole run's document, with the window and labels, and a cursor at the step", () => {
    const s = Session.fromSchedule(r3(), "failure", 12);
    expect(s.step).toBe(12);
    expect(s.planLength).toBe(19);
    expect(s.found()).toBe(true);
    const doc = s.document();
    expect([doc.window?.fromStep, doc.window?.toStep]).toEqual([12, 19]);
    expect(doc.labels?.map((l) => `${l.step} ${l.role}`)).toEqual(["12 observe", "15 cause", "16 missed", "17 stuck"]);
    const at = s.cursorIndex(doc);
    expect(doc.events[at]!.step).toBe(12);
    expect(doc.events[at + 1]!.step).toBeGreaterThan(12);
    expect(s.settings()).toContainEqual({ name: "interlock", value: "spin-naive" });
    expect(s.variantName()).toBe("SPIN-naive");
  });

  it("walks the plan forward and back, and leaves it for a choice it does not take", () => {
    const s = Session.fromSchedule(r3(), "failure", 0);
    s.next();
    s.next();
    expect(s.step).toBe(2);
    s.back();
    expect(s.step).toBe(1);
    s.goTo(16);
    expect(s.step).toBe(16);
    const planned = s.plannedChoice();
    const other = s.state.options.findIndex((o) => o.choice !== planned);
    expect(other).toBeGreaterThanOrEqual(0);
    s.take(other);
    expect(s.planLength).toBeNull();
    expect(s.wholeRun()).toBeNull();
    // The run so far: no window, no failure yet, only what happened.
    const doc = s.document();
    expect(doc.window).toBeUndefined();
    expect(doc.outcome).toEqual({ kind: "ok" });
    expect(doc.events.at(-1)!.step).toBeLessThanOrEqual(17);
    expect(s.eventsSoFar()).toEqual(doc.events);
  });

  it("goes to the end in one run from the steps taken by hand, which then become the plan", () => {
    const s = Session.fromSpec(
      { scenario: "lockmgr-lost-wakeup", variant: "SPIN-naive", options: {}, params: {} },
      "failure",
    );
    while (s.state.options.length < 2) s.next();
    s.take(1);
    const taken = [...s.state.taken];
    s.toEnd();
    expect(s.planHow).toBe(`by hand to step ${taken.length}, then first choices`);
    expect(s.state.result).not.toBeNull();
    expect(s.state.taken.slice(0, taken.length)).toEqual(taken);
    expect(s.step).toBe(s.planLength);
  });

  it("runs once with a seeded strategy and follows that run", () => {
    const s = Session.fromSpec(
      { scenario: "lockmgr-lost-wakeup", variant: "SPIN-naive", options: {}, params: {} },
      "failure",
    );
    s.runWith("random", 60);
    expect(s.schedule()).toBe(r3());
    expect(s.planHow).toBe("random(seed=60)");
    s.runWith("pct", 1);
    expect(s.planHow).toMatch(/^pct\(seed=1, d=3, steps=\d+\)$/);
  });

  it("gives a link that reopens the same run at the same step, its schedule judged by the session's signal", () => {
    const s = Session.fromSchedule(r3(), "violation:lost-wakeup", 0);
    s.goTo(15);
    const hash = formatHash(s.link());
    expect(hash).toContain("schedule=kprim3:lockmgr-lost-wakeup:SPIN-naive:::");
    const u = parseHash(hash);
    expect(parseSchedule(u.schedule!).header.signal).toBe("violation:lost-wakeup");
    expect(s.replayCommand()).toContain(":signal=violation%3Alost-wakeup:");
    // The schedule's header says how it was judged, and wins over a signal given beside it.
    const again = Session.fromSchedule(u.schedule!, "failure", u.at);
    expect(again.step).toBe(15);
    expect(again.schedule()).toBe(s.schedule());
    expect(again.signal).toBe("violation:lost-wakeup");
  });

  it("replays a schedule that ended at its step limit to the same limit, and keeps the limit in its link", () => {
    const choices = parseSchedule(r3()).choices.slice(0, 10);
    const p = prepare({ scenario: "lockmgr-lost-wakeup", variant: "SPIN-naive" });
    const text = formatSchedule({ header: { ...p.header, signal: "step-limit", maxSteps: 10 }, choices });
    const s = Session.fromSchedule(text, "failure", 4);
    expect(s.step).toBe(4);
    expect(s.planLength).toBe(10);
    expectOutcome(s.wholeRun()!, "step-limit");
    expect(s.found()).toBe(true);
    expect(s.schedule()).toBe(text);
    expect(parseSchedule(parseHash(formatHash(s.link())).schedule!).header.maxSteps).toBe(10);
  });

  it("refuses a signal nothing in the run can raise, naming the nearest one", () => {
    expect(() =>
      Session.fromSpec(
        { scenario: "lockmgr-lost-wakeup", variant: "SPIN+TI", options: {}, params: {} },
        "violation:lost-wakeupp",
      ),
    ).toThrow(/did you mean "violation:lost-wakeup"/);
  });

  it("reopens a link to an unfinished session at its last step, with no plan", () => {
    const s = Session.fromSpec(
      { scenario: "lockmgr-lost-wakeup", variant: "SPIN+TI", options: {}, params: {} },
      "failure",
    );
    for (let i = 0; i < 5; i++) s.next();
    const u = parseHash(formatHash(s.link()));
    const again = Session.fromSchedule(u.schedule!, "failure", u.at);
    expect(again.step).toBe(5);
    expect(again.planLength).toBeNull();
    expect(again.state.schedule).toBe(s.state.schedule);
  });

  it("opens an exploration's shrunk finding of R1 with the warning as its failure point", () => {
    const p = prepare({ scenario: "getnewbuf-locked-buf", variant: "TOK" });
    const signal = "console:getnewbuf: warning, locked buf";
    const r = explore(scenarioFactory(p), { mode: { kind: "dpor" }, target: signal });
    expect(r.kind).toBe("found");
    const s = Session.fromSchedule(r.kind === "found" ? r.shrunk : "", signal, 0, "dpor (shrunk)");
    const doc = s.document();
    expect(doc.outcome.kind).toBe("ok");
    expect(doc.failurePoint?.text).toMatch(/^console: getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected$/);
    expect(doc.labels?.map((l) => l.role)).toEqual(["observe", "cause", "report", "report"]);
    expect(s.found()).toBe(true);
  });
});
