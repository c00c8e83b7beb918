/**
 * The racy window and the labels from a failure's evidence (src/evidence.ts):
 * a violation's own evidence, a panic or a console line a detector explains,
 * the locks and blocking points of the trace when nobody gave any — the
 * window runs from the earliest piece to the failure, not from where the
 * threads began.
 */
import { createMachine, type Detector, expectOutcome, type Machine, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { documentFromRun, failureEvidence, racyWindow } from "../src/index.js";
import "../src/locks.js";

/** One cpu, thread T doing `n` nops then `end`. */
function machine(n: number, end: (k: Parameters<Parameters<Machine["spawn"]>[0]["body"]>[0]) => void = () => {}) {
  const m = createMachine({ cpus: 1, strategy: roundRobin(), trace: true });
  m.spawn({
    cpu: 0,
    name: "T",
    *body(k) {
      for (let i = 1; i <= n; i++) yield* k.nop(`step ${i}`);
      end(k);
    },
  });
  return m;
}

describe("the window from evidence", () => {
  it("runs from a violation's earliest evidence to the failure, and labels each piece", () => {
    const m = machine(8);
    m.addDetector({
      name: "seven",
      onStep: (s) =>
        s.index === 7
          ? {
              message: "seven",
              threads: [0],
              evidence: [
                { step: 5, thread: 0, label: "changes it", role: "cause" },
                { step: 3, thread: 0, label: "looks", role: "observe" },
                { step: 6, label: "nobody woken", role: "missed" },
              ],
            }
          : undefined,
    });
    const r = m.run();
    expect(racyWindow(r)).toEqual({
      fromStep: 3,
      toStep: 7,
      reason: "step 3: T looks; step 5: T changes it; step 6: nobody woken",
    });
    expect(documentFromRun(r).labels).toEqual([
      { step: 3, thread: 0, label: "looks", role: "observe" },
      { step: 5, thread: 0, label: "changes it", role: "cause" },
      { step: 6, thread: -1, label: "nobody woken", role: "missed" },
    ]);
  });

  it("keeps one piece per step, thread and role when two reports name the same step", () => {
    const m = machine(5);
    const both = (name: string, label: string): Detector => ({
      name,
      onStep: (s) =>
        s.index === 4
          ? { message: name, threads: [0], evidence: [{ step: 2, thread: 0, label, role: "stuck" }] }
          : undefined,
    });
    m.addDetector(both("a", "sleeps for good"));
    m.addDetector(both("b", "sleeps in acquire"));
    expect(failureEvidence(m.run())).toEqual([{ step: 2, thread: 0, label: "sleeps for good", role: "stuck" }]);
  });

  it("takes a panic's evidence from the detector that explains it", () => {
    const m = machine(6, (k) => k.panic("boom"));
    m.addDetector({
      name: "why",
      explain: (what) =>
        what.kind === "panic" ? [{ step: 4, thread: 0, label: "set it up", role: "cause" }] : undefined,
    });
    const r = m.run();
    expect(r.outcome).toMatchObject({ kind: "panic", step: 6 });
    expect(racyWindow(r)).toEqual({ fromStep: 4, toStep: 6, reason: "step 4: T set it up" });
  });

  it("makes an explained console line the failure point of a run that ended ok", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin(), trace: true });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        for (let i = 1; i <= 6; i++) {
          yield* k.nop(`step ${i}`);
          if (i === 2) k.printf("first, unexplained");
          if (i === 5) k.printf("warning: raced");
        }
      },
    });
    m.addDetector({
      name: "warnings",
      explain: (what) =>
        what.kind === "console" && what.line.text.startsWith("warning")
          ? [
              { step: 3, thread: 0, label: "observes", role: "observe" },
              { step: 5, thread: 0, label: "warns", role: "report" },
            ]
          : undefined,
    });
    const r = m.run();
    expectOutcome(r, "ok");
    const doc = documentFromRun(r);
    expect(doc.failurePoint).toEqual({ step: 5, text: "console: warning: raced" });
    expect(doc.window).toEqual({ fromStep: 3, toStep: 5, reason: "step 3: T observes; step 5: T warns" });
    expect(doc.labels?.map((l) => l.label)).toEqual(["observes", "warns"]);
    // The line the caller looked for wins over the first explained one, evidence or not.
    const looked = documentFromRun(r, { console: "unexplained" });
    expect(looked.failurePoint).toEqual({ step: 2, text: "console: first, unexplained" });
    expect(looked.window).toBeUndefined();
    expect(looked.labels).toEqual([]);
  });

  it("starts a report without evidence at the lock its thread still holds, and marks where it blocked", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin(), trace: true });
    const t = m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.nop("before");
        yield* k.atomic("take S", {}, (tx) => tx.event("lock.acquire", "S", "spin:S"));
        yield* k.atomic("take and drop U", {}, (tx) => {
          tx.event("lock.acquire", "U", "spin:U");
          tx.event("lock.release", "U", "spin:U");
        });
        yield* k.nop("work");
        yield* k.atomic("sleep", {}, (tx) => tx.block("asleep on X"));
      },
    });
    m.addDetector({
      name: "blocking",
      onStep: (s) =>
        s.events.some((e) => e.kind === "block") ? { message: "blocked holding S", threads: [t.id] } : undefined,
    });
    const r = m.run();
    expect(r.outcome).toMatchObject({ kind: "violation", step: 5 });
    expect(failureEvidence(r)).toEqual([
      { step: 2, thread: 0, label: "takes S", role: "cause" },
      { step: 5, thread: 0, label: "blocks (asleep on X)", role: "stuck" },
    ]);
    expect(racyWindow(r)).toMatchObject({ fromStep: 2, toStep: 5 });
  });

  it("starts a deadlock's window where the first of its waiters stopped", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    for (const cpu of [0, 1]) {
      m.spawn({
        cpu,
        name: `W${cpu}`,
        *body(k) {
          for (let i = 0; i < 2 + 2 * cpu; i++) yield* k.nop("work");
          yield* k.atomic("sleep", {}, (tx) => tx.block(`asleep on X${cpu}`));
        },
      });
    }
    const r = m.run();
    if (r.outcome.kind !== "deadlock") throw new Error("expected a deadlock");
    const blocks = r.trace!.filter((e) => e.kind === "block").map((e) => e.step);
    expect(failureEvidence(r).map((l) => [l.step, l.label])).toEqual([
      [blocks[0], "blocks (asleep on X0)"],
      [blocks[1], "blocks (asleep on X1)"],
    ]);
    expect(racyWindow(r)).toMatchObject({ fromStep: blocks[0], toStep: r.outcome.step });
  });
});
