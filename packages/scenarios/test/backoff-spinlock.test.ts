/**
 * A correct layer written the way a kernel programmer writes it gets no
 * failure. Two spinlocks whose contested path is an ordinary retry loop
 * (test/broken/backoffSpinlock.ts), put in place as a plugin's layer,
 * across every not-found row of the acceptance matrix under DPOR:
 *
 * - with exponential backoff and nothing declared, no row reports a
 *   failure: an unfair schedule that starves the holder until the step
 *   limit is inconclusive (its loop — the spinner and the ops it repeated —
 *   and the starved holder named), never "step limit" as a found failure;
 *   and an inconclusive row is not verified (`checkRow` does not hold) —
 *   within a budget of 200 executions per row, which meets the starving
 *   schedules in the rows where they exist;
 * - declared (`k.enterLoop`, one pause per try), every row the budget
 *   affords is exhausted clean: the cycles that starve the holder are cut,
 *   their ways out explored, and no livelock is reported.
 */
import { explore } from "@kprim/explore";
import { describe, expect, it } from "vitest";
import { catalogue, checkRow, matrix, prepare } from "../src/index.js";
import { backoffSpinlock, declaredSpinlock } from "./broken/backoffSpinlock.js";

/** Rows whose DPOR space is larger than this test's budget (each checked clean so far, not exhausted). */
const LARGE = new Set(["R7 SPIN+TI-2008", "G2 TOK", "G5 TOK-spin2005"]);
/** Executions per row for the undeclared spinlock (a step-limited one costs its 2,000 steps): enough to meet the starving schedules. */
const BACKOFF_BUDGET = 200;
const rows = matrix.rows.filter((r) => r.expect === "not-found" && catalogue.some((c) => c.specId === r.id));

const run = (row: (typeof rows)[number], spinlock: typeof backoffSpinlock, maxSteps: number, maxExecutions: number) => {
  const s = catalogue.find((c) => c.specId === row.id)!;
  const p = prepare({ scenario: s.name, variant: row.variant, options: row.options, kernel: { spinlock } });
  return explore(p.build.bind(p), {
    mode: { kind: "dpor" },
    target: row.signal,
    raises: p.raises,
    maxExecutions,
    maxSteps,
    shrink: false,
  });
};

describe("retry-loop spinlocks across the acceptance matrix's not-found rows (DPOR)", () => {
  for (const row of rows) {
    const key = `${row.id} ${row.variant}`;
    it(`${key}: the backoff spinlock shows no failure; a step limit is inconclusive, with its loop named`, () => {
      const r = run(row, backoffSpinlock, 2_000, BACKOFF_BUDGET);
      expect(r.kind).toBe("not-found");
      if (r.kind !== "not-found") return;
      if (r.stepLimited > 0) {
        expect(r.exhausted).toBe(false);
        expect(r.inconclusive!.loop.some((l) => l.ops.includes("pause"))).toBe(true);
        expect(r.inconclusive!.starved.length).toBeGreaterThan(0);
      } else expect(r.exhausted || r.executions === BACKOFF_BUDGET).toBe(true);
    });

    it(`${key}: the declared spinlock is ${LARGE.has(key) ? "clean within the budget" : "exhausted clean"}`, () => {
      const r = run(row, declaredSpinlock, 20_000, 2_000);
      expect(r).toMatchObject({ kind: "not-found", stepLimited: 0 });
      if (r.kind === "not-found") expect(r.exhausted).toBe(!LARGE.has(key));
    });
  }

  it("a not-found row with an inconclusive execution does not hold", () => {
    const row = matrix.rows.find((r) => r.id === "G8" && r.variant === "SPIN+TI")!;
    const s = catalogue.find((c) => c.specId === row.id)!;
    const p = prepare({ scenario: s.name, variant: row.variant, kernel: { spinlock: backoffSpinlock } });
    const v = checkRow(p, row, { maxSteps: 2_000, maxExecutions: BACKOFF_BUDGET });
    expect(v.holds).toBe(false);
    expect(v.detail).toMatch(/^not exhausted: inconclusive — \d+ executions? reached the step limit/);
  });
});
