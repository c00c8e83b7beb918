/**
 * The mtx plugin from the command line: `kprim compare` shows the mtx
 * interlock beside the token and the spinlock (`SPIN+TI:mtx` is SPIN+TI with
 * its interlock replaced, judged by SPIN+TI's matrix row).
 */
import { describe, expect, it } from "vitest";
import { kprim } from "@kprim/test-utils";

const plugin = "./plugins/mtx-interlock/src/index.ts";

interface CompareRow {
  variant: string;
  options: Record<string, string>;
  verdict: string;
  expected: string | null;
  matches: boolean | null;
  cyclesPerOp: number;
}

describe("kprim compare with the mtx plugin", () => {
  it("shows mtx beside token and spin, each verdict matching matrix.json (exit 0)", async () => {
    const args = ["compare", "lockmgr-lost-wakeup", "--plugin", plugin, "--variants", "TOK,SPIN+TI,SPIN+TI:mtx"];
    const r = await kprim([...args, "--json", "--runs", "200"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as { rows: CompareRow[] }).rows;
    expect(rows.map((x) => [x.variant, x.options, x.verdict, x.expected, x.matches])).toEqual([
      ["TOK", {}, "not-found", "not-found", true],
      ["SPIN+TI", {}, "not-found", "not-found", true],
      ["SPIN+TI", { interlock: "mtx" }, "not-found", "not-found", true],
    ]);
    for (const x of rows) expect(x.cyclesPerOp).toBeGreaterThan(0);
    const bad = await kprim([...args.slice(0, -1), "SPIN+TI:", "--json"]);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      'kprim: --variants: "SPIN+TI:" is not VARIANT or VARIANT:INTERLOCK',
    ]);
  }, 120_000);
});
