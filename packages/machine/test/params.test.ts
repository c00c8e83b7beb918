import { describe, expect, it } from "vitest";
import { defineScenario, param, ParamError, resolveParams } from "../src/index.js";

const specs = {
  sleepers: param.int({ default: 1, min: 1, max: 7, description: "sleeping threads" }),
  timeout: param.bool({ default: false, description: "sleep with a timeout" }),
  wake: param.oneOf(["chain", "multicast"], { default: "chain", description: "wakeup form" }),
};

describe("scenario parameters", () => {
  it("fill defaults and coerce strings from the command line", () => {
    expect(resolveParams(specs, {}, "s")).toEqual({ sleepers: 1, timeout: false, wake: "chain" });
    expect(resolveParams(specs, { sleepers: "3", timeout: "true", wake: "multicast" }, "s")).toEqual({
      sleepers: 3,
      timeout: true,
      wake: "multicast",
    });
  });

  it("bad scenario parameters give a clear one-line error", () => {
    const bad = (raw: Record<string, unknown>) => () => resolveParams(specs, raw, "lost-wakeup");
    expect(bad({ sleeper: "2" })).toThrow(ParamError);
    expect(bad({ sleeper: "2" })).toThrow(
      'scenario lost-wakeup has no parameter "sleeper" (did you mean "sleepers"?); parameters: sleepers, timeout, wake',
    );
    expect(bad({ sleepers: "two" })).toThrow(
      'scenario lost-wakeup: parameter "sleepers" must be an integer, got "two"',
    );
    expect(bad({ sleepers: 9 })).toThrow('parameter "sleepers" must be between 1 and 7, got 9');
    expect(bad({ timeout: "maybe" })).toThrow('parameter "timeout" must be true or false, got "maybe"');
    expect(bad({ wake: "broadcast" })).toThrow('parameter "wake" must be one of chain, multicast, got "broadcast"');
    expect(bad({ wake: "multicst" })).toThrow(
      'parameter "wake" must be one of chain, multicast, got "multicst" (did you mean "multicast"?)',
    );
  });

  it("scenario names are checked", () => {
    expect(() =>
      defineScenario({ name: "Bad Name", description: "", specId: null, params: {}, cpus: () => 1, setup: () => {} }),
    ).toThrow(/lowercase words/);
  });
});
