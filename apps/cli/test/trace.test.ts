/**
 * What `kprim run|replay --trace` writes, as a student opens it: the header
 * says exactly what ran, in the words of the report line (the variant as
 * run — SPIN+TI:spin-naive, never the variant a run overrode — the options
 * the scenario depends on, layers, params under their current names,
 * signal), the racy window is the one the detectors'
 * evidence gives (from the last relevant observation to the failure), the
 * decisive steps are labelled, and a run that ended ok but printed one of
 * getnewbuf's warnings is shown by that warning.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TimelineData } from "@kprim/trace";
import { describe, expect, it } from "vitest";
import { fixture, kprim } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "kprim-timeline-"));

function embedded(html: string): TimelineData {
  const m = /<script type="application\/json" id="kprim-timeline-data">(.*?)<\/script>/s.exec(html);
  if (m === null) throw new Error("no data script");
  return JSON.parse(m[1]!) as TimelineData;
}

function settings(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/<dd data-setting="([^"]+)">([^<]*)<\/dd>/g)].map((m) => [m[1]!, m[2]!]));
}

/** "T_w tests L's condition" for each label, with its role and step. */
function labels(data: TimelineData): string[] {
  const name = (id: number): string => data.threads.find((t) => t.id === id)?.name ?? "";
  return data.labels.map((l) => `${l.step} ${l.role} ${l.thread < 0 ? "" : `${name(l.thread)} `}${l.label}`);
}

describe.concurrent("kprim run --trace html", () => {
  it("a lost wakeup under spin-naive: what ran, the window from T_w's last test, the decisive steps labelled", async () => {
    const out = join(dir, "lost.html");
    const r = await kprim([
      "run",
      "lockmgr-lost-wakeup",
      "--interlock",
      "spin-naive",
      "--seed",
      "60",
      "--trace",
      "html",
      "--out",
      out,
    ]);
    expect(r.code).toBe(1);
    const html = readFileSync(out, "utf8");
    expect(settings(html)).toMatchObject({
      interlock: "spin-naive",
      variant: "SPIN+TI:spin-naive",
      lockmgr: "2005",
      signal: "failure",
    });
    expect(html).not.toContain("data-variant");
    // The same words as the report line: lockmgr-lost-wakeup does not depend on outer, so it is not shown.
    expect(settings(html)).not.toHaveProperty("outer");
    expect(r.stdout).toMatch(/^lockmgr-lost-wakeup under SPIN\+TI:spin-naive \(/m);
    const data = embedded(html);
    expect(labels(data)).toEqual([
      "12 observe T_w tests L's condition",
      "15 cause T_h lockmgr RELEASE L",
      "16 missed T_h wakeup(L) finds nobody queued",
      "17 stuck T_w tsleep(L) never returns",
    ]);
    expect(data.window).toMatchObject({ fromStep: 12, toStep: 19 });
    expect(data.window!.reason).toBe(
      "step 12: T_w tests L's condition; step 15: T_h lockmgr RELEASE L; step 16: T_h wakeup(L) finds nobody queued; " +
        "step 17: T_w tsleep(L) never returns",
    );
  });

  it("R1 under TOK: the warning is the failure point, the window runs from getnewbuf's scan to it", async () => {
    const out = join(dir, "r1.html");
    const r = await kprim([
      "run",
      "getnewbuf-locked-buf",
      "--variant",
      "TOK",
      "--seed",
      "12",
      "--trace",
      "html",
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).not.toContain("<span data-window-reason>—");
    expect(settings(html)).toMatchObject({ variant: "TOK", interlock: "token", signal: "failure" });
    const data = embedded(html);
    expect(data.failure?.text).toMatch(/^console: getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected$/);
    const l = labels(data);
    expect(l.map((x) => x.replace(/^\d+ /, ""))).toEqual([
      expect.stringMatching(/^observe T_new getnewbuf picks 0x[0-9a-f]+ off a free queue$/),
      expect.stringMatching(/^cause T_get locks 0x[0-9a-f]+$/),
      expect.stringMatching(/^report T_new BUF_LOCK\(NOWAIT\) finds 0x[0-9a-f]+ locked$/),
      expect.stringMatching(/^report T_new console: "getnewbuf: warning, locked buf/),
    ]);
    expect(data.window).toMatchObject({ fromStep: data.labels[0]!.step, toStep: data.failure!.step });
  });

  it("names the params, the options and a console signal, and takes the failure point from the signal", async () => {
    const out = join(dir, "lw.html");
    const r = await kprim([
      "run",
      "getnewbuf-locked-buf",
      "--variant",
      "TOK",
      "--seed",
      "12",
      "--option",
      "outer=none",
      "--signal",
      "console:locked buf",
      "--trace",
      "html",
      "--out",
      out,
    ]);
    const html = readFileSync(out, "utf8");
    expect(settings(html)).toMatchObject({
      variant: "TOK",
      outer: "none",
      signal: "console:locked buf",
      strategy: "random(seed=12)",
    });
    expect(r.code === 1).toBe(embedded(html).failure !== null);
    const params = await kprim(["run", "lost-wakeup", "--param", "sleepers=2", "--trace", "html", "--out", out]);
    expect(params.code).toBe(0);
    const lw = settings(readFileSync(out, "utf8"));
    // lost-wakeup's parameters under their current names; it depends on no variant option, so no variant is named.
    expect(lw).toMatchObject({ "param sleepers": "2", "param sleep": "tsleep_interlock" });
    expect(lw).not.toHaveProperty("variant");
  });
});

describe.concurrent("kprim run --trace text|perfetto, kprim replay --trace", () => {
  it("the text trace lists what ran and writes each label after its event", async () => {
    const r = await kprim([
      "run",
      "lockmgr-lost-wakeup",
      "--interlock",
      "spin-naive",
      "--seed",
      "60",
      "--trace",
      "text",
      "--out",
      "-",
    ]);
    expect(r.stdout).toContain("# interlock: spin-naive\n");
    expect(r.stdout).toContain("# racy window: steps 12..19 (step 12: T_w tests L's condition;");
    expect(r.stdout).toMatch(/T_h +sleepq\.wakeup L wakeup +<- T_h wakeup\(L\) finds nobody queued \[missed\]\n/);
    expect(r.stdout).toMatch(/T_w +block +asleep on L \(lwt\) +<- T_w tsleep\(L\) never returns \[stuck\]\n/);
  });

  it("the Perfetto trace carries the labels and the window", async () => {
    const out = join(dir, "lost.pf.json");
    await kprim([
      "run",
      "lockmgr-lost-wakeup",
      "--interlock",
      "spin-naive",
      "--seed",
      "60",
      "--trace",
      "perfetto",
      "--out",
      out,
    ]);
    const t = JSON.parse(readFileSync(out, "utf8")) as {
      traceEvents: { name: string; cat: string }[];
      otherData: Record<string, string>;
    };
    // Ordered by each cpu's own clock, so compared as a set.
    expect(
      t.traceEvents
        .filter((e) => e.cat === "label")
        .map((e) => e.name)
        .sort(),
    ).toEqual([
      "T_h lockmgr RELEASE L",
      "T_h wakeup(L) finds nobody queued",
      "T_w tests L's condition",
      "T_w tsleep(L) never returns",
    ]);
    expect(t.otherData["racyWindow"]).toMatch(/^steps 12\.\.19: /);
    expect(t.otherData["interlock"]).toBe("spin-naive");
  });

  it("the replay of the printed schedule draws the same window", async () => {
    const run = await kprim(["run", "lockmgr-lost-wakeup", "--interlock", "spin-naive", "--seed", "60", "--json"]);
    const schedule = (JSON.parse(run.stdout) as { schedule: string }).schedule;
    const out = join(dir, "replayed.html");
    await kprim(["replay", "lockmgr-lost-wakeup", "--schedule", schedule, "--trace", "html", "--out", out]);
    const html = readFileSync(out, "utf8");
    expect(embedded(html).window).toMatchObject({ fromStep: 12, toStep: 19 });
    expect(settings(html)).toMatchObject({ interlock: "spin-naive", strategy: "replay" });
  });

  it("explore --trace draws the shrunk counterexample under the same header", async () => {
    const out = join(dir, "explored.html");
    const r = await kprim([
      "explore",
      "lockmgr-lost-wakeup",
      "--interlock",
      "spin-naive",
      "--trace",
      "html",
      "--out",
      out,
    ]);
    expect(r.code).toBe(1);
    expect(settings(readFileSync(out, "utf8"))).toMatchObject({
      variant: "SPIN+TI:spin-naive",
      interlock: "spin-naive",
      signal: "failure",
      strategy: expect.stringMatching(/, the shrunk counterexample$/),
    });
  });
});

describe("a plugin's layer in the header", () => {
  it("names the layer a plugin replaced", async () => {
    const out = join(dir, "layer.html");
    await kprim(["run", "lost-wakeup", "--plugin", fixture("no-tsleep-interlock.ts"), "--trace", "html", "--out", out]);
    expect(settings(readFileSync(out, "utf8"))).toMatchObject({ "layer sleepq": "no-tsleep-interlock" });
  });
});

describe("a plugin detector's evidence", () => {
  it("sets the window and the labels of the trace", async () => {
    const out = join(dir, "plugin.html");
    const r = await kprim([
      "run",
      "lost-wakeup",
      "--plugin",
      fixture("evidence-detector.ts"),
      "--signal",
      "violation:flag-after-test",
      "--trace",
      "html",
      "--out",
      out,
    ]);
    expect(r.code).toBe(1);
    const data = embedded(readFileSync(out, "utf8"));
    expect(labels(data).map((l) => l.replace(/^\d+ /, ""))).toEqual([
      "observe T_S tests the flag",
      "report T_W sets the flag after that test",
    ]);
    expect(data.window).toMatchObject({ fromStep: data.labels[0]!.step, toStep: data.labels[1]!.step });
  });
});
