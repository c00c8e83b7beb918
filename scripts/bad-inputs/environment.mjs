// Bad-input calls, part 2: what the command reads and writes — config files,
// plugins, output paths, write errors — and Ctrl-C to the process group and
// typed on a terminal (case fields: cases.mjs).
import { BIG, LW, NAIVE, usage } from "./common.mjs";

const cases = [];
const add = (...cs) => cases.push(...cs);

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
