/**
 * The kprim command (in this process, as run-cli.ts runs it): help, list, run and replay in both
 * output modes, traces, and the one-line errors (exit 2) for every bad input.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { expectUsageError, kprim, kprimPrinted } from "./run-cli.js";

const COMMANDS = ["list", "run", "explore", "replay", "compare", "demo"];

describe.concurrent("help and usage", () => {
  it("--help lists every command and exits 0; --version prints the version", async () => {
    const r = await kprim(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: kprim");
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
    const v = await kprim(["--version"]);
    expect([v.code, v.stdout.trim()]).toEqual([0, pkg.version]);
  });

  it("every command has --help with an example and a --json option", async () => {
    for (const c of COMMANDS) {
      const r = await kprim([c, "--help"]);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(new RegExp(`Examples?:\\n {2}kprim ${c}`));
      expect(r.stdout, c).toContain("--json");
    }
  });

  it("an unknown command, an unknown option or a bad number is a one-line error with exit 2", async () => {
    expect(expectUsageError(await kprim(["demoo"]))).toBe("kprim: unknown command 'demoo' (Did you mean demo?)");
    expect(expectUsageError(await kprim(["demo", "--fast"]))).toBe("kprim: unknown option '--fast'");
    expect(expectUsageError(await kprim(["run", "lost-wakeup", "--seed", "x"]))).toContain(
      `option '--seed <n>' argument 'x' is invalid`,
    );
    expect(expectUsageError(await kprim(["run", "lost-wakeup", "--param", "sleepers"]))).toContain(
      'expected key=value, got "sleepers"',
    );
  });
});

describe.concurrent("one vocabulary: the header shows what ran, and a choice that changes nothing says so", () => {
  it("a variant that cannot affect the scenario is said to run as any other; the header names only what the run depends on", async () => {
    const r = await kprim(["run", "lost-wakeup", "--variant", "SPIN-naive", "--param", "sleep=unlock-then-tsleep"]);
    expect(r.stdout).toMatch(/^lost-wakeup with sleep=unlock-then-tsleep, random\(seed=1\)$/m);
    expect(r.stdout).toContain(
      "note: lost-wakeup depends on none of the options a variant sets (interlock, tokenMode, outer, lockmgr): under SPIN-naive it runs as under any variant",
    );
    expect(r.stdout).not.toMatch(/interlock=spin/);
    const j = JSON.parse((await kprim(["explore", "lost-wakeup", "--interlock", "token", "--json"])).stdout) as {
      notes: string[];
    };
    expect(j.notes).toEqual(["lost-wakeup does not depend on the interlock: --interlock token changes nothing"]);
  });

  it("a variant that differs only in what the scenario ignores is said to run as the default; the rest is shown", async () => {
    const r = await kprim(["run", "token-stale-read", "--variant", "SPIN-naive"]);
    expect(r.stdout).toMatch(/^token-stale-read under SPIN-naive \(tokenMode=yield\), random\(seed=1\)$/m);
    expect(r.stdout).toContain(
      "note: token-stale-read depends only on tokenMode of what a variant sets: under SPIN-naive it runs as under SPIN+TI",
    );
    const plain = await kprim([
      "run",
      "lockmgr-lost-wakeup",
      "--interlock",
      "spin-naive",
      "--option",
      "wakeup=multicast",
    ]);
    expect(plain.stdout).toMatch(
      /^lockmgr-lost-wakeup under SPIN\+TI:spin-naive \(interlock=spin-naive lockmgr=2005 tokenMode=yield wakeup=multicast\), random\(seed=1\)$/m,
    );
    expect(plain.stdout).not.toContain("note:");
  });

  it("the lost-wakeup scenario's old parameter name is refused with the new one", async () => {
    expect(expectUsageError(await kprim(["run", "lost-wakeup", "--param", "interlock=none"]))).toBe(
      'kprim: scenario lost-wakeup: parameter "interlock" is now "sleep" (how the sleeper goes to sleep; --interlock chooses the lockmgr interlock): --param sleep=unlock-then-tsleep',
    );
  });
});

describe.concurrent("list", () => {
  it("prints every scenario with its spec id, parameters and matrix variants", async () => {
    const r = await kprim(["list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^getnewbuf-locked-buf {2}R1$/m);
    expect(r.stdout).toContain("  --param sleepers=<int 1..7>  default 1: sleeping threads, one per cpu");
    expect(r.stdout).toMatch(
      /^lost-wakeup {2}no spec id\n.*\n(?: {2}--param .*\n)+ {2}depends on: wakeup, spinWait \(not on interlock, tokenMode, tokenRelease, outer, lockmgr, lockmgrWakeups, bufChecks, getblkCheck, getnewbufSleep, splbio, bufInterlock\)$/m,
    );
    expect(r.stdout).toContain("TOK → found console:getnewbuf: warning, locked buf");
    expect(r.stdout).toMatch(/^variants: TOK, TOK-spin2005, SPIN-naive, SPIN\+TI, SPIN\+TI-nomp, SPIN\+TI-2008$/m);
    expect(r.stdout).toMatch(/^interlocks: token, spin, spin-naive$/m);
  });

  it("--json is an array of {name, specId, description, params, variants}", async () => {
    const r = await kprim(["list", "--json"]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(list.length).toBeGreaterThanOrEqual(25);
    for (const s of list) {
      expect(Object.keys(s)).toEqual([
        "name",
        "specId",
        "description",
        "source",
        "params",
        "variants",
        "dependsOn",
        "detectors",
      ]);
    }
    const lw = list.find((s) => s["name"] === "lost-wakeup")!;
    expect(lw["specId"]).toBeNull();
    // What the run depends on, and the detectors a violation:<detector> target may name.
    expect(lw["dependsOn"]).toEqual(["wakeup", "spinWait"]);
    expect(lw["detectors"]).toContain("lost-wakeup");
    expect(lw["params"]).toContainEqual({
      name: "sleepers",
      type: "int 1..7",
      default: 1,
      description: "sleeping threads, one per cpu",
    });
    const r1 = list.find((s) => s["name"] === "getnewbuf-locked-buf")!;
    expect(r1["variants"]).toContainEqual({
      variant: "TOK",
      options: {},
      expect: "found",
      signal: "console:getnewbuf: warning, locked buf",
    });
  });
});

describe.concurrent("run and replay", () => {
  it("run prints the outcome, the kernel console, the counters and the schedule; exit 0 when nothing failed", async () => {
    const r = await kprim(["run", "getnewbuf-locked-buf", "--variant", "TOK", "--seed", "12"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "getnewbuf-locked-buf under TOK (interlock=token lockmgr=2005 outer=mplock tokenMode=yield)",
    );
    expect(r.stdout).toMatch(/^outcome: ok$/m);
    expect(r.stdout).toMatch(/^ {2}step \d+ cpu1 T_new: getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected$/m);
    expect(r.stdout).toMatch(/^counters: \d+ steps, \d+ cycles makespan, \d+ IPIs sent/m);
    expect(r.stdout).toMatch(/^schedule: kprim3:getnewbuf-locked-buf:TOK::::\S+$/m);
  });

  it("run --json finds a lost wakeup (exit 1), is byte-identical when repeated, and replay reproduces it exactly", async () => {
    const args = ["run", "lockmgr-lost-wakeup", "--interlock", "spin-naive", "--seed", "60", "--json"];
    const a = await kprim(args);
    const b = await kprim(args);
    expect(a.code).toBe(1);
    expect(b.stdout).toBe(a.stdout);
    const run = JSON.parse(a.stdout) as Record<string, any>;
    for (const k of ["outcome", "console", "counters", "schedule"]) expect(run).toHaveProperty(k);
    expect(run["outcome"].kind).toBe("violation");
    expect(run["outcome"].detector).toBe("lost-wakeup");
    expect(run["schedule"]).toMatch(/^kprim3:lockmgr-lost-wakeup:SPIN\+TI:interlock=spin-naive:::/);
    const again = await kprim(["replay", "lockmgr-lost-wakeup", "--schedule", run["schedule"], "--json"]);
    expect(again.code).toBe(1);
    const rep = JSON.parse(again.stdout) as Record<string, unknown>;
    for (const k of ["outcome", "console", "counters", "schedule", "steps", "makespan"]) expect(rep[k]).toEqual(run[k]);
    expect(rep["strategy"]).toBe("replay");
  });

  it("replay of a kprim2 string printed before the separate dispatch step (a timeout wakes a thread on an idle cpu) reproduces its verdict", async () => {
    // Printed by `kprim explore getnewbuf-locked-buf --variant TOK --signal 'console:getnewbuf: warning'` on 5d498fd.
    const schedule =
      "kprim2:getnewbuf-locked-buf:TOK:::signal=console%3Agetnewbuf%3A%20warning:0sx2.1s.0sx2.1i0.1sx3.0d.0i1.0sx2.1d.1i0x2.1sx2.0d.0i1x2.0sx8.1d.1i0.1sx5.0d.0sx12.1t1.1sx4.0i1.1d.1sx21";
    const r = await kprim(["replay", "getnewbuf-locked-buf", "--schedule", schedule]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain("signal console:getnewbuf: warning: shown");
    expect(r.stdout).toContain(`schedule: ${schedule}\n`);
  });

  it("replay prints the run as text and writes its trace (text, json, perfetto, html)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kprim-trace-"));
    const schedule = "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1sx8.0sx5.1sx5.0s";
    const r = await kprim([
      "replay",
      "lockmgr-lost-wakeup",
      "--schedule",
      schedule,
      "--trace",
      "html",
      "--out",
      join(dir, "t.html"),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^outcome: violation at step 19: \[lost-wakeup\]/m);
    expect(r.stdout).toContain(`trace (html): ${join(dir, "t.html")}`);
    expect(readFileSync(join(dir, "t.html"), "utf8")).toMatch(/^<!doctype html>/i);
    const text = await kprim([
      "run",
      "lockmgr-lost-wakeup",
      "--seed",
      "60",
      "--trace",
      "text",
      "--out",
      join(dir, "t.txt"),
    ]);
    expect(text.code).toBe(0);
    expect(readFileSync(join(dir, "t.txt"), "utf8")).toMatch(/^# kprim trace: lockmgr-lost-wakeup/);
    const json = await kprim(["run", "lost-wakeup", "--trace", "json", "--out", join(dir, "t.json"), "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).not.toHaveProperty("trace");
    expect(JSON.parse(readFileSync(join(dir, "t.json"), "utf8"))).toHaveProperty("events");
    const perfetto = await kprim(["run", "lost-wakeup", "--trace", "perfetto", "--out", join(dir, "t.pf.json")]);
    expect(perfetto.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "t.pf.json"), "utf8"))).toHaveProperty("traceEvents");
  });

  it("a run that reaches the step limit is inconclusive, as explore says: exit 3 in run, its replay and --interactive; --signal step-limit finds it (exit 1)", async () => {
    const limited = ["run", "lost-wakeup", "--max-steps", "5"];
    const r = await kprim(limited);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/^outcome: step limit reached at step 5$/m);
    expect(r.stdout).toMatch(
      /^verdict: INCONCLUSIVE — 1 execution reached the step limit \(5\) — inconclusive, not a failure\. In it, over its last \d+ steps .*--signal step-limit counts step limits as failures\.$/m,
    );
    const replay = /^replay: +(kprim replay .+)$/m.exec(r.stdout)?.[1];
    expect(replay).toMatch(/^kprim replay lost-wakeup --schedule 'kprim3:lost-wakeup:/);
    const again = await kprimPrinted(replay!);
    expect(again.code).toBe(3);
    expect(again.stdout).toMatch(/^outcome: step limit reached at step 5$/m);
    expect(again.stdout).toMatch(/^verdict: INCONCLUSIVE — /m);
    const json = await kprim([...limited, "--json"]);
    expect(json.code).toBe(3);
    const j = JSON.parse(json.stdout) as { found: boolean; inconclusive: { message: string; loop: unknown[] } | null };
    expect(j.found).toBe(false);
    expect(j.inconclusive?.message).toMatch(/^1 execution reached the step limit \(5\) — inconclusive, not a failure/);
    const stepped = await kprim(["run", "lost-wakeup", "--max-steps", "2", "--interactive"], { stdin: "1\n1\n1\n" });
    expect(stepped.code, stepped.stderr).toBe(3);
    expect(stepped.stdout).toMatch(/^outcome: step limit reached at step 2$/m);
    expect(stepped.stdout).toMatch(/^verdict: INCONCLUSIVE — 1 execution reached the step limit \(2\)/m);
    // Its own target: found, and nothing inconclusive about it.
    const target = await kprim([...limited, "--signal", "step-limit", "--json"]);
    expect(target.code).toBe(1);
    expect((JSON.parse(target.stdout) as { inconclusive: unknown }).inconclusive).toBeNull();
    // A run that ends is not inconclusive.
    const ended = await kprim(["run", "lost-wakeup", "--json"]);
    expect([ended.code, (JSON.parse(ended.stdout) as { inconclusive: unknown }).inconclusive]).toEqual([0, null]);
  });
});

describe.concurrent("strategies and cpus", () => {
  it("run takes pct, timed and rr strategies, each named in the report", async () => {
    const base = ["run", "lockmgr-lost-wakeup", "--variant", "SPIN-naive", "--json"];
    const labels: string[] = [];
    for (const s of ["pct", "timed", "rr"]) {
      const r = await kprim([...base, "--strategy", s, "--seed", "2"]);
      const j = JSON.parse(r.stdout) as { strategy: string; outcome: { kind: string } };
      expect(r.code, s).toBe(j.outcome.kind === "ok" ? 0 : 1);
      labels.push(j.strategy.replace(/steps=\d+/, "steps=N"));
    }
    expect(labels).toEqual(["pct(seed=2, d=3, steps=N)", "timed(jitter seed=2)", "round-robin"]);
  });

  it("--cpus sets a scenario's cpus parameter, and is an error for a scenario of fixed size", async () => {
    const r = await kprim(["run", "buf-churn", "--cpus", "3", "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { params: Record<string, string> }).params).toEqual({ cpus: "3" });
    expect(expectUsageError(await kprim(["run", "lockmgr-lost-wakeup", "--cpus", "4"]))).toBe(
      "kprim: scenario lockmgr-lost-wakeup runs on 2 cpus; it has no cpus parameter",
    );
  });
});

describe.concurrent("bad input: one line on stderr, exit 2, no stack", () => {
  const cases: [string, string[], string][] = [
    ["unknown scenario", ["run", "lost-wakup"], 'unknown scenario "lost-wakup" (did you mean "lost-wakeup"?)'],
    [
      "unknown variant",
      ["run", "lost-wakeup", "--variant", "SPIN+T"],
      'unknown variant "SPIN+T" (did you mean "SPIN+TI"?)',
    ],
    [
      "unknown interlock",
      ["explore", "lost-wakeup", "--interlock", "spn"],
      'unknown interlock "spn" (did you mean "spin"?)',
    ],
    [
      "unknown run strategy",
      ["run", "lost-wakeup", "--strategy", "pcx"],
      'unknown strategy "pcx" (did you mean "pct"?)',
    ],
    [
      "unknown explore strategy",
      ["explore", "lost-wakeup", "--strategy", "dpr"],
      'unknown explore strategy "dpr" (did you mean "dpor"?)',
    ],
    [
      "unknown --param key",
      ["run", "lost-wakeup", "--param", "sleeper=2"],
      'has no parameter "sleeper" (did you mean "sleepers"?)',
    ],
    [
      "bad --param type",
      ["run", "lost-wakeup", "--param", "sleepers=two"],
      'parameter "sleepers" must be an integer, got "two"',
    ],
    [
      "--param out of range",
      ["run", "lost-wakeup", "--param", "sleepers=9"],
      'parameter "sleepers" must be between 1 and 7, got 9',
    ],
    [
      "bad --option value",
      ["run", "lost-wakeup", "--option", "bufChecks=none"],
      "option bufChecks must be one of rev1.52, freebsd4, no-check",
    ],
    [
      "misspelt --option value",
      ["run", "lost-wakeup", "--option", "wakeup=multicst"],
      'option wakeup must be one of chain, multicast, got "multicst" (did you mean "multicast"?)',
    ],
    [
      "malformed schedule",
      ["replay", "lost-wakeup", "--schedule", "kprim1:lost-wakeup"],
      "malformed schedule: kprim1: expected 6",
    ],
    [
      "schedule of another scenario",
      ["replay", "lost-wakeup", "--schedule", "kprim1:lockmgr-lost-wakeup::::1s"],
      'the schedule is for scenario "lockmgr-lost-wakeup", not "lost-wakeup"',
    ],
    [
      "schedule of a machine built by hand",
      ["replay", "--schedule", "kprim2::::::0s"],
      "the schedule has no scenario name: it comes from a machine built by hand; replay it with replaySchedule(factory, schedule) of @kprim/explore",
    ],
    [
      "schedule that no longer matches",
      ["replay", "lockmgr-lost-wakeup", "--schedule", "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1sx8.0sx5.1sx5.0s.0s"],
      "replay diverged at step 20: expected 0s, enabled nothing",
    ],
    [
      "unwritable trace path",
      ["run", "lost-wakeup", "--trace", "html", "--out", "/nonexistent-dir/t.html"],
      'cannot write the trace to "/nonexistent-dir/t.html": no such file or folder',
    ],
    ["bad signal", ["explore", "lost-wakeup", "--signal", "violatoin:x"], "signal"],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      expect(expectUsageError(await kprim(args))).toContain(message);
    });
  }

  it("--debug adds the stack to the error", async () => {
    const r = await kprim(["--debug", "run", "lost-wakup"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toContain('kprim: unknown scenario "lost-wakup"');
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
