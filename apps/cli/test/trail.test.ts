/**
 * Trail files, as SPIN and shuttle keep them: `explore --save-trail <file>`
 * (and a `<out>.trail` beside every trace written to a file) records the
 * counterexample — its schedule, the plugins the run loaded, its verdict —
 * and `kprim replay --trail <file>` reproduces it, plugins and all, checking
 * the verdict is the one recorded.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectUsageError, fixture, kprim } from "./run-cli.js";

const dir = (): string => mkdtempSync(join(tmpdir(), "kprim-trail-"));

interface Trail {
  kprim: string;
  version: number;
  scenario: string;
  schedule: string;
  plugins: string[];
  signal: string;
  found: boolean;
  outcome: string;
  replay: string;
}

describe.concurrent("trail files", () => {
  it("explore --save-trail writes the counterexample; replay --trail reproduces it (same outcome, exit 1)", async () => {
    const file = join(dir(), "lost.trail");
    const r = await kprim([
      "explore",
      "lockmgr-lost-wakeup",
      "--variant",
      "SPIN-naive",
      "--save-trail",
      file,
      "--json",
    ]);
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout) as { shrunk: string; failure: string };
    const trail = JSON.parse(readFileSync(file, "utf8")) as Trail;
    expect(trail).toMatchObject({
      kprim: "trail",
      version: 1,
      scenario: "lockmgr-lost-wakeup",
      schedule: found.shrunk,
      plugins: [],
      signal: "failure",
      found: true,
      outcome: found.failure,
    });
    const again = await kprim(["replay", "--trail", file, "--json"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcomeText: found.failure, found: true, schedule: found.shrunk });
    const text = await kprim(["explore", "lockmgr-lost-wakeup", "--variant", "SPIN-naive", "--save-trail", file]);
    expect(text.stdout).toContain(`trail:    ${file}`);
  });

  it("a trace written to a file gets its trail beside it (run, replay, explore)", async () => {
    const d = dir();
    const run = await kprim([
      "run",
      "lockmgr-lost-wakeup",
      "--interlock",
      "spin-naive",
      "--seed",
      "60",
      "--trace",
      "text",
      "--out",
      join(d, "run.txt"),
    ]);
    expect(run.code).toBe(1);
    expect(existsSync(join(d, "run.txt.trail"))).toBe(true);
    expect(run.stdout).toContain(`trail: ${join(d, "run.txt.trail")}`);
    const again = await kprim([
      "replay",
      "--trail",
      join(d, "run.txt.trail"),
      "--trace",
      "json",
      "--out",
      join(d, "again.json"),
    ]);
    expect(again.code).toBe(1);
    expect(existsSync(join(d, "again.json.trail"))).toBe(true);
    const ex = await kprim([
      "explore",
      "getnewbuf-locked-buf",
      "--variant",
      "TOK",
      "--signal",
      "console:race corrected",
      "--trace",
      "html",
      "--out",
      join(d, "r1.html"),
    ]);
    expect(ex.code).toBe(1);
    expect(readFileSync(join(d, "r1.html"), "utf8")).toMatch(/^<!doctype html>/i);
    const trail = JSON.parse(readFileSync(join(d, "r1.html.trail"), "utf8")) as Trail;
    expect([trail.signal, trail.found]).toEqual(["console:race corrected", true]);
    expect((await kprim(["replay", "--trail", join(d, "r1.html.trail")])).code).toBe(1);
  });

  it("records the plugins the run loaded: replay --trail needs no --plugin", async () => {
    const file = join(dir(), "wrapped.trail");
    const wrapped = fixture("wrapped-interlock.ts");
    const r = await kprim([
      "explore",
      "lockmgr-lost-wakeup",
      "--plugin",
      wrapped,
      "--interlock",
      "wrapped-naive",
      "--save-trail",
      file,
    ]);
    expect(r.code).toBe(1);
    const trail = JSON.parse(readFileSync(file, "utf8")) as Trail;
    expect(trail.plugins).toHaveLength(1);
    expect(trail.plugins[0]).toMatch(/^file:\/\/.*wrapped-interlock\.ts$/);
    const again = await kprim(["replay", "--trail", file]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^outcome: violation at step \d+: \[lost-wakeup\]/m);
  });

  it("explore that finds nothing writes no trail, and says so", async () => {
    const file = join(dir(), "none.trail");
    const r = await kprim(["explore", "lockmgr-lost-wakeup", "--variant", "SPIN+TI", "--save-trail", file]);
    expect(r.code).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(r.stdout).toContain("trail: none written (nothing found)");
  });

  it("a trail whose replay no longer gives the recorded verdict is an error, not a silent pass", async () => {
    const file = join(dir(), "edited.trail");
    expect(
      (await kprim(["run", "lockmgr-lost-wakeup", "--interlock", "spin-naive", "--seed", "60", "--save-trail", file]))
        .code,
    ).toBe(1);
    const t = JSON.parse(readFileSync(file, "utf8")) as Trail;
    writeFileSync(file, JSON.stringify({ ...t, outcome: "ok", found: false }));
    expect(expectUsageError(await kprim(["replay", "--trail", file]))).toMatch(
      /^kprim: the trail recorded "ok" \(not found\); replaying it gives "violation at step \d+: .*" \(found\): the model changed since it was written$/,
    );
  });

  it("bad trails and bad uses are one-line errors (exit 2)", async () => {
    const d = dir();
    writeFileSync(join(d, "junk.trail"), "not json");
    writeFileSync(join(d, "other.trail"), JSON.stringify({ kprim: "something", version: 1 }));
    writeFileSync(join(d, "future.trail"), JSON.stringify({ kprim: "trail", version: 9 }));
    expect(expectUsageError(await kprim(["replay", "--trail", join(d, "missing.trail")]))).toBe(
      `kprim: cannot read the trail "${join(d, "missing.trail")}": no such file or folder`,
    );
    expect(expectUsageError(await kprim(["replay", "--trail", join(d, "junk.trail")]))).toBe(
      `kprim: "${join(d, "junk.trail")}" is not a kprim trail (not JSON)`,
    );
    expect(expectUsageError(await kprim(["replay", "--trail", join(d, "other.trail")]))).toBe(
      `kprim: "${join(d, "other.trail")}" is not a kprim trail (no "kprim": "trail")`,
    );
    expect(expectUsageError(await kprim(["replay", "--trail", join(d, "future.trail")]))).toBe(
      `kprim: "${join(d, "future.trail")}": trail version 9 is not supported (this kprim reads version 1)`,
    );
    expect(expectUsageError(await kprim(["replay"]))).toBe("kprim: replay needs --schedule <string> or --trail <file>");
    expect(
      expectUsageError(await kprim(["replay", "--trail", join(d, "junk.trail"), "--schedule", "kprim2:x::::0s"])),
    ).toBe("kprim: --schedule and --trail both give the schedule; give one");
  });
});
