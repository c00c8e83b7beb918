// Where the output goes: stdout carries one document (`--trace json --out -`
// is the trace alone, the summary on stderr); a full disk is one line and
// exit 2; a reader that goes away is a quiet exit 0; a trace that cannot be
// written is one line in words, after the summary that was computed.
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromSource } from "@kprim/test-utils";
import { expectUsageError, kprim, root } from "./run-cli.js";

const RUN = ["run", "lockmgr-lost-wakeup", "--interlock", "spin-naive", "--seed", "60"];

/** Run kprim with stdout going to `stdout` (a file descriptor) or to a pipe closed before it writes. */
function spawnTo(args: string[], stdout: number | "closed"): Promise<{ code: number | null; stderr: string }> {
  const l = fromSource(args);
  const child = spawn(l.command, [...l.args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", stdout === "closed" ? "pipe" : stdout, "pipe"],
  });
  if (stdout === "closed") child.stdout!.destroy();
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe.concurrent("writing the output", () => {
  it("--trace json --out -: stdout is the trace alone and parses; the summary is on stderr", async () => {
    const r = await kprim([...RUN, "--trace", "json", "--out", "-"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { scenario?: string };
    expect(doc.scenario).toBe("lockmgr-lost-wakeup");
    expect(r.stderr).toMatch(/^outcome: violation/m);
    expect(r.stderr).toMatch(/^replay: {3}kprim replay lockmgr-lost-wakeup/m);
  });

  it("--trace text --out -: stdout is the text trace alone", async () => {
    const text = await kprim([...RUN, "--trace", "text", "--out", "-"]);
    expect(text.stdout).not.toMatch(/^(outcome|schedule|counters):/m);
    expect(text.stderr).toMatch(/^schedule: kprim3:lockmgr-lost-wakeup:/m);
  });

  it("explore and replay --trace json --out -: stdout is the trace alone too", async () => {
    const ex = await kprim([
      "explore",
      "lockmgr-lost-wakeup",
      "--interlock",
      "spin-naive",
      "--trace",
      "json",
      "--out",
      "-",
    ]);
    expect(ex.code).toBe(1);
    expect((JSON.parse(ex.stdout) as { scenario?: string }).scenario).toBe("lockmgr-lost-wakeup");
    expect(ex.stderr).toMatch(/^verdict: FOUND failure/m);
    const schedule = /^shrunk: +(\S+)/m.exec(ex.stderr)![1]!;
    const re = await kprim(["replay", "--schedule", schedule, "--trace", "json", "--out", "-"]);
    expect(re.code).toBe(1);
    expect((JSON.parse(re.stdout) as { scenario?: string }).scenario).toBe("lockmgr-lost-wakeup");
    expect(re.stderr).toMatch(/^outcome: violation/m);
  });

  it("stdout on a full disk (/dev/full): one line in words, exit 2", async () => {
    const fd = openSync("/dev/full", "w");
    const r = await spawnTo(["list"], fd);
    closeSync(fd);
    expect([r.code, r.stderr]).toEqual([2, "kprim: cannot write the output: no space left on the device\n"]);
  });

  it("a reader that went away (`| head`): exit 0, no error on stderr", async () => {
    const list = await spawnTo(["list"], "closed");
    expect([list.code, list.stderr]).toEqual([0, ""]);
    // explore's progress is on stderr; nothing else is.
    const found = await spawnTo(["explore", "lockmgr-lost-wakeup", "--variant", "SPIN-naive"], "closed");
    expect([found.code, found.stderr]).toEqual([
      0,
      "kprim: exploring lockmgr-lost-wakeup under SPIN-naive, budget 100000 executions\n",
    ]);
  });

  it("a trace that cannot be written: the summary, then one error line in words (exit 2)", async () => {
    const full = await kprim([...RUN, "--trace", "json", "--out", "/dev/full"]);
    expect(full.code).toBe(2);
    expect(full.stdout).toMatch(/^outcome: violation/m);
    expect(full.stderr).toBe('kprim: cannot write the trace to "/dev/full": no space left on the device\n');
    const denied = await kprim([...RUN, "--trace", "html", "--out", "/sys/kprim-trace.html"]);
    expect(denied.code).toBe(2);
    expect(denied.stderr).toBe('kprim: cannot write the trace to "/sys/kprim-trace.html": permission denied\n');
  });

  it("a trace to a missing folder or to a folder is refused before the run, in words", async () => {
    expect(expectUsageError(await kprim([...RUN, "--trace", "html", "--out", "/nonexistent/t.html"]))).toBe(
      'kprim: cannot write the trace to "/nonexistent/t.html": no such file or folder',
    );
    expect(expectUsageError(await kprim([...RUN, "--trace", "html", "--out", "/tmp"]))).toBe(
      'kprim: cannot write the trace to "/tmp": it is a folder',
    );
  });
});

describe.concurrent("error lines", () => {
  it("escape control characters from user input (no raw ESC reaches the terminal)", async () => {
    const line = expectUsageError(await kprim(["run", "x\u001b[31mred\u0007"]));
    expect(line).toBe('kprim: unknown scenario "x\\e[31mred\\x07"; run "kprim list" to see them');
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f]/);
  });

  it("shorten a 100 KB argument instead of echoing it", async () => {
    const huge = "a".repeat(100_000);
    for (const args of [
      ["run", huge],
      ["run", "lost-wakeup", "--seed", huge],
      ["explore", "lost-wakeup", "--param", `${huge}=1`],
    ]) {
      const line = expectUsageError(await kprim(args));
      expect(line.length).toBeLessThan(400);
      expect(line).toContain("…");
    }
  });

  it("say a missing plugin in words, without kprim's own paths", async () => {
    const line = expectUsageError(await kprim(["list", "--plugin", "./no-such-plugin.js"]));
    expect(line).toBe("kprim: plugin ./no-such-plugin.js failed to load: not found (no such file)");
    expect(line).not.toMatch(/imported from|packages\/|node_modules|ERR_|ENOENT/);
  });
});
