/**
 * Plugins from the command line and from kprim.config.mjs, their errors,
 * and the two commands judged against matrix.json: `demo` and `compare`
 * (exit 0 when every verdict matches, 1 otherwise — shown with a plugin that
 * takes tsleep_interlock out of the sleep queue).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectUsageError, fixture, kprim } from "./run-cli.js";

const withConfig = fileURLToPath(new URL("./fixtures/with-config/", import.meta.url));
const wrapped = fixture("wrapped-interlock.ts");
const forgetful = fixture("no-tsleep-interlock.ts");

describe("plugins", () => {
  it("--plugin adds interlocks, strategies and scenarios: list shows them, and run uses them by name", () => {
    const list = kprim(["list", "--plugin", wrapped, "--json"]);
    expect(list.code).toBe(0);
    const never = (JSON.parse(list.stdout) as Record<string, unknown>[]).find((s) => s["name"] === "never-yields");
    expect(never).toMatchObject({ source: "wrapped", specId: null });
    const text = kprim(["list", "--plugin", wrapped]);
    expect(text.stdout).toMatch(/^interlocks: token, spin, spin-naive, wrapped-naive \(plugin wrapped\)$/m);
    expect(text.stdout).toMatch(/^run strategies: random, pct, timed, rr, lowest-first \(plugin wrapped\)$/m);
    const run = kprim([
      "run",
      "lockmgr-lost-wakeup",
      "--plugin",
      wrapped,
      "--interlock",
      "wrapped-naive",
      "--strategy",
      "lowest-first",
      "--json",
    ]);
    const j = JSON.parse(run.stdout) as { strategy: string; options: { interlock: string }; outcome: { kind: string } };
    expect([j.strategy, j.options.interlock]).toEqual(["lowest-first(seed=1)", "wrapped-naive"]);
    expect(run.code).toBe(j.outcome.kind === "ok" ? 0 : 1);
  });

  it("a plugin interlock finds the lost wakeup; its replay command carries --plugin and reproduces it", () => {
    const r = kprim(["explore", "lockmgr-lost-wakeup", "--plugin", wrapped, "--interlock", "wrapped-naive", "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { replay: string; shrunk: string; failure: string };
    expect(j.failure).toContain("[lost-wakeup]");
    expect(j.replay).toBe(`kprim replay lockmgr-lost-wakeup --plugin ${wrapped} --schedule '${j.shrunk}'`);
    const again = kprim(["replay", "lockmgr-lost-wakeup", "--plugin", wrapped, "--schedule", j.shrunk]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^outcome: violation at step \d+: \[lost-wakeup\]/m);
    // Without the plugin the schedule's interlock is unknown.
    expect(expectUsageError(kprim(["replay", "lockmgr-lost-wakeup", "--schedule", j.shrunk]))).toContain(
      'unknown interlock "wrapped-naive"',
    );
  });

  it("kprim.config.mjs in the working directory loads plugins (and replay commands need no --plugin then)", () => {
    const r = kprim(["explore", "lockmgr-lost-wakeup", "--interlock", "wrapped-naive", "--strategy", "random"], {
      cwd: withConfig,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^replay: {3}kprim replay lockmgr-lost-wakeup --schedule 'kprim1:lockmgr-lost-wakeup:SPIN\+TI:interlock=wrapped-naive::\S+'$/m,
    );
  });

  it("a plugin that throws while loading, or two plugins registering one name, is a one-line error with exit 2", () => {
    expect(expectUsageError(kprim(["list", "--plugin", fixture("broken.ts")]))).toBe(
      `kprim: plugin ${fixture("broken.ts")} failed to load: this plugin is broken on purpose`,
    );
    expect(expectUsageError(kprim(["list", "--plugin", wrapped, "--plugin", fixture("clash.ts")]))).toBe(
      `kprim: interlock "wrapped-naive" is registered by both plugin "wrapped" (${wrapped}) and plugin "clash" (${fixture("clash.ts")})`,
    );
    expect(expectUsageError(kprim(["list", "--plugin", "./no/such/plugin.js"]))).toContain(
      "kprim: plugin ./no/such/plugin.js failed to load: ",
    );
  });
});

describe("demo", () => {
  it("tells the story in under a minute and exits 0: every verdict matches matrix.json", () => {
    const r = kprim(["demo"]);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(60_000);
    const out = r.stdout;
    expect(out).toContain("1. getnewbuf with lockmgr's token interlock (before the patch)");
    expect(out).toMatch(/found after \d+ executions: getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected/);
    expect(out).toMatch(/replay: kprim replay getnewbuf-locked-buf --schedule 'kprim1:getnewbuf-locked-buf:TOK:::\S+'/);
    expect(out).toMatch(
      /2\. getnewbuf with the spinlock interlock \(the patch\)\n.*\n {3}explored exhaustively: \d+ executions, no console line and no failure/,
    );
    expect(out).toMatch(
      /3\. a lockmgr sleep that releases its spinlock, then calls tsleep\n.*\n {3}found after \d+ executions: violation at step \d+: \[lost-wakeup\]/,
    );
    expect(out).toMatch(/4\. the same sleep with tsleep_interlock \(the patch\)\n.*\n {3}explored exhaustively/);
    expect(out.match(/✓ matches matrix.json/g)).toHaveLength(4);
    expect(out).toMatch(/^All 4 verdicts match matrix.json.$/m);
  });

  it("--json gives the sections; a plugin that drops tsleep_interlock makes a verdict mismatch: exit 1", () => {
    const ok = kprim(["demo", "--json"]);
    expect(ok.code).toBe(0);
    const j = JSON.parse(ok.stdout) as {
      ok: boolean;
      sections: { variant: string; holds: boolean; replayed: string | null }[];
    };
    expect(j.ok).toBe(true);
    expect(j.sections.map((s) => [s.variant, s.holds])).toEqual([
      ["TOK", true],
      ["SPIN+TI", true],
      ["SPIN-naive", true],
      ["SPIN+TI", true],
    ]);
    expect(j.sections[0]!.replayed).toMatch(/^ok; cpu1 T_new: getnewbuf: warning, locked buf/);
    const broken = kprim(["demo", "--plugin", forgetful]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      /4\. the same sleep with tsleep_interlock \(the patch\)[\s\S]*✗ does NOT match matrix.json/,
    );
    expect(broken.stdout).toMatch(/^1 verdict\(s\) do not match matrix.json.$/m);
  });
});

describe("compare", () => {
  it("tabulates verdicts against matrix.json, schedules to failure, warnings and cost per variant (exit 0)", () => {
    const r = kprim(["compare", "getnewbuf-locked-buf", "--variants", "TOK,SPIN+TI", "--runs", "200"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /│ TOK +│ found console:getnewbuf: warning, locked buf +│ found ✓ match +│ \d+ +│ [\d.]+ +│ [\d.]+ +│ [\d.]+ +│/,
    );
    expect(r.stdout).toMatch(/│ SPIN\+TI +│ not-found any +│ not-found ✓ match +│ — +│ 0 +│ [\d.]+ +│ [\d.]+ +│/);
    const j = JSON.parse(
      kprim(["compare", "getnewbuf-locked-buf", "--variants", "TOK,SPIN+TI", "--runs", "200", "--json"]).stdout,
    ) as {
      rows: { variant: string; matches: boolean; warningsPer10k: number; schedulesToFailure: number | null }[];
    };
    expect(j.rows.map((x) => [x.variant, x.matches])).toEqual([
      ["TOK", true],
      ["SPIN+TI", true],
    ]);
    expect(j.rows[0]!.warningsPer10k).toBeGreaterThan(0);
    expect(j.rows[1]!.warningsPer10k).toBe(0);
    expect(j.rows[1]!.schedulesToFailure).toBeNull();
  });

  it("exits 1 when a verdict does not match matrix.json, and 2 for an unknown variant", () => {
    const r = kprim([
      "compare",
      "lockmgr-lost-wakeup",
      "--variants",
      "SPIN+TI",
      "--runs",
      "50",
      "--plugin",
      forgetful,
      "--json",
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { rows: { verdict: string; expected: string; matches: boolean }[] };
    expect(j.rows).toMatchObject([{ verdict: "found", expected: "not-found", matches: false }]);
    expect(expectUsageError(kprim(["compare", "lost-wakeup", "--variants", "TOK,SPINTI"]))).toContain(
      'unknown variant "SPINTI" (did you mean "SPIN+TI"?)',
    );
  });
});
