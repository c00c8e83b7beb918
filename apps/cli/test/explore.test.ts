/**
 * `kprim explore` (in this process, as run-cli.ts runs it; Ctrl-C in a
 * process of its own): verdicts and exit codes in both output modes,
 * console lines as observations or as the target, determinism
 * (serial, repeated, and over worker threads), stopping on a time limit or
 * Ctrl-C with the partial result, and the watchdog naming a thread whose
 * body never yields.
 */
import { describe, expect, it } from "vitest";
import { expectUsageError, fixture, kprim, kprimInterrupted, kprimPrinted } from "./run-cli.js";

/** A DPOR space far too big to finish in a test (two threads, four operations each). */
const BIG = ["explore", "buf-churn", "--param", "threads=2", "--param", "ops=4"];

describe.concurrent("explore", () => {
  it("a console warning is an observation: exhaustive DPOR finds no failure (exit 0) and counts the warning", async () => {
    const r = await kprim(["explore", "getnewbuf-locked-buf", "--variant", "TOK", "--strategy", "dpor"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^verdict: not found — every schedule explored \(\d+ executions\): failure cannot happen$/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected — in \d+ of \d+ executions$/m,
    );
  });

  it("with --signal console:… the warning is the target: found (exit 1), --json byte-identical twice, and its replay finds it again", async () => {
    const args = [
      "explore",
      "getnewbuf-locked-buf",
      "--variant",
      "TOK",
      "--signal",
      "console:getnewbuf: warning",
      "--json",
    ];
    const a = await kprim(args);
    const b = await kprim(args);
    expect(a.code).toBe(1);
    expect(b.stdout).toBe(a.stdout);
    const r = JSON.parse(a.stdout) as Record<string, any>;
    for (const k of [
      "verdict",
      "signal",
      "executions",
      "exhausted",
      "bound",
      "warnings",
      "schedule",
      "shrunk",
      "replay",
    ]) {
      expect(r).toHaveProperty(k);
    }
    expect([r["verdict"], r["signal"], r["exhausted"]]).toEqual(["found", "console:getnewbuf: warning", false]);
    expect(r["warnings"][0].text).toMatch(/^getnewbuf: warning, locked buf/);
    expect(r["replay"]).toBe(`kprim replay getnewbuf-locked-buf --schedule '${r["shrunk"]}'`);
    // The replay command as printed: the warning again, judged by the schedule's own signal (exit 1);
    // --signal failure judges it otherwise (a console line is no failure: exit 0).
    const plain = await kprim(["replay", "getnewbuf-locked-buf", "--schedule", r["shrunk"]]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/T_new: getnewbuf: warning, locked buf/);
    const failure = await kprim(["replay", "getnewbuf-locked-buf", "--schedule", r["shrunk"], "--signal", "failure"]);
    expect(failure.code).toBe(0);
  });

  it("finds the lost wakeup under SPIN-naive (exit 1) and prints the shrunk schedule and the exact replay command", async () => {
    const r = await kprim(["explore", "lockmgr-lost-wakeup", "--variant", "SPIN-naive"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^verdict: FOUND failure at execution \d+ of \d+, found by the burst's pct\(seed=1, runs=100, d=3\)$/m,
    );
    expect(r.stdout).toMatch(/^failure: violation at step \d+: \[lost-wakeup\]/m);
    const shrunk = /^shrunk: {3}(kprim3:\S+) \(\d+ steps\)$/m.exec(r.stdout)?.[1];
    expect(shrunk).toBeDefined();
    expect(r.stdout).toContain(`replay:   kprim replay lockmgr-lost-wakeup --schedule '${shrunk}'`);
  });

  it("a preemption bound and random/PCT sampling: the bound is reported; sampling on 2 workers equals 1 worker", async () => {
    const bounded = JSON.parse(
      (
        await kprim([
          "explore",
          "lockmgr-lost-wakeup",
          "--variant",
          "SPIN+TI",
          "--strategy",
          "dpor",
          "--bound",
          "1",
          "--json",
        ])
      ).stdout,
    ) as Record<string, unknown>;
    expect([bounded["verdict"], bounded["bound"]]).toEqual(["not-found", 1]);
    const args = [
      "explore",
      "lockmgr-lost-wakeup",
      "--variant",
      "SPIN-naive",
      "--strategy",
      "pct",
      "--schedules",
      "300",
      "--json",
    ];
    const one = await kprim(args);
    const two = await kprim([...args, "--workers", "2"]);
    expect([one.code, two.code]).toEqual([1, 1]);
    const strip = (s: string): unknown => ({ ...(JSON.parse(s) as object), mode: "" });
    expect(strip(two.stdout)).toEqual(strip(one.stdout));
    expect((JSON.parse(two.stdout) as { mode: string }).mode).toBe("pct(seed=1, runs=300, d=3) on 2 workers");
  });

  it("--strategy stateful exhausts three lost-wakeup sleepers with the interlock and finds the loss without it", async () => {
    const safe = await kprim([
      "explore",
      "lost-wakeup",
      "--variant",
      "SPIN+TI",
      "--param",
      "sleepers=3",
      "--strategy",
      "stateful",
      "--json",
    ]);
    expect(safe.code).toBe(0);
    const r = JSON.parse(safe.stdout) as {
      verdict: string;
      mode: string;
      exhausted: boolean;
      states: number;
      failureKind: string | null;
    };
    expect([r.verdict, r.mode, r.exhausted, r.failureKind]).toEqual(["not-found", "dfs(stateful)", true, null]);
    expect(r.states).toBeGreaterThan(1_000);
    const racy = await kprim([
      "explore",
      "lost-wakeup",
      "--param",
      "sleep=unlock-then-tsleep",
      "--strategy",
      "stateful",
    ]);
    expect(racy.code).toBe(1);
    expect(racy.stdout).toMatch(/^failure: violation at step \d+: \[lost-wakeup\] T_S sleeps on X/m);
    // --json names what was found for scripts to match on (the bench judges the CLI's verdict by it).
    const named = await kprim([
      "explore",
      "lost-wakeup",
      "--param",
      "sleep=unlock-then-tsleep",
      "--strategy",
      "stateful",
      "--json",
    ]);
    expect(named.code).toBe(1);
    expect((JSON.parse(named.stdout) as { failureKind: string | null }).failureKind).toBe("violation:lost-wakeup");
    expect(
      expectUsageError(await kprim(["explore", "lost-wakeup", "--strategy", "stateful", "--bound", "1"])),
    ).toContain("stateful search explores every schedule");
  });

  it("--symmetry merges mirror images of the multicast wakeup's sleepers; it needs --strategy stateful", async () => {
    const args = ["explore", "lost-wakeup", "--param", "sleepers=3", "--option", "wakeup=multicast"];
    const r = await kprim([...args, "--strategy", "stateful", "--symmetry", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { mode: string; exhausted: boolean; states: number };
    expect([j.mode, j.exhausted]).toEqual(["dfs(stateful, symmetry)", true]);
    // Without symmetry the same space has 3,159 states; the three sleepers' 6 orders collapse.
    expect(j.states).toBeLessThan(3_159 / 3);
    expect(expectUsageError(await kprim([...args, "--symmetry"]))).toContain(
      "--symmetry applies to --strategy stateful",
    );
  });

  it("--bound with random or the default auto, or --workers with dpor, is a usage error", async () => {
    expect(expectUsageError(await kprim(["explore", "lost-wakeup", "--bound", "1"]))).toBe(
      "kprim: --bound is a preemption bound for --strategy dpor; auto explores every schedule after its burst",
    );
    expect(expectUsageError(await kprim(["explore", "lost-wakeup", "--strategy", "random", "--bound", "2"]))).toContain(
      "--bound is a preemption bound for dpor",
    );
    expect(expectUsageError(await kprim(["explore", "lost-wakeup", "--workers", "2"]))).toContain(
      "--workers applies to random and pct sampling",
    );
  });
});

describe.concurrent("the default strategy: a burst of random and PCT runs, then DPOR, in one budget", () => {
  it("finds the lost wakeup of seven sleepers in the burst's first 100 random runs, and says which part found it", async () => {
    const args = ["explore", "lost-wakeup", "--param", "sleep=unlock-then-tsleep", "--param", "sleepers=7"];
    const r = await kprim([...args, "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as {
      verdict: string;
      phases: { mode: string; found: boolean }[];
      executions: number;
    };
    expect(j.verdict).toBe("found");
    expect(j.phases).toEqual([
      { mode: "random(seed=1, runs=100)", executions: j.executions, found: true, exhausted: false },
    ]);
    // Fast in runs, not in a wall-clock bound (the machine's load is not the search's): within the first phase.
    expect(j.executions).toBeLessThanOrEqual(100);
    const text = await kprim(args);
    expect(text.stdout).toMatch(
      /^verdict: FOUND failure at execution \d+ of \d+, found by the burst's random\(seed=1, runs=100\)$/m,
    );
  });

  it("exhausts what DPOR exhausts, after the burst, and says it was DPOR", async () => {
    const r = await kprim(["explore", "lockmgr-lost-wakeup", "--variant", "SPIN+TI"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^mode: random\(seed=1, runs=100\) \+ pct\(seed=1, runs=100, d=3\) \+ dpor; signal: failure$/m,
    );
    expect(r.stdout).toMatch(
      /^verdict: not found — every schedule explored \(200 burst runs, then \d+ dpor executions\): failure cannot happen$/m,
    );
  });
});

describe.concurrent("the printed replay command reproduces the verdict", () => {
  it("of a console-line race (R1): the command carries the signal, so replaying it is found again (exit 1)", async () => {
    const r = await kprim([
      "explore",
      "getnewbuf-locked-buf",
      "--variant",
      "TOK",
      "--signal",
      "console:getnewbuf: warning, locked buf",
      "--json",
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { replay: string };
    const again = await kprimPrinted(j.replay);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^signal console:getnewbuf: warning, locked buf: shown$/m);
  });

  it("a step limit is inconclusive by default: exit 3, no not-found claim, the loop named, its replay stops at step 8", async () => {
    const r = await kprim([
      "explore",
      "lost-wakeup",
      "--strategy",
      "dpor",
      "--max-steps",
      "8",
      "--schedules",
      "3",
      "--json",
    ]);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout) as {
      verdict: string;
      exhausted: boolean;
      inconclusive: { count: number; message: string; replay: string };
    };
    expect([j.verdict, j.exhausted]).toEqual(["not-found", false]);
    expect(j.inconclusive.count).toBeGreaterThan(0);
    expect(j.inconclusive.message).toMatch(/reached the step limit \(8\) — inconclusive, not a failure/);
    const again = await kprimPrinted(j.inconclusive.replay);
    expect(again.stdout).toMatch(/^outcome: step limit reached at step 8$/m);
  });

  it("of a step-limit run: explore --max-steps 8 --signal step-limit prints a replay that stops at step 8 again (exit 1)", async () => {
    const r = await kprim(["explore", "lost-wakeup", "--max-steps", "8", "--signal", "step-limit", "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { replay: string; failure: string };
    expect(j.failure).toBe("step limit reached at step 8");
    const again = await kprimPrinted(j.replay);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^outcome: step limit reached at step 8$/m);
  });

  it("replay takes the scenario from the schedule when none is named", async () => {
    const r = await kprim(["replay", "--schedule", "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1sx8.0sx5.1sx5.0s"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^outcome: violation at step 19: \[lost-wakeup\]/m);
  });

  it("of run: a step-limit run and a console target replay as they ran", async () => {
    const quiet = JSON.parse((await kprim(["run", "lost-wakeup", "--max-steps", "5", "--json"])).stdout) as {
      found: boolean;
    };
    expect(quiet.found).toBe(false);
    const limited = JSON.parse(
      (await kprim(["run", "lost-wakeup", "--max-steps", "5", "--signal", "step-limit", "--json"])).stdout,
    ) as { replay: string; found: boolean };
    expect(limited.found).toBe(true);
    const again = await kprimPrinted(limited.replay);
    expect([again.code, /^outcome: step limit reached at step 5$/m.test(again.stdout)]).toEqual([1, true]);
    const args = [
      "run",
      "getnewbuf-locked-buf",
      "--variant",
      "TOK",
      "--seed",
      "14",
      "--signal",
      "console:race corrected",
    ];
    const warned = JSON.parse((await kprim([...args, "--json"])).stdout) as { replay: string; found: boolean };
    expect(warned.found).toBe(true);
    expect((await kprimPrinted(warned.replay)).code).toBe(1);
  });
});

describe.concurrent("no vacuous verdict: a target is something the run can raise", () => {
  it("a misspelt detector is refused with the nearest (exit 2), not explored to 'cannot happen'", async () => {
    const r = await kprim([
      "explore",
      "lockmgr-lost-wakeup",
      "--variant",
      "SPIN-naive",
      "--signal",
      "violation:lost-wakup",
    ]);
    expect(expectUsageError(r)).toMatch(
      /^kprim: signal "violation:lost-wakup": no detector of this run reports "lost-wakup" \(did you mean "violation:lost-wakeup"\?\); its detectors: .*\blost-wakeup\b/,
    );
    expect(
      expectUsageError(
        await kprim(["explore", "lockmgr-lost-wakeup", "--variant", "SPIN-naive", "--signal", "violation:nope"]),
      ),
    ).toMatch(/^kprim: signal "violation:nope": no detector of this run reports "nope"; its detectors: /);
  });

  it("console and panic text no layer or scenario can print is refused, in every command that takes a signal", async () => {
    expect(
      expectUsageError(await kprim(["explore", "lost-wakeup", "--signal", "console:getnewbuf: warnig"])),
    ).toContain(
      'no console line of this run can contain "getnewbuf: warnig" (did you mean "console:getnewbuf: warning"?)',
    );
    expect(
      expectUsageError(await kprim(["run", "lost-wakeup", "--signal", "panic:non-zero exclusive cont"])),
    ).toContain('(did you mean "panic:non-zero exclusive count"?)');
    const schedule = "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1sx8.0sx5.1sx5.0s";
    expect(
      expectUsageError(
        await kprim(["replay", "lockmgr-lost-wakeup", "--schedule", schedule, "--signal", "violation:x"]),
      ),
    ).toContain('no detector of this run reports "x"');
  });

  it("a target that only a plugin's detector raises is accepted with that plugin, refused without it", async () => {
    const quiet = fixture("quiet-detector.ts");
    const args = ["explore", "lost-wakeup", "--signal", "violation:quiet"];
    expect(expectUsageError(await kprim(args))).toContain('no detector of this run reports "quiet"');
    const r = await kprim([...args, "--plugin", quiet]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^verdict: not found — every schedule explored \(\d+ burst runs, then \d+ dpor executions\): violation:quiet cannot happen$/m,
    );
  });
});

describe.concurrent("declarations cannot fall behind the code", () => {
  it("a plugin layer that prints a line it does not declare stops explore and run with one line naming it", async () => {
    const chatty = fixture("undeclared-print.ts");
    const message =
      'kprim: lost-wakeup: a run showed console line "chatty: waking X", which nothing in the run declares (the layers, the interlock and the scenario say what they raise in `raises`)';
    const ex = await kprim(["explore", "lost-wakeup", "--plugin", chatty]);
    // The exploration had started (its progress line), then the one-line error.
    expect([ex.code, ex.stdout, ex.stderr.trim().split("\n").at(-1)]).toEqual([2, "", message]);
    expect(expectUsageError(await kprim(["run", "lost-wakeup", "--plugin", chatty]))).toBe(message);
  });
});

describe.concurrent("stopping early", () => {
  it("--time-limit stops between executions and says so; what was explored is reported (exit 0: nothing found)", async () => {
    const r = await kprim([...BIG, "--time-limit", "1", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect([j["verdict"], j["stopped"], j["exhausted"]]).toEqual(["not-found", "time-limit", false]);
    expect(j["executions"]).toBeGreaterThan(0);
    // One count: the stop line has none, the report has the executions that ran.
    expect(r.stderr).toContain("kprim: time limit reached; stopping after the current execution\n");
    expect(r.stderr).not.toMatch(/time limit reached[^\n]*\d/);
  });

  it("--time-limit stops a stateful search too, between executions, counting states", async () => {
    const args = ["explore", "lost-wakeup", "--param", "sleepers=6", "--strategy", "stateful"];
    const r = await kprim([...args, "--time-limit", "2", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect([j["verdict"], j["stopped"], j["exhausted"]]).toEqual(["not-found", "time-limit", false]);
    expect(j["states"]).toBeGreaterThan(0);
    expect(r.stderr).toContain("kprim: exploring lost-wakeup, budget 1000000 states");
    expect(r.stderr).toContain("kprim: time limit reached; stopping after the current execution\n");
  });

  it("with --workers 2 the progress counts every worker's executions while they run", async () => {
    const args = ["explore", "buf-churn", "--strategy", "pct", "--schedules", "1000000", "--workers", "2"];
    // Stopped (Ctrl-C) once a progress line counts executions, however long the two workers take to load
    // the code: a progress that never counts them hangs until the guard kills it (exit -1), and fails.
    const r = await kprimInterrupted(args, /^kprim: [1-9]\d* executions of at most 1000000$/m, 0);
    expect(r.code).toBe(130);
    const counts = [...r.stderr.matchAll(/^kprim: (\d+) executions of at most 1000000$/gm)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.some((n) => n > 0)).toBe(true);
    const final = Number(/stopped by Ctrl-C after (\d+) executions/.exec(r.stdout)?.[1]);
    expect(final).toBeGreaterThan(0);
  });

  it("Ctrl-C stops cleanly between executions and prints what was explored so far (exit 130)", async () => {
    const r = await kprimInterrupted(BIG, "kprim: exploring", 300);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^stopped by Ctrl-C after \d+ executions \(partial result\)$/m);
    expect(r.stdout).toMatch(
      /^verdict: not found — \d+ executions( \(\d+ burst runs, then \d+ dpor executions\))?, not exhaustive$/m,
    );
    expect(r.stderr).toContain("kprim: stopping after the current execution");
  });
});

describe.concurrent("the watchdog", () => {
  // 3 s, not 1: the quiet period also covers the plugin's loading in each fresh thread (slow under load).
  const plugin = ["--plugin", fixture("wrapped-interlock.ts"), "--watchdog", "3"];

  it("a thread body that never yields ends `run` with exit 2 naming the thread, instead of hanging", async () => {
    const r = await kprim(["run", "never-yields", ...plugin]);
    expect(expectUsageError(r)).toBe(
      'kprim: watchdog: thread "T_loop" on cpu1 ran 3 s without yielding a step (a thread body must yield at every step); stopped',
    );
  });

  it("a plugin strategy that never chooses ends `run` and `explore` with exit 2 naming it", async () => {
    const msg =
      'kprim: watchdog: strategy "never-chooses" ran 3 s without choosing a step (choose must return); stopped';
    const run = await kprim(["run", "lost-wakeup", ...plugin, "--strategy", "never-chooses"]);
    expect(expectUsageError(run)).toBe(msg);
    const ex = await kprim(["explore", "lost-wakeup", ...plugin, "--strategy", "never-chooses"]);
    expect(ex.code).toBe(2);
    expect(ex.stderr.trim().split("\n").at(-1)).toBe(msg);
  });

  it("and `explore` on worker threads the same way", async () => {
    const r = await kprim(["explore", "never-yields", ...plugin, "--strategy", "random", "--workers", "2"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n").at(-1)).toContain(
      'kprim: watchdog: thread "T_loop" on cpu1 ran 3 s without yielding',
    );
  });
});
