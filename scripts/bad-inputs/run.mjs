#!/usr/bin/env node
// The bad-input suite: the `kprim` command given what users get wrong —
// arguments, scenario names, parameters, schedules, config files, plugins,
// output paths — and interrupted as users interrupt it: a Ctrl-C to the
// process group, a Ctrl-C typed on a terminal, a reader that goes away.
//
// Every call is a whole process, run through the launcher (apps/cli/kprim.mjs:
// the build when it is current, so CI builds first; the sources otherwise),
// several at a time. Each call must end within its time limit with the exit
// code its case documents; unless a case says otherwise, stderr is exactly
// one line starting `kprim:` — no stack, none of kprim's own paths, no raw
// control character, short — and stdout is empty; a case that had computed
// something checks that it was printed. The last line is
// `bad inputs handled: N/N`; the exit code is 1 if any call failed.
//
//   node scripts/bad-inputs/run.mjs [--jobs N] [--only <text>] [--verbose]
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cases, writeFixtures } from "./cases.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const launcher = join(root, "apps/cli/kprim.mjs");

const { values: opts } = parseArgs({
  options: {
    jobs: { type: "string", default: String(Math.max(2, availableParallelism() * 2)) },
    only: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
  strict: true,
});

const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

/** Run one case; resolves to a list of problems (empty: handled). */
function runCase(c, dir) {
  const cwd = c.cwd ? join(dir, c.cwd) : root;
  const env = { ...process.env, NO_COLOR: "1", KPRIM_FROM_SOURCE: process.env.KPRIM_FROM_SOURCE ?? "", ...c.env };
  const args = [launcher, ...c.args.map((a) => a.replaceAll("$FIX", dir))];
  let command = process.execPath;
  let argv = args;
  if (c.terminal) {
    // A real terminal: script(1) gives the CLI a pty; ^C typed on it is the terminal's SIGINT.
    const quoted = [process.execPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    command = "script";
    argv = ["-qfec", quoted, "/dev/null"];
  }
  const full = c.stdout === "full" ? openSync("/dev/full", "w") : null;
  const stdio = ["pipe", full ?? "pipe", "pipe"];
  const t0 = Date.now();
  const child = spawn(command, argv, { cwd, env, stdio, detached: true });
  if (full !== null) closeSync(full);
  if (c.stdout === "closed") child.stdout.destroy();
  let stdout = "";
  let stderr = "";
  let interrupted = false;
  const group = () => {
    try {
      process.kill(-child.pid, "SIGINT");
    } catch {
      // ended
    }
  };
  const onOutput = () => {
    if (c.interrupt === undefined || interrupted) return;
    const seen = c.terminal ? stdout : stderr;
    if (!seen.includes(c.interrupt.ready)) return;
    interrupted = true;
    const fire = () => (c.terminal ? child.stdin.write("\u0003") : group());
    setTimeout(fire, c.interrupt.delayMs ?? 500);
    for (const ms of c.interrupt.more ?? []) setTimeout(fire, (c.interrupt.delayMs ?? 500) + ms);
  };
  if (c.stdout === undefined) child.stdout.setEncoding("utf8").on("data", (d) => ((stdout += d), onOutput()));
  child.stderr.setEncoding("utf8").on("data", (d) => ((stderr += d), onOutput()));
  if (!c.terminal) child.stdin.end();
  // An interrupt that waits for nothing: after its delay from the start.
  if (c.interrupt?.ready === "") {
    interrupted = true;
    setTimeout(() => (c.terminal ? child.stdin.write("\u0003") : group()), c.interrupt.delayMs ?? 500);
  }
  let hung = false;
  const limit = c.timeoutMs ?? 30_000;
  const guard = setTimeout(() => {
    hung = true;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // ended
    }
  }, limit);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      const r = { code, signal, stdout, stderr, ms: Date.now() - t0 };
      resolve(hung ? [`no exit within ${limit / 1000} s (a hang)`] : check(c, r));
    });
  });
}

/** The problems with one call's result. */
function check(c, r) {
  const problems = [];
  const code = c.code ?? 2;
  if (r.code !== code) problems.push(`exit ${r.code ?? r.signal}, expected ${code}`);
  // A terminal merges stdout and stderr: what the CLI wrote is all in `stdout` there.
  const errText = c.terminal ? r.stdout : r.stderr;
  if (/\n\s+at .+[:(]\d+/.test(errText)) problems.push("a stack trace on stderr");
  if (errText.includes(root) || /node_modules|packages\/[a-z-]+\/(src|dist)/.test(errText)) {
    problems.push("one of kprim's own paths in the output");
  }
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  if (!c.terminal) {
    const errorLines = c.progress ? lines.filter((l) => !isProgress(l)) : lines;
    if (c.stderr !== "any") {
      if (errorLines.length !== 1) problems.push(`${errorLines.length} error lines on stderr, expected 1`);
      const line = errorLines[0] ?? "";
      if (!line.startsWith("kprim: ")) problems.push(`stderr does not start with "kprim: ": ${JSON.stringify(line)}`);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line)) problems.push("a raw control character on stderr");
      if (line.length > 500) problems.push(`an error line of ${line.length} characters`);
      if (c.line instanceof RegExp ? !c.line.test(line) : c.line !== undefined && line !== c.line) {
        problems.push(`stderr ${JSON.stringify(line)}, expected ${c.line}`);
      }
    }
  }
  const out = r.stdout;
  if (c.output === undefined) {
    if (!c.terminal && c.stdout === undefined && r.stdout !== "") problems.push("output on stdout");
  } else if (!c.output.test(out)) {
    problems.push(`what was computed is missing from the output (expected ${c.output})`);
  }
  return problems;
}

/** Progress lines explore and compare write on stderr (not errors). */
function isProgress(l) {
  return /^kprim: (exploring|comparing) |^kprim: \d+ (executions|states) of at most \d+$|^kprim: \d+ of \d+ variants done$|^kprim: stopping|^kprim: time limit reached; /.test(
    l,
  );
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "kprim-bad-inputs-"));
  try {
    writeFixtures(dir, root);
    let list = cases.filter((c) => opts.only === undefined || c.name.includes(opts.only));
    const skipped = hasScript ? [] : list.filter((c) => c.terminal);
    list = list.filter((c) => !skipped.includes(c));
    if (skipped.length > 0) console.log(`bad inputs: ${skipped.length} terminal calls skipped (no script(1) here)`);
    const which = spawnSync(process.execPath, [launcher, "--which"], { encoding: "utf8" }).stdout.trim();
    console.log(`bad inputs: ${list.length} calls, ${opts.jobs} at a time; the CLI runs from ${which}`);
    let next = 0;
    let failed = 0;
    const t0 = Date.now();
    const worker = async () => {
      while (next < list.length) {
        const c = list[next++];
        const problems = await runCase(c, dir);
        if (problems.length > 0) {
          failed++;
          console.log(`FAIL ${c.name}: ${problems.join("; ")}`);
        } else if (opts.verbose) console.log(`ok   ${c.name}`);
      }
    };
    await Promise.all(Array.from({ length: Number(opts.jobs) }, worker));
    console.log(`bad inputs: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`bad inputs handled: ${list.length - failed}/${list.length}`);
    return failed === 0 && list.length > 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
