/**
 * The evidence contract (detector.ts): a finding names the steps it relies
 * on and the violation keeps them; after a traced run, detectors explain
 * console lines, the panic and reports that came without evidence — and are
 * never asked when the run kept no trace.
 */
import { describe, expect, it } from "vitest";
import { createMachine, type Detector, type Explainable, roundRobin } from "../src/index.js";

function counterMachine(trace: boolean) {
  const m = createMachine({ cpus: 1, strategy: roundRobin(), trace });
  const c = m.cell("c", 0);
  m.spawn({
    cpu: 0,
    name: "T",
    *body(k) {
      for (let i = 0; i < 4; i++) {
        yield* k.add(c, 1);
        if (i === 1) k.printf("half way");
      }
    },
  });
  return { m, c };
}

describe("evidence", () => {
  it("a finding's evidence is kept in its report; a finding without any has none", () => {
    const { m, c } = counterMachine(false);
    let wrote2 = -1;
    m.addDetector({
      name: "at3",
      onStep(s, v) {
        if (v.peek(c) === 2) wrote2 = s.index;
        if (v.peek(c) !== 3) return undefined;
        return {
          message: "c is 3",
          threads: [s.thread],
          evidence: [
            { step: wrote2, thread: s.thread, label: "makes c 2", role: "cause" },
            { step: s.index, thread: s.thread, label: "makes c 3", role: "report" },
          ],
        };
      },
    });
    m.addDetector({ name: "plain", onStep: (_s, v) => (v.peek(c) === 3 ? { message: "also 3" } : undefined) });
    const r = m.run();
    if (r.outcome.kind !== "violation") throw new Error("expected a violation");
    expect(r.outcome.reports[0]).toEqual({
      detector: "at3",
      message: "c is 3",
      threads: [0],
      evidence: [
        { step: 2, thread: 0, label: "makes c 2", role: "cause" },
        { step: 3, thread: 0, label: "makes c 3", role: "report" },
      ],
    });
    expect(r.outcome.reports[1]).toEqual({ detector: "plain", message: "also 3", threads: [] });
  });

  it("after a traced run, detectors explain the console lines and reports without evidence", () => {
    const { m, c } = counterMachine(true);
    const asked: string[] = [];
    const explainer: Detector = {
      name: "explainer",
      explain(what: Explainable, trace) {
        asked.push(what.kind === "violation" ? `violation:${what.report.detector}` : what.kind);
        if (what.kind !== "console") return undefined;
        const adds = trace.filter((e) => e.kind === "op" && e.step <= what.line.step);
        return [{ step: adds[0]!.step, thread: 0, label: "first add", role: "observe" }];
      },
    };
    m.addDetector(explainer);
    m.addDetector({ name: "at4", onStep: (_s, v) => (v.peek(c) === 4 ? { message: "c is 4" } : undefined) });
    const r = m.run();
    expect(r.console.map((l) => l.text)).toEqual(["half way"]);
    expect(asked).toEqual(["console", "violation:at4"]);
    expect(r.explanations).toEqual([
      {
        about: { kind: "console", index: 0 },
        by: "explainer",
        evidence: [{ step: 1, thread: 0, label: "first add", role: "observe" }],
      },
    ]);
  });

  it("explains a panic", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin(), trace: true });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.nop("look");
        yield* k.nop("leap");
        k.panic("boom");
      },
    });
    m.addDetector({
      name: "why",
      explain: (what) =>
        what.kind === "panic" ? [{ step: 1, thread: 0, label: `looked before "${what.outcome.message}"` }] : undefined,
    });
    const r = m.run();
    expect(r.outcome).toMatchObject({ kind: "panic", step: 2 });
    expect(r.explanations).toEqual([
      { about: { kind: "panic" }, by: "why", evidence: [{ step: 1, thread: 0, label: 'looked before "boom"' }] },
    ]);
  });

  it("asks nothing when the run kept no trace", () => {
    const { m } = counterMachine(false);
    let asked = 0;
    m.addDetector({ name: "explainer", explain: () => (asked++, undefined) });
    const r = m.run();
    expect(r.console).toHaveLength(1);
    expect(asked).toBe(0);
    expect(r.explanations).toEqual([]);
  });
});
