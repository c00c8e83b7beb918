// compare's budgets: executions per search (--schedules), a time limit per
// variant and one for the whole command; a variant cut short is marked
// partial and is never counted as a match.
import { describe, expect, it } from "vitest";
import { kprim } from "./run-cli.js";

interface Row {
  variant: string;
  verdict: string;
  matches: boolean | null;
  partial: string | null;
  detail: string;
}
interface Report {
  stopped: string | null;
  variants: number;
  rows: Row[];
}

describe.concurrent("compare budgets", () => {
  it("--variant-time-limit cuts each variant short, marks its row partial and goes on with the next (exit 1)", async () => {
    const r = await kprim([
      "compare",
      "buf-churn",
      "--variants",
      "TOK,SPIN-naive",
      "--variant-time-limit",
      "1",
      "--json",
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as Report;
    expect(j.stopped).toBeNull();
    expect(j.rows.map((row) => [row.variant, row.partial])).toEqual([
      ["TOK", "variant-time-limit"],
      ["SPIN-naive", "variant-time-limit"],
    ]);
    for (const row of j.rows) expect(row.detail).toMatch(/^partial: stopped at the variant's time limit; /);
  });

  it("--time-limit stops the whole comparison inside the running variant; no later variant starts", async () => {
    const r = await kprim(["compare", "buf-churn", "--variants", "TOK,SPIN-naive", "--time-limit", "1", "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as Report;
    expect(j.stopped).toBe("time-limit");
    expect(j.rows).toHaveLength(1);
    expect([j.rows[0]!.partial, j.rows[0]!.matches]).toEqual(["time-limit", null]);
    expect(r.stderr).toContain("kprim: time limit reached; stopping inside the running variant");
  });

  it("--schedules caps each search of a variant: a matrix row that needs more is not exhausted, a mismatch (exit 1)", async () => {
    const r = await kprim([
      "compare",
      "lockmgr-lost-wakeup",
      "--variants",
      "SPIN+TI",
      "--schedules",
      "5",
      "--runs",
      "10",
      "--json",
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as Report;
    expect(j.rows[0]).toMatchObject({ variant: "SPIN+TI", partial: null, matches: false });
    expect(j.rows[0]!.detail).toBe("not exhausted: stopped at 5 executions");
  });

  it("a bad budget is a one-line usage error", async () => {
    for (const args of [
      ["--schedules", "0"],
      ["--time-limit", "-1"],
      ["--variant-time-limit", "soon"],
    ]) {
      const r = await kprim(["compare", "buf-churn", ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
