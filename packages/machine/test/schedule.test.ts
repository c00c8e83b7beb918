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
    expect(formatSchedule(sched)).toBe(
      "kprim3:lost-wakeup:SPIN+TI:tokenMode=yield:sleepers=2::0sx3.1i0.0p3.1t2.1d.17s",
    );
  });

  it("round-trip", () => {
    expect(parseSchedule(formatSchedule(sched))).toEqual(sched);
  });

  it("carry the signal and the step limit the verdict depends on, shell-safe whatever the signal's text", () => {
    const s: Schedule = {
      ...sched,
      header: { ...sched.header, signal: "console:getnewbuf: warning, locked buf 'x' 100%", maxSteps: 8 },
    };
    const text = formatSchedule(s);
    expect(text).toBe(
      "kprim3:lost-wakeup:SPIN+TI:tokenMode=yield:sleepers=2:maxSteps=8,signal=console%3Agetnewbuf%3A%20warning%2C%20locked%20buf%20%27x%27%20100%25:0sx3.1i0.0p3.1t2.1d.17s",
    );
    expect(text).toMatch(/^[\w.~+\-@/%:,=]+$/);
    expect(parseSchedule(text)).toEqual(s);
  });

  it("carry option and parameter values with any characters (a plugin's layer name, say)", () => {
    const s: Schedule = { ...sched, header: { ...sched.header, options: { "layer.sleepq": "my sleepq: v2, fixed" } } };
    const text = formatSchedule(s);
    expect(text).toContain(":layer.sleepq=my%20sleepq%3A%20v2%2C%20fixed:");
    expect(parseSchedule(text)).toEqual(s);
  });

  it("of a machine built by hand (no scenario name) parse, in every format", () => {
    const bare: Schedule = { header: { scenario: "", variant: "", options: {}, params: {} }, choices: sched.choices };
    const old: Schedule = { ...bare, header: { ...bare.header, dispatch: "same-step" } };
    expect(formatSchedule(bare)).toBe("kprim3::::::0sx3.1i0.0p3.1t2.1d.17s");
    expect(parseSchedule(formatSchedule(bare))).toEqual(bare);
    expect(parseSchedule("kprim2::::::0sx3.1i0.0p3.1t2.1d.17s")).toEqual(old);
    expect(parseSchedule("kprim1:::::0sx3.1i0.0p3.1t2.1d.17s")).toEqual(old);
  });

  it("of the previous formats (kprim1, kprim2) still parse, to the same choices under the same-step dispatch they were recorded with", () => {
    const old: Schedule = { ...sched, header: { ...sched.header, dispatch: "same-step" } };
    expect(parseSchedule("kprim1:lost-wakeup:SPIN+TI:tokenMode=yield:sleepers=2:0sx3.1i0.0p3.1t2.1d.17s")).toEqual(old);
    expect(parseSchedule("kprim2:lost-wakeup:SPIN+TI:tokenMode=yield:sleepers=2::0sx3.1i0.0p3.1t2.1d.17s")).toEqual(
      old,
    );
  });

  it("of a run under the same-step dispatch print as kprim2 (the format that model was recorded in), and round-trip", () => {
    const old: Schedule = { ...sched, header: { ...sched.header, dispatch: "same-step", maxSteps: 8 } };
    const text = formatSchedule(old);
    expect(text).toBe("kprim2:lost-wakeup:SPIN+TI:tokenMode=yield:sleepers=2:maxSteps=8:0sx3.1i0.0p3.1t2.1d.17s");
    expect(parseSchedule(text)).toEqual(old);
    // "separate" is the default: written as kprim3 and read back without the field.
    expect(formatSchedule({ ...sched, header: { ...sched.header, dispatch: "separate" } })).toBe(formatSchedule(sched));
  });

  it("reject malformed strings with one clear line", () => {
    expect(() => parseSchedule("hello")).toThrow(ScheduleError);
    expect(() => parseSchedule("hello")).toThrow(
      'malformed schedule: it must start with "kprim3:" (or "kprim2:", "kprim1:")',
    );
    expect(() => parseSchedule("kprim9:a:b:::0s")).toThrow(
      "schedule format kprim9 is not supported (this kprim reads kprim3, kprim2 and kprim1)",
    );
    expect(() => parseSchedule("kprim1:a:b::0s")).toThrow(/kprim1: expected 6 ':'-separated fields/);
    expect(() => parseSchedule("kprim2:a:b:::0s")).toThrow(
      "malformed schedule: kprim2: expected 7 ':'-separated fields (format, scenario, variant, options, params, run, choices), got 6",
    );
    expect(() => parseSchedule("kprim3:a:b:::0s")).toThrow(
      "malformed schedule: kprim3: expected 7 ':'-separated fields (format, scenario, variant, options, params, run, choices), got 6",
    );
    expect(() => parseSchedule("kprim2:a:b::::0s.0q")).toThrow('choice 2 "0q" is not a choice');
    expect(() => parseSchedule("kprim1:a:b:::0sx0")).toThrow('choice 1 "0sx0"');
    expect(() => parseSchedule("kprim1:a:b:::0i")).toThrow(/choice 1/);
    expect(() => parseSchedule("kprim1:a:b:oops::0s")).toThrow('option "oops" is not key=value');
    expect(() => parseSchedule("kprim2:a:b:k=%zz:::0s")).toThrow('malformed schedule: option "k=%zz": bad %-escape');
    expect(() => parseSchedule("kprim2:a:b:::maxSteps=x:0s")).toThrow(
      'malformed schedule: run "maxSteps=x": the step limit must be an integer ≥ 1',
    );
    expect(() => parseSchedule("kprim2:a:b:::colour=red:0s")).toThrow(
      'malformed schedule: run "colour=red": run fields are signal and maxSteps',
    );
  });

  it("header mismatches name the field", () => {
    const h = sched.header;
    expect(() => checkHeader(h, { ...h, scenario: "other" })).toThrow(
      'schedule is for scenario "other", not "lost-wakeup"',
    );
    expect(() => checkHeader(h, { ...h, variant: "TOK" })).toThrow('variant "TOK", not "SPIN+TI"');
    expect(() => checkHeader(h, { ...h, params: { sleepers: "3" } })).toThrow(/params "sleepers=3" differ/);
    expect(() => checkHeader(h, { ...h })).not.toThrow();
    // The run fields say how to judge the replay; they are not part of what ran.
    expect(() => checkHeader(h, { ...h, signal: "any", maxSteps: 9 })).not.toThrow();
  });
});
