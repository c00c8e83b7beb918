/**
 * The tokens in words (describe.ts): the owning cpu of each token, where a
 * release hands it, and the requests queued for it, read without changing
 * the machine.
 */
import { type Choice, createMachine, expectOutcome, type MachineView, roundRobin, type Strategy } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import {
  createToken,
  describeTokens,
  lwktGettoken,
  lwktReltoken,
  TOKEN_SYSTEM,
  type TokenDescription,
} from "../src/index.js";

/** Round-robin that records what describeTokens says before each step. */
function watching(seen: TokenDescription[][]): Strategy {
  const rr = roundRobin();
  return {
    name: "watching",
    choose(enabled: readonly Choice[], view: MachineView) {
      seen.push(describeTokens(view));
      return rr.choose(enabled, view);
    },
  };
}

describe("describeTokens", () => {
  it("follows a token from its cpu, through a queued request, to the remote requester", () => {
    const seen: TokenDescription[][] = [];
    const m = createMachine({ cpus: 2, strategy: watching(seen) });
    const A = createToken(m, "A", { cpu: 0, mode: "yield" });
    m.spawn({
      cpu: 0,
      name: "T0",
      *body(k) {
        const r = yield* lwktGettoken(k, A);
        for (let i = 0; i < 6; i++) yield* k.nop("work");
        yield* lwktReltoken(k, r);
      },
    });
    m.spawn({
      cpu: 1,
      name: "T1",
      *body(k) {
        const r = yield* lwktGettoken(k, A);
        yield* lwktReltoken(k, r);
      },
    });
    expectOutcome(m.run(), "ok");
    expect(seen[0]).toEqual([{ name: "A", mode: "yield", cpu: 0, reqcpu: 0, requests: [] }]);
    expect(seen.some((s) => s[0]!.requests.some((r) => r.thread === "T1" && r.cpu === 1))).toBe(true);
    expect(describeTokens(m)[0]).toMatchObject({ name: "A", cpu: 1, requests: [] });
  });

  it("is empty for a machine without tokens, and leaves it without the token system", () => {
    const m = createMachine({ cpus: 1 });
    expect(describeTokens(m)).toEqual([]);
    expect(m.peekExt(TOKEN_SYSTEM)).toBeUndefined();
  });
});
