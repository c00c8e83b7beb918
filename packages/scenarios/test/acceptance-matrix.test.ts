/**
 * The acceptance matrix: every row of spec/matrix.json against every
 * catalogue scenario that declares the row's spec id, explored under the
 * row's variant and options (see src/acceptance.ts for what "found" and
 * "not-found" require). New scenarios are picked up from the catalogue as
 * they land; each (row, scenario) pair is its own test. Rows that no
 * scenario declares yet are pending: listed, counted, never passes.
 *
 * Every "not-found" row is explored exhaustively with no preemption bound
 * (about a minute for the whole matrix).
 */
import { describe, expect, it } from "vitest";
import { catalogue, checkRow, matrix, pendingRows, prepareRow, rowChecks } from "../src/index.js";

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

  for (const { row, scenario } of checks) {
    // The longest check (G5 under TOK-spin2005, 17,818 executions) takes about half a minute.
    it(`${label(row)} · ${scenario.name}: ${row.expect} ${row.signal}`, () => {
      const v = checkRow(prepareRow(scenario, row), row);
      expect(v.holds, v.detail).toBe(true);
    }, 600_000);
  }
});
