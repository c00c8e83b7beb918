/**
 * Reading pan's output and mapping it to kprim's verdicts (no SPIN run:
 * the outputs are pan 6.5.2's, trimmed).
 */
import { describe, expect, it } from "vitest";
import { spinVerdict } from "../src/groups/spin.js";
import { parsePan } from "../src/spin/pan.js";

const NO_ERROR = `
(Spin Version 6.5.2 -- 6 December 2019)
Full statespace search for:
	assertion violations	+
	invalid end states	+
State-vector 88 byte, depth reached 72, errors: 0
      563 states, stored
`;
const LOST = `
pan:1: assertion violated  !(lost_wakeup) (at depth 53)
pan: wrote m.pml.trail
	assertion violations	+
	invalid end states	+
State-vector 88 byte, depth reached 53, errors: 1
      216 states, stored
`;
const DISCIPLINE = LOST.replace("!(lost_wakeup) (at depth 53)", "!(interlock_discipline) (at depth 20)");
const END_STATE = `
pan:1: invalid end state (at depth 12)
	invalid end states	+
State-vector 88 byte, depth reached 12, errors: 1
`;

describe("parsePan", () => {
  it("reads a clean full search, an assertion and an invalid end state", () => {
    expect(parsePan(NO_ERROR)).toEqual({ kind: "no-error", states: 563, depth: 72 });
    expect(parsePan(LOST)).toEqual({ kind: "assertion", expression: "!(lost_wakeup)", depth: 53 });
    expect(parsePan(END_STATE)).toEqual({ kind: "invalid-end-state", depth: 12 });
  });

  it("calls a search that hit the depth limit, or unreadable output, incomplete", () => {
    expect(parsePan(`${NO_ERROR}error: max search depth too small\n`)).toMatchObject({ kind: "incomplete" });
    expect(parsePan("Segmentation fault")).toEqual({ kind: "incomplete", why: "pan printed no error count" });
  });
});

describe("spinVerdict", () => {
  it("names pan's verdicts after kprim's detectors", () => {
    expect([NO_ERROR, LOST, DISCIPLINE, END_STATE].map((o) => spinVerdict(parsePan(o)))).toEqual([
      "no failure",
      "lost-wakeup",
      "interlock-discipline",
      "deadlock",
    ]);
    expect(spinVerdict({ kind: "incomplete", why: "timeout" })).toBe("inconclusive");
  });
});
