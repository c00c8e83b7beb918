/**
 * `kprim run <scenario> --interactive`, driven from a pipe as a test (or a
 * script) does and as a teacher does at a terminal: the enabled choices as a
 * numbered list with the op each would do, the schedule so far, the steps
 * taken by number or by choice token, `b` to go back, clear errors for bad
 * input (the session goes on), end of input (Ctrl-D) ending cleanly with the
 * schedule so far, and a finished run ending with its outcome and a replay
 * handle that reproduces it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type CliResult, kprim, root } from "./run-cli.js";

/** Words of a printed command: plain words and '…' quotes. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url));

/** kprim in this process with `input` on its stdin, then end of input. */
function kprimFed(args: readonly string[], input: string): Promise<CliResult> {
  return kprim(args, { stdin: input });
}

/** The same as a whole process with `input` through its stdin pipe, from source as `pnpm kprim` runs it. */
function kprimFedProcess(args: readonly string[], input: string): Promise<CliResult> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@kprim/source", bin, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin.end(input);
  // A hang guard, not a speed check (inside the 120 s a test may take).
  const guard = setTimeout(() => child.kill("SIGKILL"), 110_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** The lost wakeup of lockmgr-lost-wakeup under spin-naive, as choice tokens. */
const LOST = "1sx7.0sx3.1s.0sx2.1sx3.0s.1sx2".split(".").flatMap((t) => {
  const m = /^(\w+?)(?:x(\d+))?$/.exec(t)!;
  return Array.from({ length: Number(m[2] ?? 1) }, () => m[1]!);
});

describe.concurrent("kprim run --interactive", () => {
  it("lists the enabled choices, numbered, with the op each would do, and the schedule so far", async () => {
    const r = await kprimFedProcess(
      ["run", "lockmgr-lost-wakeup", "--interlock", "spin-naive", "--interactive"],
      "1\n",
    );
    expect(r.code).toBe(0);
    // What runs, in the words of every header: the variant as run, none for a scenario no variant changes.
    expect(r.stdout).toMatch(/^lockmgr-lost-wakeup \(SPIN\+TI:spin-naive\), stepped by hand: /);
    const lw = await kprimFed(["run", "lost-wakeup", "--variant", "TOK", "--interactive"], "q\n");
    expect(lw.stdout).toMatch(/^lost-wakeup, stepped by hand: /);
    expect(lw.stdout).toContain(
      "note: lost-wakeup depends on none of the options a variant sets (interlock, tokenMode, outer, lockmgr): under TOK it runs as under any variant\n",
    );
    expect(r.stdout).toContain(
      "step 1 · schedule so far: kprim3:lockmgr-lost-wakeup:SPIN+TI:interlock=spin-naive:::\n" +
        "  1) cpu1: step T_h (cmpxchg L.interlock)  [1s]\n",
    );
    // After "1": what cpu1's step did, and the next list.
    expect(r.stdout).toContain(
      "  did: T_h op L.interlock cmpxchg\n       T_h lock.acquire L.interlock spin:L.interlock\n",
    );
    expect(r.stdout).toContain(
      "step 2 · schedule so far: kprim3:lockmgr-lost-wakeup:SPIN+TI:interlock=spin-naive:::1s\n",
    );
    // End of input: a clean stop with the schedule so far and how to go on.
    expect(r.stdout).toContain("stopped at step 1 (end of input): the run has not ended\n");
    expect(r.stdout).toContain(
      "resume:   kprim run lockmgr-lost-wakeup --interactive --from 'kprim3:lockmgr-lost-wakeup:SPIN+TI:interlock=spin-naive:::1s'\n",
    );
    expect(r.stderr).toBe("");
  });

  it("steps a lost wakeup by choice tokens and ends with the outcome and a replay handle that reproduces it", async () => {
    const r = await kprimFed(
      ["run", "lockmgr-lost-wakeup", "--interlock", "spin-naive", "--interactive"],
      `${LOST.join("\n")}\n`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^outcome: violation at step 19: \[lost-wakeup\] T_w sleeps on L/m);
    const replay = /^replay: +(kprim replay .+)$/m.exec(r.stdout)?.[1];
    expect(replay).toBe(
      "kprim replay lockmgr-lost-wakeup --schedule 'kprim3:lockmgr-lost-wakeup:SPIN+TI:interlock=spin-naive:::1sx7.0sx3.1s.0sx2.1sx3.0s.1sx2'",
    );
    const again = await kprim(shellWords(replay!).slice(1));
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^outcome: violation at step 19: \[lost-wakeup\]/m);
  });

  it("says what is wrong with a bad line and goes on; b goes back; q stops", async () => {
    const from = "kprim3:lockmgr-lost-wakeup:SPIN+TI:interlock=spin-naive:::1sx7";
    const r = await kprimFed(
      ["run", "lockmgr-lost-wakeup", "--interactive", "--from", from],
      "x\n9\n\n7s\n1\nb\n2\nq\n1\n",
    );
    expect(r.code).toBe(0);
    const hint = "type 1 to 2, a choice as listed (0s, 1s), b to go back, q to stop";
    expect(r.stderr.trim().split("\n")).toEqual([
      `kprim: "x" is not a choice: ${hint}`,
      `kprim: "9" is not a choice: ${hint}`,
      `kprim: "" is not a choice: ${hint}`,
      `kprim: "7s" is not a choice: ${hint}`,
    ]);
    expect(r.stdout).toContain(`step 8 · schedule so far: ${from}\n  1) cpu0: step T_w (T_h took L)        [0s]\n`);
    expect(r.stdout).toContain(`step 9 · schedule so far: ${from}.0s\n`);
    expect(r.stdout).toContain("back to step 8\n");
    expect(r.stdout).toContain("stopped at step 8 (q): the run has not ended\n");
    expect(r.stdout).toContain("schedule: kprim3:lockmgr-lost-wakeup:SPIN+TI:interlock=spin-naive:::1sx8\n");
  });

  it("quotes and truncates a long or odd line, and refuses going back from the first step", async () => {
    const r = await kprimFed(["run", "lockmgr-lost-wakeup", "--interactive"], `b\n${"y".repeat(100)}\n\u001b[31m\n`);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split("\n")).toEqual([
      "kprim: nothing to go back to: this is the first step",
      `kprim: "${"y".repeat(40)}…" is not a choice: type 1 (or Enter), a choice as listed (1s), b to go back, q to stop`,
      'kprim: "\\u001b[31m" is not a choice: type 1 (or Enter), a choice as listed (1s), b to go back, q to stop',
    ]);
  });

  it("resumes from a schedule and writes the finished run's trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kprim-interactive-"));
    const out = join(dir, "t.html");
    // The lost wakeup's schedule but its last two choices (1s, 1s).
    const from = "kprim3:lockmgr-lost-wakeup:SPIN+TI:interlock=spin-naive:::1sx7.0sx3.1s.0sx2.1sx3.0s";
    expect(LOST.slice(-2)).toEqual(["1s", "1s"]);
    const r = await kprimFed(
      ["run", "lockmgr-lost-wakeup", "--interactive", "--from", from, "--trace", "html", "--out", out],
      "1s\n1s\n",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`step ${LOST.length - 1} · schedule so far: ${from}\n`);
    expect(r.stdout).toContain(`trace (html): ${out}`);
    expect(readFileSync(out, "utf8")).toContain('<dd data-setting="interlock">spin-naive</dd>');
  });

  it("judges by its signal: a misspelt target is refused before the first step; the replay handle and trail carry the signal", async () => {
    const typo = await kprimFed(
      ["run", "lockmgr-lost-wakeup", "--interlock", "spin-naive", "--interactive", "--signal", "violation:lost-wakup"],
      "",
    );
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toMatch(/^kprim: signal "violation:lost-wakup": .*\(did you mean "violation:lost-wakeup"\?\)/);
    const trail = join(mkdtempSync(join(tmpdir(), "kprim-interactive-")), "lost.trail");
    const r = await kprimFed(
      [
        "run",
        "lockmgr-lost-wakeup",
        "--interlock",
        "spin-naive",
        "--interactive",
        "--signal",
        "violation:lost-wakeup",
        "--save-trail",
        trail,
      ],
      `${LOST.join("\n")}\n`,
    );
    expect(r.code).toBe(1);
    const replay = /^replay: +(kprim replay .+)$/m.exec(r.stdout)?.[1];
    expect(replay).toContain(":signal=violation%3Alost-wakeup:");
    expect(r.stdout).toContain(`trail: ${trail}`);
    const again = await kprim(["replay", "--trail", trail]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^signal violation:lost-wakeup: shown$/m);
  });

  it("refuses what it cannot do, in one line", async () => {
    const json = await kprimFed(["run", "lost-wakeup", "--interactive", "--json"], "");
    expect([json.code, json.stderr.trim()]).toEqual([
      2,
      "kprim: --interactive is for a person at a terminal or a script feeding it lines; drop --json",
    ]);
    const from = await kprimFed(["run", "lost-wakeup", "--from", "kprim1:lost-wakeup::::0s"], "");
    expect([from.code, from.stderr.trim()]).toEqual([
      2,
      "kprim: --from needs --interactive (to replay a whole schedule: kprim replay)",
    ]);
    const other = await kprimFed(
      ["run", "lost-wakeup", "--interactive", "--from", "kprim1:lockmgr-lost-wakeup::::0s"],
      "",
    );
    expect([other.code, other.stderr.trim()]).toEqual([
      2,
      'kprim: the schedule is for scenario "lockmgr-lost-wakeup", not "lost-wakeup"',
    ]);
    const bad = await kprimFed(["run", "lost-wakeup", "--interactive", "--from", "kprim1:lost-wakeup::::9s"], "");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^kprim: replay diverged at step 1: expected 9s/);
  });
});
