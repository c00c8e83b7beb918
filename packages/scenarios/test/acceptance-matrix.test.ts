/**
 * The acceptance matrix: every row of spec/matrix.json against every
 * catalogue scenario that declares the row's spec id, explored under the
 * row's variant and options (see src/acceptance.ts for what "found" and
 * "not-found" require). New scenarios are picked up from the catalogue as
 * they land; each (row, scenario) pair is its own test. Rows that no
 * scenario declares yet are pending: listed, counted, never passes.
 *
 * A few "not-found" rows take minutes to exhaust. The default run checks
 * them within a preemption bound (a weaker check, named as such);
 * `pnpm test:matrix` (KPRIM_MATRIX=full, run by CI) checks every row
 * exhaustively, as the oracle requires.
 */
import { describe, expect, it } from "vitest";
import { catalogue, checkRow, matrix, pendingRows, prepareRow, rowChecks } from "../src/index.js";

const FULL = process.env.KPRIM_MATRIX === "full";

/**
 * (row label · scenario) → the preemption bound of its quick check. The
 * figures are the executions an exhaustive DPOR run needed when measured
 * (`pnpm test:matrix` prints the current ones).
 */
const QUICK_BOUND: Readonly<Record<string, number>> = {
  "R7 SPIN+TI-2008 · lockmgr-upgrade-vs-exclusive": 3,
  "G2 TOK · lockmgr-barging": 3,
  "G5 TOK-spin2005 · token-reread-after-acquire": 4,
};

const checks = rowChecks(matrix, catalogue);
const pending = pendingRows(matrix, catalogue);

const label = (r: { id: string; variant: string; options: Readonly<Record<string, string>> }): string =>
  `${r.id} ${r.variant}${
    Object.keys(r.options).length
      ? ` ${Object.entries(r.options)
          .map(([k, v]) => `${k}=${v}`)
          .join(",")}`
      : ""
  }`;

describe("the acceptance matrix", () => {
  it("lists the rows that have no scenario yet as pending, and counts every row once", () => {
    const covered = matrix.rows.filter((r) => !pending.includes(r));
    process.stdout.write(
      `acceptance matrix: ${checks.length} scenario checks over ${covered.length} rows; ${pending.length} of ${matrix.rows.length} rows pending (no scenario declares them yet)\n` +
        (pending.length ? `  pending: ${pending.map(label).join("; ")}\n` : ""),
    );
    expect(covered.length + pending.length).toBe(matrix.rows.length);
    for (const r of pending) expect(catalogue.some((s) => s.specId === r.id)).toBe(false);
    for (const r of covered) expect(checks.some((c) => c.row === r)).toBe(true);
  });

  it("every quick-bound entry names a not-found row check that exists", () => {
    const keys = new Set(
      checks.filter((c) => c.row.expect === "not-found").map((c) => `${label(c.row)} · ${c.scenario.name}`),
    );
    for (const k of Object.keys(QUICK_BOUND)) expect(keys.has(k), k).toBe(true);
  });

  for (const { row, scenario } of checks) {
    const key = `${label(row)} · ${scenario.name}`;
    const bound = FULL ? undefined : QUICK_BOUND[key];
    const how = bound === undefined ? "" : ` (within ${bound} preemptions; exhaustive: pnpm test:matrix)`;
    it(`${key}: ${row.expect} ${row.signal}${how}`, () => {
      const v = checkRow(prepareRow(scenario, row), row, bound === undefined ? {} : { preemptionBound: bound });
      if (FULL) process.stdout.write(`${key}: ${v.detail}\n`);
      expect(v.holds, v.detail).toBe(true);
    }, 3_600_000);
  }
});
