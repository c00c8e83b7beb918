/**
 * Plugins from the command line and from kprim.config.mjs, their errors,
 * and the two commands judged against matrix.json: `demo` and `compare`
 * (exit 0 when every verdict matches, 1 otherwise — shown with a plugin that
 * takes tsleep_interlock out of the sleep queue).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectUsageError, fixture, kprim, kprimInterrupted } from "./run-cli.js";

const withConfig = fileURLToPath(new URL("./fixtures/with-config/", import.meta.url));
const wrapped = fixture("wrapped-interlock.ts");
const forgetful = fixture("no-tsleep-interlock.ts");

describe.concurrent("plugins", () => {
  it("--plugin adds interlocks, strategies and scenarios: list shows them, and run uses them by name", async () => {
    const list = await kprim(["list", "--plugin", wrapped, "--json"]);
    expect(list.code).toBe(0);
    const never = (JSON.parse(list.stdout) as Record<string, unknown>[]).find((s) => s["name"] === "never-yields");
    expect(never).toMatchObject({ source: "wrapped", specId: null });
    const text = await kprim(["list", "--plugin", wrapped]);
    expect(text.stdout).toMatch(/^interlocks: token, spin, spin-naive, wrapped-naive \(plugin wrapped\)$/m);
    expect(text.stdout).toMatch(
      /^run strategies: random, pct, timed, rr, lowest-first \(plugin wrapped\), never-chooses \(plugin wrapped\)$/m,
    );
    expect(text.stdout).toMatch(
      /^explore strategies: auto, dpor, stateful, pct, random, lowest-first \(plugin wrapped\), never-chooses \(plugin wrapped\)$/m,
    );
    const run = await kprim([
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

  it("explore samples with a plugin strategy (one thread; --workers is refused)", async () => {
    const args = ["explore", "lockmgr-lost-wakeup", "--plugin", wrapped, "--strategy", "lowest-first"];
    const r = await kprim([...args, "--schedules", "5", "--json"]);
    const j = JSON.parse(r.stdout) as { mode: string; verdict: string; executions: number };
    expect(j.mode).toBe("lowest-first(seed=1, runs=5)");
    // Always the first choice: every run is the same schedule, so one verdict for all five.
    expect(j.executions).toBe(j.verdict === "found" ? 1 : 5);
    expect(r.code).toBe(j.verdict === "found" ? 1 : 0);
    expect(expectUsageError(await kprim([...args, "--workers", "2"]))).toBe(
      "kprim: --workers applies to random and pct sampling; plugin strategy lowest-first runs on one thread",
    );
    expect(
      expectUsageError(
        await kprim(["explore", "lockmgr-lost-wakeup", "--strategy", "lowest-frist", "--plugin", wrapped]),
      ),
    ).toBe(
      'kprim: unknown explore strategy "lowest-frist" (did you mean "lowest-first"?); strategies: auto, dpor, stateful, pct, random, lowest-first, never-chooses',
    );
  });

  it("a plugin interlock finds the lost wakeup; its replay command carries --plugin and reproduces it", async () => {
    const r = await kprim([
      "explore",
      "lockmgr-lost-wakeup",
      "--plugin",
      wrapped,
      "--interlock",
      "wrapped-naive",
      "--json",
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { replay: string; shrunk: string; failure: string };
    expect(j.failure).toContain("[lost-wakeup]");
    expect(j.replay).toBe(`kprim replay lockmgr-lost-wakeup --plugin ${wrapped} --schedule '${j.shrunk}'`);
    const again = await kprim(["replay", "lockmgr-lost-wakeup", "--plugin", wrapped, "--schedule", j.shrunk]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^outcome: violation at step \d+: \[lost-wakeup\]/m);
    // Without the plugin the schedule's interlock is unknown.
    expect(expectUsageError(await kprim(["replay", "lockmgr-lost-wakeup", "--schedule", j.shrunk]))).toContain(
      'unknown interlock "wrapped-naive"',
    );
  });

  it("kprim.config.mjs in the working directory loads plugins (and replay commands need no --plugin then)", async () => {
    const r = await kprim(["explore", "lockmgr-lost-wakeup", "--interlock", "wrapped-naive", "--strategy", "random"], {
      cwd: withConfig,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^replay: {3}kprim replay lockmgr-lost-wakeup --schedule 'kprim3:lockmgr-lost-wakeup:SPIN\+TI:interlock=wrapped-naive:::\S+'$/m,
    );
  });

  it("a plugin that throws while loading or in set-up, a missing one, or two registering one name: one-line errors, exit 2", async () => {
    expect(expectUsageError(await kprim(["list", "--plugin", fixture("broken.ts")]))).toBe(
      `kprim: plugin ${fixture("broken.ts")} failed to load: this plugin is broken on purpose`,
    );
    expect(expectUsageError(await kprim(["list", "--plugin", wrapped, "--plugin", fixture("clash.ts")]))).toBe(
      `kprim: interlock "wrapped-naive" is registered by both plugin "wrapped" (${wrapped}) and plugin "clash" (${fixture("clash.ts")})`,
    );
    expect(expectUsageError(await kprim(["run", "broken-setup", "--plugin", wrapped]))).toBe(
      "kprim: scenario broken-setup (plugin wrapped) failed to set up: no such cell",
    );
    expect(expectUsageError(await kprim(["list", "--plugin", "./no/such/plugin.js"]))).toContain(
      "kprim: plugin ./no/such/plugin.js failed to load: ",
    );
  });
});

describe.concurrent("replaying with the plugins a schedule ran with", () => {
  const schedule = "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1sx8.0sx5.1sx5.0s";
  const quiet = fixture("quiet-detector.ts");

  it("a plugin's layer that the schedule did not run with is named: replay it without that plugin", async () => {
    const bug = "./plugins/teaching-bugs/src/wakeupIgnoresCpumask.ts";
    const r = await kprim(["replay", "lockmgr-lost-wakeup", "--schedule", schedule, "--plugin", bug]);
    expect(expectUsageError(r)).toBe(
      'kprim: the schedule ran with the built-in sleepq layer, but a plugin replaces it with "teaching__wakeup_ignores_the_cpumask": replay it without that plugin',
    );
  });

  it("a plugin's detector is named in the schedule; a replay needs exactly the detectors it ran with", async () => {
    const ran = await kprim(["explore", "lockmgr-lost-wakeup", "--variant", "SPIN-naive", "--plugin", quiet, "--json"]);
    expect(ran.code).toBe(1);
    const j = JSON.parse(ran.stdout) as { shrunk: string; replay: string };
    expect(j.shrunk).toContain(":detector.quiet=quiet:");
    expect(j.replay).toBe(`kprim replay lockmgr-lost-wakeup --plugin ${quiet} --schedule '${j.shrunk}'`);
    expect(expectUsageError(await kprim(["replay", "lockmgr-lost-wakeup", "--schedule", j.shrunk]))).toBe(
      'kprim: the schedule ran with detector "quiet" of plugin "quiet": load that plugin (--plugin or kprim.config.mjs) to replay it',
    );
    expect(
      expectUsageError(await kprim(["replay", "lockmgr-lost-wakeup", "--schedule", schedule, "--plugin", quiet])),
    ).toBe(
      'kprim: the schedule ran without detector "quiet", which plugin "quiet" installs: replay it without that plugin',
    );
  });
});

describe.concurrent("demo", () => {
  // Its duration is not asserted: a wall-clock bound fails on a loaded machine (apps/bench measures speed).
  it("tells the story and exits 0: every verdict matches matrix.json", async () => {
    const r = await kprim(["demo"]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain("1. getnewbuf with lockmgr's token interlock (before the patch)");
    expect(out).toMatch(/found after \d+ executions: getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected/);
    expect(out).toMatch(
      /replay: kprim replay getnewbuf-locked-buf --schedule 'kprim3:getnewbuf-locked-buf:TOK:::signal=console%3Agetnewbuf%3A%20warning%2C%20locked%20buf:\S+'/,
    );
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

  it("--json gives the sections; a plugin that drops tsleep_interlock makes a verdict mismatch: exit 1", async () => {
    const r = await kprim(["demo", "--json", "--plugin", forgetful]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as {
      ok: boolean;
      sections: { variant: string; holds: boolean; replayed: string | null }[];
    };
    expect(j.ok).toBe(false);
    // Only the last section depends on tsleep_interlock inside msleep.
    expect(j.sections.map((s) => [s.variant, s.holds])).toEqual([
      ["TOK", true],
      ["SPIN+TI", true],
      ["SPIN-naive", true],
      ["SPIN+TI", false],
    ]);
    expect(j.sections[0]!.replayed).toMatch(/^ok; cpu1 T_new: getnewbuf: warning, locked buf/);
    expect(j.sections[3]!.replayed).toMatch(/^violation at step \d+: \[lost-wakeup\]/);
  });
});

describe.concurrent("compare", () => {
  it("tabulates verdicts against matrix.json, schedules to failure, warnings and cost per variant (exit 0)", async () => {
    const r = await kprim(["compare", "getnewbuf-locked-buf", "--variants", "TOK,SPIN+TI", "--runs", "200"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /│ TOK +│ found console:getnewbuf: warning, locked buf +│ found ✓ match +│ \d+ +│ [1-9][\d.]* +│ [\d.]+ +│ [\d.]+ +│/,
    );
    expect(r.stdout).toMatch(/│ SPIN\+TI +│ not-found any +│ not-found ✓ match +│ — +│ 0 +│ [\d.]+ +│ [\d.]+ +│/);
  });

  it("--json: exit 1 when a verdict does not match matrix.json (a plugin drops tsleep_interlock); 2 for an unknown variant", async () => {
    const r = await kprim([
      "compare",
      "lockmgr-lost-wakeup",
      "--variants",
      "SPIN-naive,SPIN+TI",
      "--runs",
      "100",
      "--plugin",
      forgetful,
      "--json",
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { scenario: string; specId: string; rows: Record<string, unknown>[] };
    expect([j.scenario, j.specId]).toEqual(["lockmgr-lost-wakeup", "R3"]);
    expect(j.rows).toMatchObject([
      { variant: "SPIN-naive", verdict: "found", expected: "found", matches: true, runs: 100, warningsPer10k: 0 },
      { variant: "SPIN+TI", verdict: "found", expected: "not-found", matches: false, runs: 100, warningsPer10k: 0 },
    ]);
    for (const row of j.rows) {
      expect(row["schedulesToFailure"]).toBeGreaterThan(0);
      expect(row["cyclesPerOp"]).toBeGreaterThan(0);
      expect(row["replay"]).toMatch(/^kprim replay lockmgr-lost-wakeup --plugin \S+ --schedule 'kprim3:/);
    }
    expect(expectUsageError(await kprim(["compare", "lost-wakeup", "--variants", "TOK,SPINTI"]))).toContain(
      'unknown variant "SPINTI" (did you mean "SPIN+TI"?)',
    );
  });

  it("--variants must name at least one variant, each once: '' and duplicates are usage errors", async () => {
    const compare = (variants: string) => kprim(["compare", "getnewbuf-locked-buf", "--variants", variants]);
    expect(expectUsageError(await compare(""))).toBe(
      "kprim: --variants: no variant given (e.g. --variants TOK,SPIN+TI; without --variants, the scenario's matrix rows)",
    );
    expect(expectUsageError(await compare(" , "))).toContain("--variants: no variant given");
    expect(expectUsageError(await compare("TOK,SPIN+TI,TOK"))).toBe("kprim: --variants: TOK is given twice");
    expect(expectUsageError(await compare("TOK,TOK:token"))).toBe(
      "kprim: --variants: TOK and TOK:token are the same run (variant TOK with interlock=token)",
    );
  });

  it("exit 0 needs at least one verdict checked: a scenario with no matrix row under the variants exits 1, saying so", async () => {
    const r = await kprim(["compare", "lost-wakeup", "--variants", "TOK", "--runs", "20"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^no verdict checked: matrix\.json has no row for lost-wakeup under TOK$/m);
    const alike = await kprim(["compare", "lost-wakeup", "--variants", "TOK,SPIN-naive,SPIN+TI:token", "--runs", "20"]);
    expect(alike.stdout).toMatch(
      /^note: TOK, SPIN-naive and SPIN\+TI:token run lost-wakeup alike \(it depends only on wakeup, spinWait\)$/m,
    );
    const lockmgr = await kprim([
      "compare",
      "lockmgr-lost-wakeup",
      "--variants",
      "SPIN+TI,SPIN+TI-nomp",
      "--runs",
      "20",
    ]);
    expect(lockmgr.stdout).toMatch(
      /^note: SPIN\+TI and SPIN\+TI-nomp run lockmgr-lost-wakeup alike \(it depends only on interlock, tokenMode, tokenRelease, wakeup, spinWait, lockmgr, lockmgrWakeups\)$/m,
    );
    const j = JSON.parse(
      (await kprim(["compare", "lost-wakeup", "--variants", "TOK", "--runs", "20", "--json"])).stdout,
    ) as {
      checked: number;
      ok: boolean;
    };
    expect([j.checked, j.ok]).toEqual([0, false]);
  });

  it("Ctrl-C stops inside the running variant: its row is partial, the rows done are kept, no later one starts (exit 130)", async () => {
    const r = await kprimInterrupted(
      ["compare", "lockmgr-lost-wakeup", "--runs", "20000", "--json"],
      "kprim: comparing lockmgr-lost-wakeup under 3 variants",
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(
      "kprim: stopping inside the running variant, whose row is marked partial (Ctrl-C again to abort)",
    );
    const j = JSON.parse(r.stdout) as {
      variants: number;
      stopped: string;
      ok: boolean;
      rows: { variant: string; partial: string | null; detail: string }[];
    };
    expect([j.variants, j.stopped, j.ok]).toEqual([3, "interrupted", false]);
    // The variant running at Ctrl-C is cut short and marked; the ones after it never start.
    expect(j.rows.length).toBeLessThan(3);
    const last = j.rows.at(-1)!;
    expect(last.partial).toBe("interrupted");
    expect(last.detail).toMatch(/^partial: stopped by Ctrl-C; /);
    expect(j.rows.slice(0, -1).every((row) => row.partial === null)).toBe(true);
  });
});
