// Bad-input calls, part 1: the command line — commands, options, numbers,
// names, scenario parameters and schedules (case fields: cases.mjs).
import { LW, usage } from "./common.mjs";

const cases = [];
const add = (...cs) => cases.push(...cs);

// ── the command line itself ───────────────────────────────────────────────
add(
  usage(
    "no command",
    [],
    "kprim: a command is needed: list, run, explore, replay, compare, demo (kprim --help says more)",
  ),
  usage("only an option", ["--no-color"], /^kprim: a command is needed: /),
  usage("unknown command", ["explode"], /^kprim: unknown command 'explode'/),
  usage("unknown command, near one", ["lsit"], /\(Did you mean list\?\)/),
  usage("unknown global option", ["--verbose", "list"], /^kprim: unknown option '--verbose'/),
  usage("--watchdog 0", ["--watchdog", "0", "list"], /expected seconds > 0, got "0"/),
  usage("--watchdog text", ["--watchdog", "soon", "list"], /expected seconds > 0/),
  usage("--plugin without a value", ["list", "--plugin"], /argument missing/),
);
// replay checks its required --schedule first: give it one.
const sch = (cmd) => (cmd === "replay" ? ["--schedule", "x"] : []);
for (const cmd of ["list", "run", "explore", "replay", "compare", "demo"]) {
  add(usage(`${cmd}: unknown option`, [cmd, ...sch(cmd), "--frobnicate"], /^kprim: unknown option '--frobnicate'/));
}
for (const cmd of ["run", "explore", "compare"]) {
  add(usage(`${cmd}: no scenario`, [cmd, ...sch(cmd)], /^kprim: missing required argument 'scenario'/));
}
for (const cmd of ["run", "explore", "replay", "compare"]) {
  add(usage(`${cmd}: two scenarios`, [cmd, "lost-wakeup", "lost-wakeup", ...sch(cmd)], /too many arguments/));
}
// replay takes its scenario from the schedule's header (the argument only checks it).
add(usage("replay: no scenario, a bad schedule", ["replay", ...sch("replay")], /^kprim: malformed schedule: /));

// numbers, for every numeric option
const numbers = [
  ["run", "--seed"],
  ["run", "--depth"],
  ["run", "--max-steps"],
  ["run", "--cpus"],
  ["explore", "--schedules"],
  ["explore", "--bound"],
  ["explore", "--depth"],
  ["explore", "--seed"],
  ["explore", "--workers"],
  ["explore", "--max-steps"],
  ["compare", "--runs"],
  ["compare", "--schedules"],
];
for (const [cmd, opt] of numbers) {
  for (const bad of ["-1", "1.5", "ten", "", "99999999999999999999"]) {
    add(usage(`${cmd} ${opt} ${JSON.stringify(bad)}`, [cmd, "lost-wakeup", opt, bad], /^kprim: option '.*' argument/));
  }
}
for (const [cmd, opt] of [
  ["explore", "--time-limit"],
  ["compare", "--time-limit"],
  ["compare", "--variant-time-limit"],
]) {
  for (const bad of ["0", "-3", "soon", "NaN", "Infinity"]) {
    add(usage(`${cmd} ${opt} ${bad}`, [cmd, "lost-wakeup", opt, bad], /expected seconds > 0/));
  }
}
add(
  usage("--workers 65", ["explore", "lost-wakeup", "--strategy", "random", "--workers", "65"], /from 1 to 64/),
  usage("--cpus 33", ["run", "buf-churn", "--cpus", "33"], /from 1 to 32/),
  usage("--cpus on a fixed-size scenario", ["run", LW, "--cpus", "3"], /runs on 2 cpus/),
  usage("--cpus disagrees with --param cpus", ["run", "buf-churn", "--cpus", "2", "--param", "cpus=3"], /disagree/),
  usage("--trace bogus", ["run", LW, "--trace", "pdf", "--out", "x"], /Allowed choices are text, json, perfetto, html/),
  usage(
    "--trace without --out",
    ["run", LW, "--trace", "html"],
    "kprim: --trace needs --out <file> (or --out - for stdout)",
  ),
  usage("--out without --trace", ["run", LW, "--out", "x.html"], "kprim: --out needs --trace <format>"),
  usage("--out - with --json", ["run", LW, "--trace", "json", "--out", "-", "--json"], /both write to stdout/),
  usage(
    "--bound with random",
    ["explore", LW, "--strategy", "random", "--bound", "1"],
    /--bound is a preemption bound for dpor/,
  ),
  usage(
    "--bound with stateful",
    ["explore", LW, "--strategy", "stateful", "--bound", "1"],
    /--bound is a preemption bound/,
  ),
  usage("--depth with dpor", ["explore", LW, "--depth", "2"], "kprim: --depth applies to --strategy pct"),
  usage("--symmetry with dpor", ["explore", LW, "--symmetry"], "kprim: --symmetry applies to --strategy stateful"),
  usage("--workers with dpor", ["explore", LW, "--workers", "2"], /--workers applies to random and pct sampling/),
  usage(
    "duplicate --param",
    ["run", "lost-wakeup", "--param", "sleepers=2", "--param", "sleepers=3"],
    /"sleepers" is given twice/,
  ),
  usage("--param without =", ["run", "lost-wakeup", "--param", "sleepers"], /expected key=value, got "sleepers"/),
  usage("--param =value", ["run", "lost-wakeup", "--param", "=2"], /expected key=value/),
  usage("--option without =", ["run", LW, "--option", "interlock"], /expected key=value/),
  usage(
    "--interlock and --option disagree",
    ["run", LW, "--interlock", "spin", "--option", "interlock=token"],
    /disagree/,
  ),
);

// ── names: scenarios, variants, interlocks, strategies, options, signals ──
for (const [what, name] of [
  ["a typo", "lost-wakup"],
  ["an empty string", ""],
  ["an ESC sequence", "x\u001b[31mred\u001b[0m"],
  ["a newline", "two\nlines"],
  ["100 KB", "a".repeat(100_000)],
  ["a path", "../../etc/passwd"],
  ["unicode", "lösť-wåkeüp"],
  ["a NUL-free control mix", "\u0007\u0008\u007f"],
]) {
  add(usage(`run: unknown scenario, ${what}`, ["run", name], /^kprim: unknown scenario "/));
}
add(
  usage("explore: unknown scenario", ["explore", "getnewbuf-locked"], /unknown scenario "getnewbuf-locked"/),
  usage("compare: unknown scenario", ["compare", "buf-chrun"], /unknown scenario "buf-chrun"/),
  usage(
    "unknown variant",
    ["run", "lost-wakeup", "--variant", "SPIN+T"],
    /unknown variant "SPIN\+T" \(did you mean "SPIN\+TI"\?\)/,
  ),
  usage("unknown interlock", ["run", LW, "--interlock", "spn"], /unknown interlock "spn"/),
  usage("unknown interlock, long", ["run", LW, "--interlock", "x".repeat(5000)], /unknown interlock "x+…"/),
  usage("unknown run strategy", ["run", "lost-wakeup", "--strategy", "pcx"], /unknown strategy "pcx"/),
  usage("unknown explore strategy", ["explore", "lost-wakeup", "--strategy", "dpr"], /unknown explore strategy "dpr"/),
  usage(
    "explore strategy only for run",
    ["explore", "lost-wakeup", "--strategy", "rr"],
    /unknown explore strategy "rr"/,
  ),
  usage("unknown option key", ["run", LW, "--option", "bufcheck=no-check"], /^kprim: /),
  usage("bad option value", ["run", "lost-wakeup", "--option", "bufChecks=none"], /option bufChecks must be one of/),
  usage("bad signal kind", ["explore", LW, "--signal", "violatoin:x"], /signal/),
  usage("empty signal", ["explore", LW, "--signal", ""], /signal/),
  usage("signal with ESC", ["explore", LW, "--signal", "viol\u001b[31mation:x"], /^kprim: .*\\e\[31m/),
  usage("compare: unknown variant", ["compare", "lost-wakeup", "--variants", "TOK,SPINTI"], /unknown variant "SPINTI"/),
  usage(
    "compare: VARIANT: with no interlock",
    ["compare", LW, "--variants", "TOK:"],
    /is not VARIANT or VARIANT:INTERLOCK/,
  ),
  usage(
    "compare: :INTERLOCK with no variant",
    ["compare", LW, "--variants", ":spin"],
    /is not VARIANT or VARIANT:INTERLOCK/,
  ),
  usage(
    "compare: VARIANT:INTERLOCK and --interlock",
    ["compare", LW, "--variants", "TOK:spin", "--interlock", "token"],
    /both choose the interlock/,
  ),
  usage(
    "compare: unknown interlock in an item",
    ["compare", LW, "--variants", "SPIN+TI:mtxx"],
    /unknown interlock "mtxx"/,
  ),
);

// ── scenario parameters ───────────────────────────────────────────────────
for (const [what, kv, line] of [
  ["unknown", "sleeper=2", /has no parameter "sleeper" \(did you mean "sleepers"\?\)/],
  ["not an integer", "sleepers=two", /must be an integer, got "two"/],
  ["a fraction", "sleepers=1.5", /must be an integer/],
  ["above the range", "sleepers=9", /must be between 1 and 7, got 9/],
  ["below the range", "sleepers=0", /must be between 1 and 7/],
  ["empty", "sleepers=", /must be an integer/],
  ["not in the choices", "interlock=maybe", /^kprim: /],
  ["a huge number", "sleepers=1e400", /^kprim: /],
]) {
  add(usage(`--param ${what}`, ["run", "lost-wakeup", "--param", kv], line));
}
add(
  usage("buf-churn --param bufs=0", ["run", "buf-churn", "--param", "bufs=0"], /between 1 and 32/),
  usage("buf-churn --param ops=1000", ["explore", "buf-churn", "--param", "ops=1000"], /between 1 and 100/),
  usage("a scenario without parameters", ["run", LW, "--param", "x=1"], /has no parameter "x"/),
);

// ── schedules (replay) ────────────────────────────────────────────────────
const sched = (name, s, line) => usage(`replay: ${name}`, ["replay", LW, "--schedule", s], line);
add(
  sched("empty", "", /schedule/),
  sched("no header", "1sx8.0s", /schedule/),
  sched("another version", "kprim9:lockmgr-lost-wakeup:SPIN-naive:::1s", /schedule/),
  sched("too few fields", "kprim1:lockmgr-lost-wakeup", /malformed schedule/),
  sched("too many fields", "kprim1:lockmgr-lost-wakeup:SPIN-naive::::1s:x", /schedule/),
  sched("bad choice token", "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1q", /schedule/),
  sched("bad repeat count", "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1sx", /schedule/),
  sched(
    "another scenario",
    "kprim1:lost-wakeup::::1s",
    /the schedule is for scenario "lost-wakeup", not "lockmgr-lost-wakeup"/,
  ),
  sched("unknown variant in the header", "kprim1:lockmgr-lost-wakeup:SPIN-bogus:::1s", /unknown variant/),
  sched(
    "bad options in the header",
    "kprim1:lockmgr-lost-wakeup:SPIN-naive:interlock=nope::1s",
    /unknown interlock "nope"/,
  ),
  sched("bad params in the header", "kprim1:lockmgr-lost-wakeup:SPIN-naive::x=1:1s", /has no parameter "x"/),
  sched(
    "a choice no longer enabled",
    "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1sx8.0sx5.1sx5.0s.0s",
    /replay diverged at step 20/,
  ),
  sched(
    "a choice of a cpu that does not exist",
    "kprim1:lockmgr-lost-wakeup:SPIN-naive:::7s",
    /replay diverged at step 1/,
  ),
  sched("100 KB of choices", `kprim1:lockmgr-lost-wakeup:SPIN-naive:::${"1s.".repeat(30_000)}1s`, /^kprim: .{0,450}$/),
  sched("control characters", "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1s\u001b[2J", /^kprim: /),
  sched("a bad signal", "kprim1:lockmgr-lost-wakeup:SPIN-naive:::1s", /^kprim: /),
);
cases[cases.length - 1].args.push("--signal", "panics");
// Trails, kprim2 schedules and signals: verdicts.mjs.

export { cases };
