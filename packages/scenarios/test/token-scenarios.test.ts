/**
 * The token and spinlock scenarios of the catalogue against the oracle's
 * rows (R8, R9, G5, G6). Races are found by a random search and pinned by a
 * replayed schedule; their correct twins are explored exhaustively.
 */
import { parseSchedule, random, replay, type RunResult } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { catalogue, prepare, prepareFromHeader, VARIANT_NAMES } from "../src/index.js";
import { everySchedule, expectNone } from "./support/everySchedule.js";

function searchRandom(scenario: string, variant: string, seeds: number): RunResult | undefined {
  const p = prepare({ scenario, variant });
  for (let seed = 1; seed <= seeds; seed++) {
    const r = p.build({ strategy: random({ seed }) }).run();
    if (r.outcome.kind !== "ok") return r;
  }
  return undefined;
}

function replayPinned(text: string): RunResult {
  const s = parseSchedule(text);
  return prepareFromHeader(s.header)
    .build({ strategy: replay(s.choices) })
    .run();
}

describe("R8: token-stale-read (a lost update across a contended token)", () => {
  const pinned: Record<string, string> = {
    TOK: "kprim1:token-stale-read:TOK:::1sx2.0sx4.0i1.1d.1i0x2.1sx3.0d.0s",
    "TOK-spin2005": "kprim1:token-stale-read:TOK-spin2005:::1sx4.0sx5.1s.0i1.0sx3.1s.0sx2.1i0x2.1sx3.0sx3",
  };
  for (const variant of ["TOK", "TOK-spin2005"]) {
    it(`is found under ${variant} by a random search and reported as stale-read`, () => {
      const r = searchRandom("token-stale-read", variant, 100);
      expect(r?.outcome).toMatchObject({ kind: "violation", detector: "stale-read" });
    });

    it(`replays its pinned schedule under ${variant} to the stale read`, () => {
      const r = replayPinned(pinned[variant]!);
      expect(r.outcome).toMatchObject({ kind: "violation", detector: "stale-read" });
      if (r.outcome.kind === "violation") {
        expect(r.outcome.message).toMatch(
          /^T1 writes V \(protected by token A\) from a read at step \d+, before its blocking point at step \d+; V was written meanwhile at step \d+ by T2$/,
        );
      }
    });
  }
});

describe("G5: token-reread-after-acquire (R8's correct twin)", () => {
  // Under TOK-spin2005 the spin loop's rounds make the schedule tree too big
  // for a naive search; the acceptance matrix checks that row with DPOR.
  it("has no failure in any schedule under TOK", () => {
    const res = expectNone(everySchedule(prepare({ scenario: "token-reread-after-acquire", variant: "TOK" })));
    expect(res.executions).toBeGreaterThan(100);
  });
});

describe("G6: token-preempted-holder", () => {
  for (const variant of ["TOK", "TOK-spin2005"]) {
    it(`has no failure in any schedule under ${variant}`, () => {
      const res = expectNone(everySchedule(prepare({ scenario: "token-preempted-holder", variant })));
      // The interrupt can arrive at several points of the holder's sequence.
      expect(res.executions).toBeGreaterThan(3);
    });
  }
});

describe("R9 (token form): spinlock-across-token", () => {
  for (const variant of ["SPIN+TI", "TOK"]) {
    it(`reports spinlock-blocking at the contended acquire under ${variant}`, () => {
      const r = prepare({ scenario: "spinlock-across-token", variant }).build().run();
      expect(r.outcome).toMatchObject({ kind: "violation", detector: "spinlock-blocking" });
      if (r.outcome.kind === "violation") {
        expect(r.outcome.message).toBe("T1 reached a blocking point (lwkt_gettoken B contended) holding 1 spinlock(s)");
      }
    });
  }
});

describe("scenarios outside the buffer cache run without the MP lock under every variant", () => {
  // A variant's `outer` applies to buffer-cache paths only.
  const bufferCache = (name: string) =>
    name.startsWith("getnewbuf") || name.startsWith("getblk") || name.startsWith("buf");
  for (const { name: scenario } of catalogue.filter((s) => !bufferCache(s.name))) {
    for (const variant of VARIANT_NAMES) {
      it(`${scenario} under ${variant}`, () => {
        const m = prepare({ scenario, variant }).build({ strategy: random({ seed: 1 }), trace: true });
        const r = m.run();
        expect(r.trace!.filter((e) => e.kind.startsWith("mp-"))).toEqual([]);
      });
    }
  }
});
