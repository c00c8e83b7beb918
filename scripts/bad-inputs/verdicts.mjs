// Bad-input calls, part 3: what a verdict is judged by — target signals
// checked against what the run can raise, output nothing declares, the
// parameters and options one vocabulary names, the variants compare is
// given, kprim2 schedules, trail files and the plugins a replay needs
// (case fields: cases.mjs).
import { LW, NAIVE, usage } from "./common.mjs";

const cases = [];
const add = (...cs) => cases.push(...cs);

/** The lost wakeup of lockmgr-lost-wakeup under SPIN-naive, as choices. */
const LOST = "1sx8.0sx5.1sx5.0s";
const kprim2 = (options, run, choices = LOST) => `kprim2:${LW}:SPIN-naive:${options}::${run}:${choices}`;

/** Trail files, each wrong in one way (written by writeFixtures under t/). */
const trail = (fields) =>
  `${JSON.stringify({
    kprim: "trail",
    version: 1,
    scenario: LW,
    schedule: kprim2("", ""),
    plugins: [],
    signal: "failure",
    found: true,
    outcome: "violation",
    replay: "kprim replay …",
    ...fields,
  })}\n`;
export const fixtures = {
  "t/junk.trail": "not json\n",
  "t/other.trail": '{ "kprim": "something", "version": 1 }\n',
  "t/future.trail": '{ "kprim": "trail", "version": 9 }\n',
  "t/list.trail": "[1, 2]\n",
  "t/no-schedule.trail": trail({ schedule: undefined }),
  "t/no-found.trail": trail({ found: "yes" }),
  "t/plugins-string.trail": trail({ plugins: "./p.mjs" }),
  "t/bad-schedule.trail": trail({ schedule: "kprim2:nope" }),
  // The lost wakeup's schedule, recorded as if it had ended ok: replaying it gives a violation.
  "t/edited.trail": trail({ outcome: "ok", found: false }),
  "t/missing-plugin.trail": trail({ plugins: ["file:///nonexistent/kprim-plugin.mjs"] }),
  "t/folder.trail/x": "a folder named like a trail\n",
  // A plugin that installs a detector on every machine (it never reports).
  "p/quiet.mjs":
    'export default { name: "quiet", detectors: { quiet: () => ({ name: "quiet", stateKey: () => "" }) } };\n',
};

// ── target signals: every name checked against what the run can raise ─────
const unknownSignal = (sig, near) =>
  new RegExp(`^kprim: unknown signal "${sig}" \\(did you mean "${near}"\\?\\); signals: `);
for (const cmd of ["explore", "run"]) {
  add(
    usage(
      `${cmd}: a misspelt detector`,
      [cmd, LW, ...NAIVE, "--signal", "violation:lost-wakup"],
      /^kprim: signal "violation:lost-wakup": no detector of this run reports "lost-wakup" \(did you mean "violation:lost-wakeup"\?\); its detectors: /,
    ),
    usage(
      `${cmd}: a detector nothing installs`,
      [cmd, LW, ...NAIVE, "--signal", "violation:nope"],
      /^kprim: signal "violation:nope": no detector of this run reports "nope"; its detectors: /,
    ),
    usage(
      `${cmd}: console text no layer prints`,
      [cmd, LW, "--signal", "console:blah"],
      /^kprim: signal "console:blah": no console line of this run can contain "blah"; its console lines: /,
    ),
    usage(
      `${cmd}: a panic no layer raises`,
      [cmd, LW, "--signal", "panic:blah"],
      // The nearest word of a declared panic: "bad" (token's "… bad magic …").
      'kprim: signal "panic:blah": no panic of this run can have a message containing "blah" (did you mean "panic:bad"?)',
    ),
    usage(
      `${cmd}: a misspelt signal kind`,
      [cmd, LW, "--signal", "violaton:x"],
      unknownSignal("violaton:x", "violation:x"),
    ),
    usage(`${cmd}: a misspelt deadlock`, [cmd, LW, "--signal", "deadlok"], unknownSignal("deadlok", "deadlock")),
  );
}
add(
  usage(
    "replay: a --signal nothing raises",
    ["replay", "--schedule", kprim2("", ""), "--signal", "console:blah"],
    /^kprim: signal "console:blah": no console line of this run can contain "blah"/,
  ),
  usage(
    "compare: a misspelt variant",
    ["compare", LW, "--variants", "SPIN-naiv"],
    /unknown variant "SPIN-naiv" \(did you mean "SPIN-naive"\?\)/,
  ),
);

// ── output nothing declares: a plugin layer that prints a line it does not declare ──
const undeclared =
  /^kprim: lost-wakeup: a run showed console line "chatty: waking X", which nothing in the run declares /;
const chatty = ["--plugin", "./apps/cli/test/fixtures/undeclared-print.ts"];
add(usage("run: an undeclared console line", ["run", "lost-wakeup", ...chatty], undeclared), {
  ...usage("explore: an undeclared console line", ["explore", "lost-wakeup", ...chatty], undeclared),
  progress: true,
});

// ── one vocabulary: parameters and options, with the nearest name ─────────
add(
  usage(
    "lost-wakeup: the old parameter name",
    ["run", "lost-wakeup", "--param", "interlock=none"],
    'kprim: scenario lost-wakeup: parameter "interlock" is now "sleep" (how the sleeper goes to sleep; --interlock chooses the lockmgr interlock): --param sleep=unlock-then-tsleep',
  ),
  usage(
    "lost-wakeup: a misspelt sleep",
    ["explore", "lost-wakeup", "--param", "sleep=unlock-than-tsleep"],
    /parameter "sleep" must be one of .*, got "unlock-than-tsleep" \(did you mean "unlock-then-tsleep"\?\)$/,
  ),
  usage(
    "a misspelt option value",
    ["run", LW, "--option", "wakeup=multicst"],
    'kprim: option wakeup must be one of chain, multicast, got "multicst" (did you mean "multicast"?)',
  ),
  usage(
    "a misspelt tokenMode",
    ["compare", LW, "--option", "tokenMode=spin2006"],
    'kprim: option tokenMode must be one of yield, spin2005, got "spin2006" (did you mean "spin2005"?)',
  ),
  usage(
    "a misspelt interlock",
    ["explore", LW, "--interlock", "spin-navie"],
    /^kprim: unknown interlock "spin-navie" \(did you mean "spin-naive"\?\)/,
  ),
);

// ── compare --variants: at least one, each run once ──────────────────────
const noVariant =
  "kprim: --variants: no variant given (e.g. --variants TOK,SPIN+TI; without --variants, the scenario's matrix rows)";
add(
  usage("compare --variants ''", ["compare", LW, "--variants", ""], noVariant),
  usage("compare --variants ' , '", ["compare", LW, "--variants", " , "], noVariant),
  usage(
    "compare: a variant twice",
    ["compare", LW, "--variants", "TOK,SPIN+TI,TOK"],
    "kprim: --variants: TOK is given twice",
  ),
  usage(
    "compare: two items for one run",
    ["compare", LW, "--variants", "TOK,TOK:token"],
    "kprim: --variants: TOK and TOK:token are the same run (variant TOK with interlock=token)",
  ),
);

// ── kprim2 schedules ──────────────────────────────────────────────────────
const replay = (name, schedule, line, extra = []) =>
  usage(`replay kprim2: ${name}`, ["replay", "--schedule", schedule, ...extra], line);
add(
  replay("a bad %-escape in the run field", kprim2("", "signal=console%zz"), /run "signal=console%zz": bad %-escape$/),
  replay("a bad %-escape in the variant", `kprim2:${LW}:SPIN%2-naive::::${LOST}`, /variant: bad %-escape$/),
  replay("maxSteps=0", kprim2("", "maxSteps=0"), /run "maxSteps=0": the step limit must be an integer ≥ 1$/),
  replay("maxSteps=-3", kprim2("", "maxSteps=-3"), /the step limit must be an integer ≥ 1$/),
  replay("an unknown run field", kprim2("", "colour=red"), /run "colour=red": run fields are signal and maxSteps$/),
  replay("a run field without =", kprim2("", "signal"), /run "signal" is not key=value$/),
  replay("too few fields", `kprim2:${LW}:SPIN-naive:::${LOST}`, /kprim2: expected 7 ':'-separated fields .*, got 6$/),
  replay(
    "too many fields",
    `kprim2:${LW}:SPIN-naive:::::${LOST}`,
    /kprim2: expected 7 ':'-separated fields .*, got 8$/,
  ),
  replay(
    "an unknown version",
    `kprim4:${LW}:SPIN-naive::::${LOST}`,
    "kprim: schedule format kprim4 is not supported (this kprim reads kprim3, kprim2 and kprim1)",
  ),
  replay(
    "a signal in the schedule nothing raises",
    kprim2("", "signal=violation%3Anope"),
    /^kprim: signal "violation:nope": no detector of this run reports "nope"/,
  ),
  replay("neither --schedule nor --trail", "", "kprim: replay needs --schedule <string> or --trail <file>"),
  replay(
    "both --schedule and --trail",
    kprim2("", ""),
    "kprim: --schedule and --trail both give the schedule; give one",
    ["--trail", "$FIX/t/edited.trail"],
  ),
);
cases.find((c) => c.name === "replay kprim2: neither --schedule nor --trail").args = ["replay", LW];

// ── plugins a replay needs: a schedule names the plugin detectors it ran with ──
add(
  replay(
    "a plugin detector not loaded",
    kprim2("detector.quiet=quiet", ""),
    'kprim: the schedule ran with detector "quiet" of plugin "quiet": load that plugin (--plugin or kprim.config.mjs) to replay it',
  ),
  replay(
    "a plugin detector the schedule ran without",
    kprim2("", ""),
    'kprim: the schedule ran without detector "quiet", which plugin "quiet" installs: replay it without that plugin',
    ["--plugin", "$FIX/p/quiet.mjs"],
  ),
  replay(
    "a plugin detector from another plugin",
    kprim2("detector.quiet=other", ""),
    'kprim: option detector.quiet=other: detector "quiet" in place comes from plugin "quiet"',
    ["--plugin", "$FIX/p/quiet.mjs"],
  ),
);

// ── trails ────────────────────────────────────────────────────────────────
const t = (name, file, line) => usage(`replay --trail: ${name}`, ["replay", "--trail", `$FIX/t/${file}`], line);
add(
  t("a missing file", "missing.trail", /^kprim: cannot read the trail ".*missing\.trail": no such file or folder$/),
  t("a folder", "folder.trail", /^kprim: cannot read the trail ".*folder\.trail": it is a folder$/),
  t("not JSON", "junk.trail", /^kprim: ".*junk\.trail" is not a kprim trail \(not JSON\)$/),
  t("another kind of document", "other.trail", /is not a kprim trail \(no "kprim": "trail"\)$/),
  t("a JSON list", "list.trail", /is not a kprim trail \(no "kprim": "trail"\)$/),
  t("version 9", "future.trail", /: trail version 9 is not supported \(this kprim reads version 1\)$/),
  t("no schedule", "no-schedule.trail", /: a trail needs "schedule" \(a string\)$/),
  t("found is not a boolean", "no-found.trail", /: a trail needs "found" \(true or false\)$/),
  t("plugins not a list", "plugins-string.trail", /: "plugins" must be a list of module specifiers$/),
  t("a malformed schedule", "bad-schedule.trail", /^kprim: malformed schedule: /),
  t(
    "an edited verdict",
    "edited.trail",
    /^kprim: the trail recorded "ok" \(not found\); replaying it gives "violation at step \d+: .*" \(found\): the model changed since it was written$/,
  ),
  t("a plugin that is gone", "missing-plugin.trail", /^kprim: plugin .*kprim-plugin\.mjs failed to load: /),
);
for (const cmd of ["run", "explore"]) {
  add(
    usage(
      `${cmd} --save-trail into a missing folder`,
      [cmd, LW, ...NAIVE, "--save-trail", "/nonexistent/x.trail"],
      'kprim: cannot write the trail to "/nonexistent/x.trail": no such file or folder',
    ),
  );
}
add(
  usage(
    "replay --save-trail onto a folder",
    ["replay", "--schedule", kprim2("", ""), "--save-trail", "/tmp"],
    'kprim: cannot write the trail to "/tmp": it is a folder',
  ),
);

export { cases };
