/**
 * A correct layer written the way a kernel programmer writes it gets no
 * failure: the spinlock whose contested path is an ordinary retry loop with
 * exponential backoff (test/broken/backoffSpinlock.ts — no spin-until step,
 * no declared loop), put in place as a plugin's layer, across every row of
 * the acceptance matrix under DPOR: no execution reaches the step limit,
 * every row the oracle calls found is found with its signal, and every
 * not-found row shows nothing (exhausted within the budget for all but the
 * largest spaces, which the budget cuts short — not exhausted, and clean so
 * far).
 */
import { explore } from "@kprim/explore";
import { describe, expect, it } from "vitest";
import { catalogue, matrix, prepare } from "../src/index.js";
import { backoffSpinlock } from "./broken/backoffSpinlock.js";

/** Rows whose DPOR space is larger than this test's budget (each checked clean so far, not exhausted). */
const LARGE = new Set(["R7 SPIN+TI-2008", "G2 TOK", "G2 SPIN+TI", "G3 SPIN+TI", "G5 TOK-spin2005"]);

describe("a retry-loop spinlock with backoff across the acceptance matrix (DPOR)", () => {
  for (const row of matrix.rows) {
    const key = `${row.id} ${row.variant}`;
    const opts = Object.entries(row.options).map(([k, v]) => `${k}=${v}`);
    it(`${key}${opts.length > 0 ? ` ${opts.join(",")}` : ""}: ${row.expect} (${row.signal}), no step limit`, () => {
      const s = catalogue.find((c) => c.specId === row.id)!;
      const p = prepare({
        scenario: s.name,
        variant: row.variant,
        options: row.options,
        kernel: { spinlock: backoffSpinlock },
      });
      const r = explore(p.build.bind(p), {
        mode: { kind: "dpor" },
        target: row.signal,
        maxExecutions: 400,
        maxSteps: 20_000,
        shrink: false,
      });
      expect(r.stepLimited).toBe(0);
      expect(r.kind).toBe(row.expect);
      if (r.kind === "not-found") expect(r.exhausted).toBe(!LARGE.has(key));
    });
  }
});
