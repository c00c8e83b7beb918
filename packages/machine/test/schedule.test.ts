import { describe, expect, it } from "vitest";
import {
  checkHeader,
  ChoiceKind,
  formatSchedule,
  makeChoice,
  parseSchedule,
  type Schedule,
  ScheduleError,
} from "../src/index.js";

const sched: Schedule = {
  header: { scenario: "lost-wakeup", variant: "SPIN+TI", options: { tokenMode: "yield" }, params: { sleepers: "2" } },
  choices: [
    makeChoice(0, ChoiceKind.step),
    makeChoice(0, ChoiceKind.step),
    makeChoice(0, ChoiceKind.step),
    makeChoice(1, ChoiceKind.ipi, 0),
    makeChoice(0, ChoiceKind.interrupt, 3),
    makeChoice(1, ChoiceKind.timeout, 2),
    makeChoice(1, ChoiceKind.dispatch),
    makeChoice(17, ChoiceKind.step),
  ],
};

describe("schedule strings", () => {
  it("print short and stable, with a header and run-length repeats", () => {
    expect(formatSchedule(sched)).toBe("kprim1:lost-wakeup:SPIN+TI:tokenMode=yield:sleepers=2:0sx3.1i0.0p3.1t2.1d.17s");
  });

  it("round-trip", () => {
    expect(parseSchedule(formatSchedule(sched))).toEqual(sched);
  });

  it("reject malformed strings with one clear line", () => {
    expect(() => parseSchedule("hello")).toThrow(ScheduleError);
    expect(() => parseSchedule("hello")).toThrow('malformed schedule: it must start with "kprim1:"');
    expect(() => parseSchedule("kprim9:a:b:::0s")).toThrow("schedule format kprim9 is not supported");
    expect(() => parseSchedule("kprim1:a:b::0s")).toThrow(/expected 6 ':'-separated fields/);
    expect(() => parseSchedule("kprim1:a:b:::0s.0q")).toThrow('choice 2 "0q" is not a choice');
    expect(() => parseSchedule("kprim1:a:b:::0sx0")).toThrow('choice 1 "0sx0"');
    expect(() => parseSchedule("kprim1:a:b:::0i")).toThrow(/choice 1/);
    expect(() => parseSchedule("kprim1:a:b:oops::0s")).toThrow('option "oops" is not key=value');
  });

  it("header mismatches name the field", () => {
    const h = sched.header;
    expect(() => checkHeader(h, { ...h, scenario: "other" })).toThrow(
      'schedule is for scenario "other", not "lost-wakeup"',
    );
    expect(() => checkHeader(h, { ...h, variant: "TOK" })).toThrow('variant "TOK", not "SPIN+TI"');
    expect(() => checkHeader(h, { ...h, params: { sleepers: "3" } })).toThrow(/params "sleepers=3" differ/);
    expect(() => checkHeader(h, { ...h })).not.toThrow();
  });
});
