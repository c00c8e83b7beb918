/**
 * The replay handle always reproduces the verdict. For every row of the
 * acceptance matrix that expects a finding, and every catalogue scenario
 * that declares its spec id: `kprim explore` finds the row's signal (exit
 * 1), and the replay command it prints, run verbatim, gives the same verdict
 * (found, exit 1) and the outcome explore says it shows. Likewise with a
 * step limit, for each of those scenarios: explore with `--max-steps 3`
 * ends at the limit, and its printed replay stops at the same step. Every
 * handle printed is in the current schedule format, kprim3.
 */
import { catalogue, matrix, rowChecks } from "@kprim/scenarios";
import { describe, expect, it } from "vitest";
import { kprim, kprimPrinted } from "./run-cli.js";

const found = rowChecks(matrix, catalogue).filter((c) => c.row.expect === "found");

interface Explored {
  verdict: string;
  failure: string;
  replay: string;
  /** How the shrunk counterexample ends (what its replay shows). */
  replayed: string;
}

async function explore(args: string[]): Promise<Explored> {
  const r = await kprim(["explore", ...args, "--json"], { timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(1);
  const j = JSON.parse(r.stdout) as Explored;
  expect(j.verdict).toBe("found");
  // Printed now: the current schedule format.
  expect(j.replay).toMatch(/ --schedule 'kprim3:/);
  return j;
}

describe.concurrent("every printed replay command reproduces its verdict", () => {
  it("covers every row that expects a finding", () => {
    expect(found.length).toBeGreaterThanOrEqual(20);
  });

  for (const { row, scenario } of found) {
    const options = Object.entries(row.options).flatMap(([k, v]) => ["--option", `${k}=${v}`]);
    const run = [scenario.name, "--variant", row.variant, ...options];
    const label = `${row.id} ${row.variant}${options.length ? ` ${options.join(" ")}` : ""} · ${scenario.name}`;

    it(`${label}: ${row.signal}`, async () => {
      const j = await explore([...run, "--signal", row.signal]);
      const again = await kprimPrinted(j.replay);
      expect(again.code, `${j.replay}\n${again.stderr}`).toBe(1);
      if (row.signal.startsWith("console:")) expect(again.stdout).toContain(`signal ${row.signal}: shown`);
      else expect(again.stdout).toContain(`outcome: ${j.replayed}\n`);
    }, 240_000);
  }

  // The same with a step limit, once per scenario: explore ends at the limit, and the replay stops there too.
  for (const name of [...new Set(found.map((c) => c.scenario.name))]) {
    it(`${name} with --max-steps 3: the replay stops at step 3 again`, async () => {
      const limited = await explore([name, "--max-steps", "3", "--signal", "step-limit"]);
      const atLimit = "step limit reached at step 3";
      expect([limited.failure, limited.replayed]).toEqual([atLimit, atLimit]);
      const stopped = await kprimPrinted(limited.replay);
      expect(stopped.code, `${limited.replay}\n${stopped.stderr}`).toBe(1);
      expect(stopped.stdout).toContain(`outcome: ${atLimit}\n`);
    }, 240_000);
  }
});
