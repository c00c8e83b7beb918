/**
 * describeRun: what a prepared run is, line by line — the variant its
 * kernel options amount to, never the one it overrode.
 */
import { describe, expect, it } from "vitest";
import { describeRun, prepare } from "../src/index.js";

const lines = (spec: Parameters<typeof prepare>[0]): Record<string, string> =>
  Object.fromEntries(describeRun(prepare(spec)).map((l) => [l.name, l.value]));

describe("describeRun", () => {
  it("names the variant asked for when nothing overrides it, with every kernel option", () => {
    expect(lines({ scenario: "lockmgr-lost-wakeup", variant: "TOK" })).toEqual({
      variant: "TOK",
      interlock: "token",
      lockmgr: "2005",
      tokenMode: "yield",
      outer: "mplock",
    });
  });

  it("names the variant an override amounts to, and how it was asked for", () => {
    const l = lines({ scenario: "lockmgr-lost-wakeup", options: { interlock: "spin-naive" } });
    expect(l).toMatchObject({ variant: "SPIN-naive (SPIN+TI with interlock=spin-naive)", interlock: "spin-naive" });
    expect(lines({ scenario: "getnewbuf-locked-buf", variant: "TOK", options: { outer: "none" } })).toMatchObject({
      variant: "TOK with outer=none",
      outer: "none",
    });
  });

  it("lists the other options set and every parameter, defaults too", () => {
    const l = lines({
      scenario: "lost-wakeup",
      options: { wakeup: "multicast" },
      params: { sleepers: 2 },
    });
    expect(l).toMatchObject({ wakeup: "multicast", "param sleepers": "2" });
    expect(Object.keys(l).filter((k) => k.startsWith("param "))).toEqual(
      Object.keys(prepare({ scenario: "lost-wakeup" }).scenario.params)
        .sort()
        .map((k) => `param ${k}`),
    );
  });
});
