/**
 * The buffer-cache scenarios: the seed's two console messages (R1, R2), the
 * destroyed delayed write without the rev 1.52 check, their absence with the
 * spinlock interlock under the MP lock, the first one's return without it,
 * and the correct-by-design cases G1, G7, G9; then churn, counted over
 * 10,000 random runs per variant.
 */
import { parseSchedule, random, replay, type RunResult } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { prepare, prepareFromHeader } from "../src/index.js";
import { everySchedule, expectNone } from "./support/everySchedule.js";

function replayPinned(text: string): RunResult {
  const s = parseSchedule(text);
  return prepareFromHeader(s.header)
    .build({ strategy: replay(s.choices) })
    .run();
}

const consoleText = (r: RunResult): string[] => r.console.map((c) => c.text);

function silent(scenario: string, variant: string): void {
  // "any": no failure, and no console line either.
  expectNone(everySchedule(prepare({ scenario, variant }), "any"));
}

describe("R1: getnewbuf-locked-buf (the first warning)", () => {
  it("under TOK, prints 'getnewbuf: warning, locked buf %p, race corrected' (pinned)", () => {
    const r = replayPinned(
      "kprim1:getnewbuf-locked-buf:TOK:::0sx4.1sx2.1i0.1sx2.0d.0i1.0sx2.1d.1i0x2.1sx2.0d.0i1x2.0sx9.1i0.0d.0i1.0sx5.1i0.0d.0i1.0sx5.1d.1i0.1sx5.0d.0sx4.1t1.1d.1sx4.0i1.1d.1sx21",
    );
    expect(r.outcome).toEqual({ kind: "ok" });
    expect(consoleText(r)).toContain("getnewbuf: warning, locked buf 0xc7400000, race corrected");
  });
  it("under SPIN+TI without the MP lock, comes back (pinned)", () => {
    const r = replayPinned(
      "kprim1:getnewbuf-locked-buf:SPIN+TI-nomp:::0sx3.1sx2.0s.1sx3.0sx9.1sx6.0sx6.1s.0sx3.1t1.1d.1sx23",
    );
    expect(consoleText(r)).toContain("getnewbuf: warning, locked buf 0xc7400000, race corrected");
  });
  for (const variant of ["TOK-spin2005", "SPIN-naive", "SPIN+TI"]) {
    it(`never happens under ${variant} with the MP lock (every schedule)`, () =>
      silent("getnewbuf-locked-buf", variant));
  }
});

describe("R2: getnewbuf-blocked-unexpectedly (the second warning)", () => {
  it("under TOK, prints 'getnewbuf: warning, BUF_LOCK blocked unexpectedly on buf %p...' (pinned)", () => {
    const r = replayPinned(
      "kprim1:getnewbuf-blocked-unexpectedly:TOK:::0sx4.1sx4.1i0.1sx4.0i1.1d.1i0.1sx22.0d.0sx2.1i0.0d.0sx16.1i0.1d.1sx4.0i1.1d.1sx2.0i1.1d.1sx23.0i1.0d.0s",
    );
    expect(r.outcome).toEqual({ kind: "ok" });
    expect(consoleText(r)).toContain("getnewbuf: warning, BUF_LOCK blocked unexpectedly on buf 0xc7400000...");
  });
  it("without the check (bufChecks=no-check), destroys the delayed write: dirty-reuse (pinned)", () => {
    const r = replayPinned(
      "kprim1:getnewbuf-blocked-unexpectedly:TOK:bufChecks=no-check::0sx4.1sx4.1i0.1sx4.0i1.1d.1i0.1sx22.0d.0sx2.1i0.0d.0sx12",
    );
    expect(r.outcome).toMatchObject({ kind: "violation", detector: "dirty-reuse" });
    if (r.outcome.kind === "violation") {
      expect(r.outcome.message).toBe(
        "getnewbuf reused 0xc7400000, a delayed-write buffer (vp 1 lblkno 7): its data is lost",
      );
    }
  });
  for (const variant of ["SPIN-naive", "SPIN+TI"]) {
    it(`never happens under ${variant} (every schedule)`, () => silent("getnewbuf-blocked-unexpectedly", variant));
  }
  it("never happens under TOK-spin2005 in 2,000 random schedules (the acceptance matrix explores all)", () => {
    const p = prepare({ scenario: "getnewbuf-blocked-unexpectedly", variant: "TOK-spin2005" });
    for (let seed = 1; seed <= 2000; seed++) {
      const r = p.build({ strategy: random({ seed }), check: false }).run();
      expect([r.outcome.kind, consoleText(r)]).toEqual(["ok", []]);
    }
  });
});

describe("G1, G7, G9", () => {
  for (const variant of ["TOK", "SPIN+TI"]) {
    it(`G1: getblk's SLEEPFAIL retry never fails (${variant}, 2,000 random schedules)`, () => {
      const p = prepare({ scenario: "getblk-sleepfail-retry", variant });
      for (let seed = 1; seed <= 2000; seed++)
        expect(p.build({ strategy: random({ seed }), check: false }).run().outcome).toEqual({ kind: "ok" });
    });
    it(`G1: getnewbuf reuses the buffer getblk slept on, and getblk looks again after ENOLCK (${variant})`, () => {
      const p = prepare({ scenario: "getblk-sleepfail-retry", variant });
      let reused = 0;
      for (let seed = 1; seed <= 2000; seed++) {
        const ev = p.build({ strategy: random({ seed }), trace: true }).run().trace!;
        const again = ev.find((e) => e.kind === "buf.lookup-again" && e.detail === "ENOLCK");
        // getnewbuf reused it after T_get's failed sleep began and before T_get looked again.
        if (again && ev.some((e) => e.kind === "buf.reuse" && e.obj === again.obj && e.seq < again.seq)) reused++;
      }
      expect(reused).toBeGreaterThan(0);
    });
    it(`G9: a buffer handed to the kernel is released by the I/O completion (${variant}, every schedule)`, () =>
      silent("buf-kernproc-release", variant));
  }
  it("G7: under TOK the warnings appear and every buffer getnewbuf returns is valid (2,000 random schedules)", () => {
    const p = prepare({ scenario: "getnewbuf-warnings-then-valid", variant: "TOK" });
    let warned = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const r = p.build({ strategy: random({ seed }), check: false }).run();
      expect(r.outcome).toEqual({ kind: "ok" });
      if (r.console.length > 0) warned++;
    }
    expect(warned).toBeGreaterThan(50);
  });
});

describe("buf-churn over 10,000 random schedules per variant", () => {
  function churn(variant: string): { warnings: number; failures: number } {
    const p = prepare({ scenario: "buf-churn", variant });
    let warnings = 0;
    let failures = 0;
    for (let seed = 1; seed <= 10_000; seed++) {
      const r = p.build({ strategy: random({ seed }), check: false }).run();
      warnings += r.console.length;
      if (r.outcome.kind !== "ok") failures++;
    }
    return { warnings, failures };
  }
  const long = { timeout: 60_000 };
  it("SPIN+TI: no warning and no failure", long, () => expect(churn("SPIN+TI")).toEqual({ warnings: 0, failures: 0 }));
  it("TOK: warnings, and no failure", long, () => {
    const r = churn("TOK");
    expect(r.failures).toBe(0);
    expect(r.warnings).toBeGreaterThan(1000);
  });
  it("SPIN+TI-nomp: warnings", long, () => expect(churn("SPIN+TI-nomp").warnings).toBeGreaterThan(1000));
  it("runs in check mode too (300 schedules per variant, no failure)", long, () => {
    for (const variant of ["SPIN+TI", "TOK", "SPIN+TI-nomp"]) {
      const p = prepare({ scenario: "buf-churn", variant });
      for (let seed = 1; seed <= 300; seed++)
        expect(p.build({ strategy: random({ seed }), check: true }).run().outcome).toEqual({ kind: "ok" });
    }
  });
  it("rejects bad parameters", () => {
    expect(() => prepare({ scenario: "buf-churn", params: { cpus: 40 } })).toThrow(
      'parameter "cpus" must be between 1 and 16, got 40',
    );
  });
});
