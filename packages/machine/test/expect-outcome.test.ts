import { describe, expect, it } from "vitest";
import { createMachine, expectOutcome, OutcomeMismatch, parseChoices, replay } from "../src/index.js";

/** One thread that sleeps with nobody to wake it: a deadlock at step 1. */
function sleeper(header = { scenario: "", variant: "", options: {}, params: {} }) {
  const m = createMachine({ cpus: 1, header });
  m.spawn({
    cpu: 0,
    name: "T",
    *body(k) {
      yield* k.atomic("tsleep", {}, (tx) => tx.block("asleep on X"));
    },
  });
  return m.run();
}

describe("expectOutcome", () => {
  it("passes when the run ended as expected", () => {
    expect(() => expectOutcome(sleeper(), "deadlock")).not.toThrow();
  });

  it("on a mismatch, says how the run ended, at which step, and how to replay it", () => {
    const r = sleeper({ scenario: "lonely-sleeper", variant: "SPIN+TI", options: {}, params: {} });
    let err: unknown;
    try {
      expectOutcome(r, "ok");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutcomeMismatch);
    const text = (err as Error).message;
    expect(text).toContain("expected outcome ok, got deadlock at step 1: T (cpu0) asleep on X");
    expect(text).toContain("replay: kprim replay lonely-sleeper --schedule 'kprim3:lonely-sleeper:SPIN+TI::::0s'");
  });

  it("a run with no scenario in its header gives its choices, which replay it", () => {
    const r = sleeper();
    let text = "";
    try {
      expectOutcome(r, "violation");
    } catch (e) {
      text = (e as Error).message;
    }
    const handle = /replay\(parseChoices\("([^"]*)"\)\)/.exec(text)?.[1];
    expect(handle).toBe("0s");
    const m = createMachine({ cpus: 1, strategy: replay(parseChoices(handle!)) });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("tsleep", {}, (tx) => tx.block("asleep on X"));
      },
    });
    expectOutcome(m.run(), "deadlock");
  });
});
