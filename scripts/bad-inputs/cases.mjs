// The bad-input suite's calls (run.mjs runs them). A case:
//   name      what is wrong
//   args      kprim's arguments ($FIX is the fixture folder)
//   cwd       a fixture folder to run in (relative to $FIX), else the repository root
//   code      the documented exit code (default 2: a usage or input error)
//   line      the error line exactly, or a RegExp for it
//   output    a RegExp stdout must match: what had been computed is printed (default: stdout empty)
//   progress  explore/compare progress lines may precede the error line on stderr
//   stderr    "any": stderr is not checked for one line (interrupts print a stop line too)
//   interrupt { ready, delayMs, more }: Ctrl-C to the process group once stderr shows `ready`
//   terminal  run under a pseudo-terminal (script(1)); the interrupt is ^C typed on it
//   stdout    "closed": the reader has gone before kprim writes; "full": stdout is /dev/full
//   timeoutMs the hang limit (default 30 s)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const LW = "lockmgr-lost-wakeup";
const NAIVE = ["--variant", "SPIN-naive"];
const BIG = ["explore", "buf-churn", "--strategy", "pct", "--schedules", "1000000"];

/** Fixture folders: config files and plugins, each wrong in one way. */
export function writeFixtures(dir, root) {
  const pluginApi = JSON.stringify(join(root, "packages/plugin/src/index.ts"));
  const files = {
    // plugins
    "p/throws.mjs": 'throw new Error("broken on purpose");\n',
    "p/no-default.mjs": "export const x = 1;\n",
    "p/not-a-plugin.mjs": "export default 42;\n",
    "p/no-name.mjs": "export default { interlocks: {} };\n",
    "p/bad-name.mjs": 'export default { name: "Bad Name" };\n',
    "p/syntax.mjs": "export default {\n",
    "p/imports-missing.mjs": 'import "kprim-no-such-package";\nexport default { name: "x" };\n',
    "p/no-create.mjs": 'export default { name: "nc", interlocks: { nc: { description: "no create" } } };\n',
    "p/cpus-number.mjs":
      'export default { name: "cn", scenarios: [{ name: "cn", specId: null, description: "", params: {}, cpus: 2, setup() {} }] };\n',
    "p/strategy-not-fn.mjs": 'export default { name: "sn", strategies: { s: 1 } };\n',
    "p/detector-not-fn.mjs": 'export default { name: "dn", detectors: { d: "x" } };\n',
    "p/unknown-layer.mjs": 'export default { name: "ul", layers: { scheduler: {} } };\n',
    "p/builtin-scenario.mjs":
      'export default { name: "bs", scenarios: [{ name: "lost-wakeup", specId: null, description: "", params: {}, cpus: () => 1, setup() {} }] };\n',
    "p/builtin-interlock.mjs": 'export default { name: "bi", interlocks: { spin: { create() {} } } };\n',
    "p/reserved-strategy.mjs": 'export default { name: "rs", strategies: { random: () => ({}) } };\n',
    "p/twin-a.mjs": 'export default { name: "twin" };\n',
    "p/twin-b.mjs": 'export default { name: "twin" };\n',
    "p/scenarios-not-array.mjs": 'export default { name: "sa", scenarios: {} };\n',
    "p/loops.mjs": "while (true) {}\nexport default {};\n",
    "p/never-settles.mjs": "await new Promise(() => {});\nexport default {};\n",
    "p/setup-loops.mjs":
      'export default { name: "sl", scenarios: [{ name: "sl", specId: null, description: "", params: {}, cpus: () => 1, setup() { while (true) {} } }] };\n',
    "p/setup-throws.mjs":
      'export default { name: "st", scenarios: [{ name: "st", specId: null, description: "", params: {}, cpus: () => 1, setup() { throw new Error("no set-up today"); } }] };\n',
    "p/typed.ts": `import { definePlugin } from ${pluginApi};\nconst n: number = 1;\nexport default definePlugin({ name: "typed-" + "x".repeat(n), strategies: { "x": 3 as never } });\n`,
    "p/folder/index.txt": "not a module\n",
    // config folders
    "c/plugins-string/kprim.config.js": 'export default { plugins: "./p.js" };\n',
    "c/plugins-number/kprim.config.js": "export default { plugins: [42] };\n",
    "c/plugins-empty-string/kprim.config.mjs": 'export default { plugins: [""] };\n',
    "c/typo-key/kprim.config.js": "export default { plugin: [] };\n",
    "c/array/kprim.config.js": "export default [];\n",
    "c/null/kprim.config.mjs": "export default null;\n",
    "c/no-default/kprim.config.mjs": "export const plugins = [];\n",
    "c/throws/kprim.config.js": 'throw new Error("boom");\n',
    "c/syntax/kprim.config.js": "export default { plugins: [] ;\n",
    "c/missing-import/kprim.config.js": 'import "./nope.js";\nexport default {};\n',
    "c/function/kprim.config.js": "export default { plugins: [() => 1] };\n",
    "c/two/kprim.config.js": "export default {};\n",
    "c/two/kprim.config.ts": "export default {};\n",
    "c/missing-plugin/kprim.config.js": 'export default { plugins: ["./nope.js"] };\n',
    "c/loops/kprim.config.js": "while (true) {}\nexport default {};\n",
    "c/cjs-bad/kprim.config.cjs": 'module.exports = { plugins: "x" };\n',
    "c/ts-bad/kprim.config.ts": "const plugins: number = 3;\nexport default { plugins };\n",
    "c/ts-syntax/kprim.config.ts": "export default { plugins: [] as };\n",
    "c/broken-plugin/kprim.config.mjs": 'export default { plugins: ["../../p/throws.mjs"] };\n',
    "c/config-folder/kprim.config.js/x": "a folder named like a config\n",
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const usage = (name, args, line) => ({ name, args, ...(line !== undefined ? { line } : {}) });
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
for (const cmd of ["run", "explore", "replay", "compare"]) {
  add(usage(`${cmd}: no scenario`, [cmd, ...sch(cmd)], /^kprim: missing required argument 'scenario'/));
  add(usage(`${cmd}: two scenarios`, [cmd, "lost-wakeup", "lost-wakeup", ...sch(cmd)], /too many arguments/));
}
add(usage("replay without --schedule", ["replay", LW], /required option '--schedule <string>' not specified/));

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
// Trails (`kprim replay --trail <file>`): the calls go here once the trail format is on this branch.

// ── config files ──────────────────────────────────────────────────────────
const config = (folder, line, extra = {}) => ({
  name: `config: ${folder}`,
  args: ["list"],
  cwd: `c/${folder}`,
  line,
  ...extra,
});
add(
  config(
    "plugins-string",
    "kprim: kprim.config.js: plugins must be an array of module specifiers (strings), not a string",
  ),
  config(
    "plugins-number",
    "kprim: kprim.config.js: plugins[0] must be a module specifier (a non-empty string), not a number",
  ),
  config(
    "plugins-empty-string",
    "kprim: kprim.config.mjs: plugins[0] must be a module specifier (a non-empty string), not a string",
  ),
  config("typo-key", 'kprim: kprim.config.js: unknown key "plugin"; a config has only "plugins"'),
  config("array", "kprim: kprim.config.js: its default export must be an object ({ plugins: [...] })"),
  config("null", "kprim: kprim.config.mjs: its default export must be an object ({ plugins: [...] })"),
  config("no-default", "kprim: kprim.config.mjs has no default export (export default { plugins: [...] })"),
  config("throws", "kprim: kprim.config.js failed to load: boom"),
  config("syntax", /^kprim: kprim\.config\.js failed to load: syntax error: /),
  config("missing-import", "kprim: kprim.config.js failed to load: not found (no such file)"),
  config(
    "function",
    "kprim: kprim.config.js failed to load: its default export must be plain data ({ plugins: [...] })",
  ),
  config("two", "kprim: kprim.config.js and kprim.config.ts both exist; keep one"),
  config("missing-plugin", "kprim: plugin ./nope.js failed to load: not found (no such file)"),
  config("loops", "kprim: watchdog: kprim.config.js did not finish in 1 s (code that never returns?); stopped"),
  config("cjs-bad", "kprim: kprim.config.cjs: plugins must be an array of module specifiers (strings), not a number"),
  config("ts-bad", "kprim: kprim.config.ts: plugins must be an array of module specifiers (strings), not a number"),
  config("ts-syntax", /^kprim: kprim\.config\.ts failed to load: /),
  config("broken-plugin", "kprim: plugin ../../p/throws.mjs failed to load: broken on purpose"),
  config("config-folder", /^kprim: kprim\.config\.js failed to load: /),
);
cases.find((c) => c.name === "config: loops").args.unshift("--watchdog", "1");
cases.find((c) => c.name === "config: cjs-bad").line =
  "kprim: kprim.config.cjs: plugins must be an array of module specifiers (strings), not a string";

// ── plugins ───────────────────────────────────────────────────────────────
const plugin = (name, spec, line, args = ["list"]) => ({
  name: `plugin: ${name}`,
  args: [...args, "--plugin", spec],
  line,
});
add(
  plugin(
    "missing file",
    "./no-such-plugin.js",
    "kprim: plugin ./no-such-plugin.js failed to load: not found (no such file)",
  ),
  plugin("missing package", "kprim-plugin-nope", /^kprim: plugin kprim-plugin-nope failed to load: /),
  plugin("a folder", "$FIX/p/folder", /^kprim: plugin .* failed to load: /),
  plugin("a text file", "$FIX/p/folder/index.txt", /^kprim: plugin .* failed to load: /),
  plugin("throws while loading", "$FIX/p/throws.mjs", /failed to load: broken on purpose$/),
  plugin("no default export", "$FIX/p/no-default.mjs", /has no default export/),
  plugin("default export not a plugin", "$FIX/p/not-a-plugin.mjs", /its default export is not a plugin/),
  plugin("no name", "$FIX/p/no-name.mjs", /its default export is not a plugin/),
  plugin("bad name", "$FIX/p/bad-name.mjs", /plugin name "Bad Name" must be lowercase words joined by '-'/),
  plugin("syntax error", "$FIX/p/syntax.mjs", /failed to load: syntax error: /),
  plugin(
    "imports a missing package",
    "$FIX/p/imports-missing.mjs",
    /it imports "kprim-no-such-package", which is not installed/,
  ),
  plugin("interlock without create", "$FIX/p/no-create.mjs", /interlock "nc" has no create\(\)/),
  plugin("cpus as a number", "$FIX/p/cpus-number.mjs", /a scenario needs a name, cpus\(\) and setup\(\)/),
  plugin("strategy not a function", "$FIX/p/strategy-not-fn.mjs", /strategy "s" must be a function/),
  plugin("detector not a function", "$FIX/p/detector-not-fn.mjs", /detector "d" must be a function/),
  plugin("unknown layer", "$FIX/p/unknown-layer.mjs", /unknown layer "scheduler"/),
  plugin("scenarios not an array", "$FIX/p/scenarios-not-array.mjs", /scenarios must be an array/),
  plugin(
    "registers a built-in scenario",
    "$FIX/p/builtin-scenario.mjs",
    /registers scenario "lost-wakeup", which is built in/,
  ),
  plugin(
    "registers a built-in interlock",
    "$FIX/p/builtin-interlock.mjs",
    /registers interlock "spin", which is built in/,
  ),
  plugin(
    "registers a reserved strategy",
    "$FIX/p/reserved-strategy.mjs",
    /registers strategy "random", which is built in/,
  ),
  plugin("a TypeScript plugin with a bad strategy", "$FIX/p/typed.ts", /strategy "x" must be a function/),
  plugin(
    "top level never returns",
    "$FIX/p/loops.mjs",
    /^kprim: watchdog: plugin .*loops\.mjs \(loading\) did not finish in 1 s/,
    ["--watchdog", "1", "list"],
  ),
  plugin(
    "top-level await never settles",
    "$FIX/p/never-settles.mjs",
    /never finished \(an await at its top level that never settles\?\)$/,
  ),
  plugin(
    "setup never returns",
    "$FIX/p/setup-loops.mjs",
    /^kprim: watchdog: scenario "sl" \(setting up\) did not finish in 1 s/,
    ["--watchdog", "1", "run", "sl"],
  ),
  plugin("setup throws", "$FIX/p/setup-throws.mjs", /scenario st \(plugin st\) failed to set up: no set-up today/, [
    "run",
    "st",
  ]),
  {
    name: "plugin: two plugins with one name",
    args: ["list", "--plugin", "$FIX/p/twin-a.mjs", "--plugin", "$FIX/p/twin-b.mjs"],
    line: /two plugins are named "twin"/,
  },
  {
    name: "plugin: a thread body that never yields",
    args: ["--watchdog", "1", "run", "never-yields", "--plugin", "./apps/cli/test/fixtures/wrapped-interlock.ts"],
    line: /^kprim: watchdog: thread "T_loop" on cpu1 ran 1 s without yielding a step/,
  },
  {
    name: "plugin: a strategy that never chooses",
    args: [
      "--watchdog",
      "1",
      "run",
      "lost-wakeup",
      "--plugin",
      "./apps/cli/test/fixtures/wrapped-interlock.ts",
      "--strategy",
      "never-chooses",
    ],
    line: /^kprim: watchdog: strategy "never-chooses" ran 1 s without choosing a step/,
  },
  {
    name: "plugin: a body that never yields, on worker threads",
    args: [
      "--watchdog",
      "1",
      "explore",
      "never-yields",
      "--plugin",
      "./apps/cli/test/fixtures/wrapped-interlock.ts",
      "--strategy",
      "random",
      "--workers",
      "2",
    ],
    line: /^kprim: watchdog: thread "T_loop" on cpu1 ran 1 s without yielding/,
    progress: true,
  },
);

// ── output paths and writing ──────────────────────────────────────────────
const RUN = ["run", LW, "--interlock", "spin-naive", "--seed", "60"];
add(
  usage(
    "trace to a missing folder",
    [...RUN, "--trace", "html", "--out", "/nonexistent/t.html"],
    'kprim: cannot write the trace to "/nonexistent/t.html": no such file or folder',
  ),
  usage(
    "trace to a folder",
    [...RUN, "--trace", "html", "--out", "/tmp"],
    'kprim: cannot write the trace to "/tmp": it is a folder',
  ),
  usage("trace to an empty path", [...RUN, "--trace", "json", "--out", ""], /^kprim: /),
  usage(
    "trace to a path with control characters",
    [...RUN, "--trace", "text", "--out", "/nonexistent/\u001b[31m.txt"],
    /cannot write the trace to "\/nonexistent\/\\e\[31m\.txt"/,
  ),
  usage(
    "trace to a name too long",
    [...RUN, "--trace", "text", "--out", `/tmp/${"n".repeat(300)}`],
    /the name is too long$/,
  ),
  usage(
    "trace under a file",
    [...RUN, "--trace", "text", "--out", "/etc/hostname/t.txt"],
    /a part of the path is not a folder$/,
  ),
  {
    name: "trace to a full disk: the summary first",
    args: [...RUN, "--trace", "json", "--out", "/dev/full"],
    line: 'kprim: cannot write the trace to "/dev/full": no space left on the device',
    output: /^outcome: violation/m,
  },
  {
    name: "trace where writing is refused: the summary first",
    args: [...RUN, "--trace", "html", "--out", "/sys/kprim.html"],
    line: 'kprim: cannot write the trace to "/sys/kprim.html": permission denied',
    output: /^outcome: violation/m,
  },
  {
    name: "a reader that goes away: quiet exit 0",
    args: ["list"],
    stdout: "closed",
    code: 0,
    stderr: "any",
  },
  {
    name: "a reader that goes away mid-explore: quiet exit 0",
    args: ["explore", LW, ...NAIVE],
    stdout: "closed",
    code: 0,
    stderr: "any",
  },
);
for (const args of [
  ["list"],
  ["list", "--json"],
  ["run", "lost-wakeup"],
  ["explore", LW, ...NAIVE, "--json"],
  ["--help"],
]) {
  add({
    name: `stdout on a full disk: ${args.join(" ")}`,
    args,
    stdout: "full",
    line: "kprim: cannot write the output: no space left on the device",
    progress: true,
  });
}

// ── Ctrl-C: the process group, and a terminal ─────────────────────────────
add(
  {
    name: "Ctrl-C to the group during explore: the partial result, exit 130",
    args: BIG,
    interrupt: { ready: "kprim: exploring", delayMs: 1000 },
    code: 130,
    stderr: "any",
    output: /^stopped by Ctrl-C after \d+ executions \(partial result\)$/m,
  },
  {
    name: "Ctrl-C to the group during explore on 2 workers",
    args: [...BIG, "--workers", "2"],
    interrupt: { ready: "kprim: exploring", delayMs: 1500 },
    code: 130,
    stderr: "any",
    output: /^stopped by Ctrl-C after \d+ executions \(partial result\)$/m,
  },
  {
    name: "Ctrl-C relayed twice at once counts once",
    args: BIG,
    interrupt: { ready: "kprim: exploring", delayMs: 1000, more: [30, 120] },
    code: 130,
    stderr: "any",
    output: /^stopped by Ctrl-C after \d+ executions/m,
  },
  {
    name: "Ctrl-C to the group during compare: the partial row, exit 130",
    args: ["compare", "buf-churn", "--variants", "TOK,SPIN+TI"],
    interrupt: { ready: "kprim: comparing", delayMs: 1000 },
    code: 130,
    stderr: "any",
    output: /^TOK: partial: stopped by Ctrl-C; /m,
  },
  {
    name: "a second Ctrl-C aborts what the first could not stop",
    args: [
      "--watchdog",
      "60",
      "explore",
      "never-yields",
      "--plugin",
      "./apps/cli/test/fixtures/wrapped-interlock.ts",
      "--strategy",
      "random",
    ],
    interrupt: { ready: "kprim: exploring", delayMs: 500, more: [1000] },
    code: 130,
    line: "kprim: interrupted (a second Ctrl-C)",
    progress: true,
  },
  {
    name: "^C typed on a terminal during explore",
    args: BIG,
    terminal: true,
    interrupt: { ready: "buf-churn under SPIN+TI", delayMs: 1500 },
    code: 130,
    output: /stopped by Ctrl-C after \d+ executions \(partial result\)/,
  },
  {
    name: "^C typed on a terminal during compare",
    args: ["compare", "buf-churn", "--variants", "TOK,SPIN+TI"],
    terminal: true,
    interrupt: { ready: "buf-churn under 2 variants", delayMs: 1500 },
    code: 130,
    output: /TOK: partial: stopped by Ctrl-C; /,
  },
  {
    name: "^C typed on a terminal during run (not interruptible: ends at once)",
    args: ["--watchdog", "60", "run", "never-yields", "--plugin", "./apps/cli/test/fixtures/wrapped-interlock.ts"],
    terminal: true,
    interrupt: { ready: "", delayMs: 2500 },
    code: 130,
    output: /^/,
  },
);

export { cases };
