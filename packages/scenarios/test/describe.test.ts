/**
 * describeRun: what a prepared run is, line by line, in the words of every
 * header — the variant as run (`VARIANT:INTERLOCK` when its interlock was
 * replaced, never the variant it overrode), only the options the scenario
 * depends on, every parameter under its current name.
 */
import { describe, expect, it } from "vitest";
import { describeRun, prepare, runLabel, variantMatters } from "../src/index.js";

const lines = (spec: Parameters<typeof prepare>[0]): Record<string, string> =>
  Object.fromEntries(describeRun(prepare(spec)).map((l) => [l.name, l.value]));

describe("describeRun", () => {
  it("names the variant asked for when nothing overrides it, with the options the scenario depends on", () => {
    expect(lines({ scenario: "lockmgr-lost-wakeup", variant: "TOK" })).toEqual({
      variant: "TOK",
      interlock: "token",
      lockmgr: "2005",
      tokenMode: "yield",
    });
    // getnewbuf declares nothing: it depends on every option.
    expect(lines({ scenario: "getnewbuf-locked-buf", variant: "TOK" })).toMatchObject({ outer: "mplock" });
  });

  it("names a replaced interlock as VARIANT:INTERLOCK, and an overridden option by its value", () => {
    const l = lines({ scenario: "lockmgr-lost-wakeup", options: { interlock: "spin-naive" } });
    expect(l).toMatchObject({ variant: "SPIN+TI:spin-naive", interlock: "spin-naive" });
    expect(runLabel(prepare({ scenario: "lockmgr-lost-wakeup", options: { interlock: "spin-naive" } }))).toBe(
      "SPIN+TI:spin-naive",
    );
    expect(lines({ scenario: "getnewbuf-locked-buf", variant: "TOK", options: { outer: "none" } })).toMatchObject({
      variant: "TOK",
      outer: "none",
    });
  });

  it("names no variant for a scenario that depends on none of a variant's options, and lists every parameter", () => {
    const p = prepare({ scenario: "lost-wakeup", options: { wakeup: "multicast" }, params: { sleepers: 2 } });
    expect(variantMatters(p)).toBe(false);
    const l = lines({ scenario: "lost-wakeup", options: { wakeup: "multicast" }, params: { sleepers: 2 } });
    expect(l).not.toHaveProperty("variant");
    expect(l).not.toHaveProperty("interlock");
    expect(l).toMatchObject({ wakeup: "multicast", "param sleepers": "2", "param sleep": "tsleep_interlock" });
    expect(Object.keys(l).filter((k) => k.startsWith("param "))).toEqual(
      Object.keys(p.scenario.params)
        .sort()
        .map((k) => `param ${k}`),
    );
  });
});
