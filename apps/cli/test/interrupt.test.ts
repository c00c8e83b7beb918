// Ctrl-C as a terminal sends it: SIGINT to every process of the job's process
// group (pnpm, the shell it starts, node), on the README's launcher and on
// the CLI started directly. One keypress is one request to stop: the partial
// result, then exit 130 (README: exit codes).
import { fromSource, interruptGroup, viaPnpm } from "@kprim/test-utils";
import { describe, expect, it } from "vitest";
import { fixture } from "./run-cli.js";

const EXPLORE = ["explore", "buf-churn", "--strategy", "pct", "--schedules", "1000000", "--workers", "2"];
const COMPARE = ["compare", "buf-churn", "--variants", "TOK,SPIN+TI"];

/** Interrupted by one SIGINT: pnpm re-raises it on itself (the shell's 130); the CLI exits 130. */
const interrupted = (r: { code: number; signal: NodeJS.Signals | null }): boolean =>
  r.code === 130 || r.signal === "SIGINT";

describe.concurrent("one Ctrl-C is one stop request", () => {
  it("`pnpm kprim explore --workers 2`: the group's SIGINT stops it once, with the partial result", async () => {
    const r = await interruptGroup(viaPnpm(EXPLORE), { ready: "kprim: exploring buf-churn", delayMs: 1500 });
    expect(r.stderr).not.toContain("a second Ctrl-C");
    expect(r.stderr.match(/kprim: stopping after the current execution/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/^stopped by Ctrl-C after \d+ executions \(partial result\)$/m);
    expect(r.stdout).toMatch(/^verdict: not found — \d+ executions, not exhaustive$/m);
    expect(interrupted(r)).toBe(true);
  });

  it("`pnpm kprim compare`: the group's SIGINT stops it inside the variant, whose row is marked partial", async () => {
    const r = await interruptGroup(viaPnpm(COMPARE), { ready: "kprim: comparing buf-churn", delayMs: 1500 });
    expect(r.stderr).not.toContain("a second Ctrl-C");
    expect(r.stdout).toMatch(/stopped by Ctrl-C/);
    expect(r.stdout).toMatch(/^TOK: partial: /m);
    expect(interrupted(r)).toBe(true);
  });

  it("the CLI itself: SIGINTs a moment apart (a launcher relaying the keypress) count once; exit 130", async () => {
    const r = await interruptGroup(fromSource(EXPLORE), {
      ready: "kprim: exploring buf-churn",
      delayMs: 800,
      more: [40, 150],
    });
    expect(r.stderr).not.toContain("a second Ctrl-C");
    expect(r.stdout).toMatch(/^stopped by Ctrl-C after \d+ executions \(partial result\)$/m);
    expect(r.code).toBe(130);
  });

  it("a second Ctrl-C a second later aborts what the first could not stop: no result, exit 130", async () => {
    // A thread body that never yields (the watchdog set past the test) cannot stop between executions.
    const stuck = ["explore", "never-yields", "--plugin", fixture("wrapped-interlock.ts"), "--watchdog", "60"];
    const r = await interruptGroup(fromSource([...stuck, "--strategy", "random"]), {
      ready: "kprim: exploring never-yields",
      delayMs: 300,
      more: [1200],
    });
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("kprim: stopping after the current execution");
    expect(r.stderr.trim().split("\n").at(-1)).toBe("kprim: interrupted (a second Ctrl-C)");
    expect(r.code).toBe(130);
  });
});
