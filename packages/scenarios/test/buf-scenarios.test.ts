/**
 * The buffer-cache scenarios: the seed's two console messages (R1, R2), the
 * destroyed delayed write without the rev 1.52 check, their absence with the
 * spinlock interlock under the MP lock, the first one's return without it,
 * and the correct-by-design cases G1, G7, G9; then churn, counted over
 * 2,000 random runs per variant. The benchmark's interlock group sweeps
 * 10,000 per variant (`pnpm bench interlock`): an error if SPIN+TI warns or
 * fails, if TOK with getblkCheck=identity fails, or if any variant fails
 * other than by getblk's twin.
 */
import { explore } from "@kprim/explore";
import { type Detector, parseSchedule, random, replay, type RunResult } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import {
  checkRow,
  findScenario,
  type MatrixRow,
  prepare,
  prepareFromHeader,
  prepareRow,
  scenarioFactory,
} from "../src/index.js";
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
      "kprim3:getnewbuf-locked-buf:TOK::::0sx4.1sx2.1i0.1sx2.0d.0i1.0sx2.1d.1i0x2.1sx2.0d.0i1x2.0sx8.1d.1i0.1sx5.0d.0sx12.1t1.1d.1sx4.0i1.1d.1sx21",
    );
    expect(r.outcome).toEqual({ kind: "ok" });
    expect(consoleText(r)).toContain("getnewbuf: warning, locked buf 0xc7400000, race corrected");
  });
  it("under SPIN+TI without the MP lock, comes back (pinned)", () => {
    const r = replayPinned("kprim3:getnewbuf-locked-buf:SPIN+TI-nomp::::0sx17.1sx8.0sx4.1t1.1d.1sx23");
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
      "kprim3:getnewbuf-blocked-unexpectedly:TOK::::0sx4.1sx4.1i0.1sx4.0i1.1d.1i0.1sx21.0d.0sx2.1i0.0d.0sx16.1i0.1d.1sx4.0i1.1d.1sx2.0i1.1d.1sx23.0i1.0d.0s",
    );
    expect(r.outcome).toEqual({ kind: "ok" });
    expect(consoleText(r)).toContain("getnewbuf: warning, BUF_LOCK blocked unexpectedly on buf 0xc7400000...");
  });
  it("without the check (bufChecks=no-check), destroys the delayed write: dirty-reuse (pinned)", () => {
    const r = replayPinned(
      "kprim1:getnewbuf-blocked-unexpectedly:TOK:bufChecks=no-check::0sx4.1sx4.1i0.1sx4.0i1.1d.1i0.1sx21.0d.0sx2.1i0.0d.0sx12",
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

/**
 * getblk-reused-buffer: the getblk-side twin of R2, under the rows proposed
 * for it (R2b; matrix.json stays the oracle and has none yet): checked
 * exactly as the acceptance matrix checks a row.
 */
describe("R2b (proposed): getblk-reused-buffer, the getblk-side twin of R2", () => {
  const rows: MatrixRow[] = [
    {
      id: "R2b" as MatrixRow["id"],
      variant: "TOK",
      options: {},
      expect: "found",
      signal: "violation:misdirected-write",
    },
    {
      id: "R2b" as MatrixRow["id"],
      variant: "TOK",
      options: { getblkCheck: "identity" },
      expect: "not-found",
      signal: "failure",
    },
    { id: "R2b" as MatrixRow["id"], variant: "TOK-spin2005", options: {}, expect: "not-found", signal: "any" },
    { id: "R2b" as MatrixRow["id"], variant: "SPIN-naive", options: {}, expect: "not-found", signal: "any" },
    { id: "R2b" as MatrixRow["id"], variant: "SPIN+TI", options: {}, expect: "not-found", signal: "any" },
  ];
  const scenario = findScenario("getblk-reused-buffer")!;
  for (const row of rows) {
    const opts = Object.entries(row.options).map(([k, v]) => ` ${k}=${v}`);
    it(`${row.variant}${opts.join("")}: ${row.expect} ${row.signal}`, { timeout: 120_000 }, () => {
      const v = checkRow(prepareRow(scenario, row), row);
      expect(v.holds, v.detail).toBe(true);
    });
  }
});

describe("G1, G7, G9", () => {
  for (const variant of ["TOK", "SPIN+TI"]) {
    it(`G1: getblk's SLEEPFAIL retry never fails (${variant}, 2,000 random schedules)`, () => {
      const p = prepare({ scenario: "getblk-sleepfail-retry", variant });
      for (let seed = 1; seed <= 2000; seed++)
        expect(p.build({ strategy: random({ seed }), check: false }).run().outcome).toEqual({ kind: "ok" });
    });
    it(`G1: getnewbuf reuses the buffer getblk slept on, and getblk looks again after ENOLCK (${variant}, DPOR)`, () => {
      // A schedule where getnewbuf reused the buffer after T_get's failed sleep began
      // and before T_get looked again: a detector names it, and the search finds it.
      const reusedThenEnolck = (): Detector => {
        const reused = new Set<string>();
        return {
          name: "reused-then-enolck",
          stateKey: () => [...reused].sort().join(","),
          onStep(rec) {
            for (const e of rec.events) {
              if (e.kind === "buf.reuse" && e.obj !== undefined) reused.add(e.obj);
              if (e.kind === "buf.lookup-again" && e.detail === "ENOLCK" && reused.has(e.obj ?? "")) {
                return { message: `getnewbuf reused ${e.obj} before T_get looked again` };
              }
            }
            return undefined;
          },
        };
      };
      const f = scenarioFactory(prepare({ scenario: "getblk-sleepfail-retry", variant }));
      const r = explore((req) => f({ ...req, detectors: [...(req.detectors ?? []), reusedThenEnolck()] }), {
        mode: { kind: "dpor" },
        target: "violation:reused-then-enolck",
        shrink: false,
      });
      expect(r.kind).toBe("found");
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

describe("buf-churn over 2,000 random schedules per variant", () => {
  function churn(
    variant: string,
    options: Record<string, string> = {},
    runs = 2_000,
  ): { warnings: number; failures: string[] } {
    const p = prepare({ scenario: "buf-churn", variant, options });
    let warnings = 0;
    const failures = new Set<string>();
    for (let seed = 1; seed <= runs; seed++) {
      const r = p.build({ strategy: random({ seed }), check: false }).run();
      warnings += r.console.length;
      if (r.outcome.kind === "violation") failures.add(`violation:${r.outcome.detector}`);
      else if (r.outcome.kind !== "ok") failures.add(r.outcome.kind);
    }
    return { warnings, failures: [...failures] };
  }
  const long = { timeout: 60_000 };
  it("SPIN+TI: no warning and no failure", long, () => expect(churn("SPIN+TI")).toEqual({ warnings: 0, failures: [] }));
  it(
    "TOK: warnings, and the 2005 getblk's twin of the race — a delayed write into a reused buffer — as its only failure",
    long,
    () => {
      const r = churn("TOK");
      expect(r.failures).toEqual(["violation:misdirected-write"]);
      expect(r.warnings).toBeGreaterThan(1000);
    },
  );
  it("TOK with getblk re-validating the identity (getblkCheck=identity): warnings, and no failure", long, () => {
    const r = churn("TOK", { getblkCheck: "identity" });
    expect(r.failures).toEqual([]);
    expect(r.warnings).toBeGreaterThan(300);
  });
  it("SPIN+TI-nomp: warnings", long, () => expect(churn("SPIN+TI-nomp").warnings).toBeGreaterThan(1000));
  it(
    "runs in check mode too (300 schedules per variant, no failure but the getblk twin where the MP lock lapses)",
    long,
    () => {
      for (const variant of ["SPIN+TI", "TOK", "SPIN+TI-nomp"]) {
        const p = prepare({ scenario: "buf-churn", variant });
        for (let seed = 1; seed <= 300; seed++) {
          const o = p.build({ strategy: random({ seed }), check: true }).run().outcome;
          if (variant !== "SPIN+TI" && o.kind === "violation") expect(o.detector).toBe("misdirected-write");
          else expect(o).toEqual({ kind: "ok" });
        }
      }
    },
  );
  it("rejects bad parameters", () => {
    expect(() => prepare({ scenario: "buf-churn", params: { cpus: 40 } })).toThrow(
      'parameter "cpus" must be between 1 and 16, got 40',
    );
  });
});
