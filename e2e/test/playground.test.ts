/**
 * The browser playground (apps/playground), built into its dist/ and served
 * by a plain static file server, driven in Debian's chromium: it loads with
 * nothing but its own files and no console error; the R1 counterexample
 * opens by URL at its decisive step, and stepping on to the warning shows
 * the labelled events and the racy window of the timeline (the component
 * the CLI's HTML export draws with); an exploration in the Web Worker finds
 * R3's lost wakeup and loads it into the step view, and Stop ends one that
 * runs on; the step view works from the keyboard; Compare tabulates token
 * vs spinlock + tsleep_interlock and draws the chart. The README's picture
 * of the playground is the screenshot taken here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { explore } from "@kprim/explore";
import { formatChoice, parseSchedule } from "@kprim/machine";
import { prepare, scenarioFactory } from "@kprim/scenarios";
import { root } from "@kprim/test-utils";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildPlayground,
  launchChromium,
  PLAYGROUND_DIST as DIST,
  type Served,
  serveStatic as serve,
} from "@kprim/test-utils/browser";

let browser: Browser;
let site: Served;

beforeAll(async () => {
  await buildPlayground();
  site = await serve(DIST);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

interface Opened {
  readonly page: Page;
  /** Console errors and warnings, and uncaught exceptions. */
  readonly errors: string[];
  /** URLs asked for that are neither the site's own nor in memory. */
  readonly foreign: string[];
}

/** The address fragment, written as the playground documents it (keys in any order). */
function fragment(fields: Record<string, string | number>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) q.set(k, String(v));
  return `#${q.toString()}`;
}

async function open(hash = "", viewport = { width: 1280, height: 900 }): Promise<Opened> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("request", (r) => {
    // data: and blob: URLs are in memory (the worker starts from a blob of the page's own script).
    if (!r.url().startsWith(site.url) && !/^(?:data|blob):/.test(r.url())) foreign.push(r.url());
  });
  await page.goto(site.url + hash);
  await page.waitForSelector("html[data-ready]");
  return { page, errors, foreign };
}

const stepOf = async (page: Page): Promise<number> => Number(await page.getAttribute("[data-step-count]", "data-step"));

/** The labels on the timeline, in step order: "role: text". */
async function labels(page: Page): Promise<{ step: number; role: string; text: string; future: boolean }[]> {
  const ls = await page.$$eval("[data-timeline] [data-label]", (ns) =>
    ns.map((n) => ({
      step: Number(n.getAttribute("data-step")),
      role: n.getAttribute("data-role")!,
      text: n.textContent ?? "",
      future: n.classList.contains("future"),
    })),
  );
  return ls.sort((a, b) => a.step - b.step);
}

describe("the playground, built and served as static files", () => {
  it("builds index.html and its assets with relative URLs", () => {
    const html = readFileSync(join(DIST, "index.html"), "utf8");
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((r) => !r.startsWith("data:"))).toEqual([
      expect.stringMatching(/^\.\/assets\/index-[\w-]+\.js$/),
      expect.stringMatching(/^\.\/assets\/index-[\w-]+\.css$/),
    ]);
  });

  it("opens on its own files only, with no console error, and names what it shows", async () => {
    const o = await open();
    expect(await o.page.textContent("h1")).toContain("kprim");
    expect(await o.page.$eval("[data-pick-scenario]", (n) => (n as HTMLSelectElement).value)).toBe(
      "lockmgr-lost-wakeup",
    );
    const groups = await o.page.$$eval("[data-pick-scenario] optgroup", (ns) => ns.map((n) => n.getAttribute("label")));
    expect(groups).toEqual(["Races (spec R1–R9)", "Correct twins (spec G1–G11)", "Beyond the spec's rows"]);
    expect(await o.page.isVisible('[data-thread-source="T_w"] [data-function="waiter"]')).toBe(true);
    expect(await o.page.textContent('[data-thread-source="T_w"] [data-function="waiter"] pre')).toContain(
      "function* waiter(",
    );
    expect(o.page.url()).toContain("scenario=lockmgr-lost-wakeup");
    expect(o.foreign).toEqual([]);
    expect(site.requests.every((p) => p === "/" || p.startsWith("/assets/"))).toBe(true);
    expect(o.errors).toEqual([]);
    await o.page.close();
  });
  it("says in one line why a link does not open, and shows the default run instead", async () => {
    for (const [hash, why] of [
      [fragment({ scenario: "no-such-scenario" }), /unknown scenario "no-such-scenario"/],
      [fragment({ schedule: "kprim1:lockmgr-lost-wakeup:SPIN-naive:::7s" }), /replay diverged at step 1: expected 7s/],
      [fragment({ scenario: "lost-wakeup", "p.sleepers": 99 }), /sleepers/],
      [fragment({ schedule: "not a schedule" }), /malformed schedule/],
    ] as const) {
      const o = await open(hash);
      const line = (await o.page.textContent("[data-error]")) ?? "";
      expect(line).toMatch(why);
      expect(line).toMatch(/^This link does not open: .*\. Showing lockmgr-lost-wakeup instead\.$/);
      expect(line).not.toContain("\n");
      expect(line).not.toMatch(/ at .*\.ts:\d+/);
      expect(await o.page.$eval("[data-pick-scenario]", (n) => (n as HTMLSelectElement).value)).toBe(
        "lockmgr-lost-wakeup",
      );
      expect(o.errors).toEqual([]);
      await o.page.close();
    }
  });
});

describe("R1's counterexample, opened by URL", () => {
  const signal = "console:getnewbuf: warning, locked buf";
  let o: Opened;
  let schedule: string;

  beforeAll(async () => {
    const r = explore(scenarioFactory(prepare({ scenario: "getnewbuf-locked-buf", variant: "TOK" })), {
      mode: { kind: "dpor" },
      target: signal,
    });
    if (r.kind !== "found") throw new Error("R1 was not found under TOK");
    schedule = r.shrunk;
  });

  afterAll(async () => {
    await o?.page.close();
  });

  it("opens at the step the link names, with the run's labels and racy window on the timeline", async () => {
    // First without a step: the page shows where the window starts, and that is the decisive step to link to.
    const first = await open(fragment({ schedule, signal }));
    const from = Number(await first.page.getAttribute("[data-timeline] [data-window]", "data-from"));
    await first.page.close();
    o = await open(fragment({ schedule, signal, at: from }));
    expect(await stepOf(o.page)).toBe(from);
    expect(Number(await o.page.getAttribute("[data-timeline] [data-cursor]", "data-step"))).toBe(from);
    expect(await o.page.textContent('[data-setting="variant"]')).toBe("TOK");
    expect(await o.page.textContent('[data-setting="signal"]')).toBe(signal);
    const ls = await labels(o.page);
    expect(ls.map((l) => `${l.role}: ${l.text}`)).toEqual([
      expect.stringMatching(/^observe: T_new getnewbuf picks 0x[0-9a-f]+ off a free queue$/),
      expect.stringMatching(/^cause: T_get locks 0x[0-9a-f]+$/),
      expect.stringMatching(/^report: T_new BUF_LOCK\(NOWAIT\) finds 0x[0-9a-f]+ locked$/),
      expect.stringMatching(/^report: T_new console: "getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected"$/),
    ]);
    expect(ls[0]!.step).toBe(from);
    // What has not happened yet is faded.
    expect(ls.map((l) => l.future)).toEqual([false, true, true, true]);
    expect(await o.page.textContent("[data-console]")).toContain("nothing printed yet");
  });

  it("steps on to the warning: the console prints it at the failure point, every label now behind the cursor", async () => {
    const failure = Number(await o.page.getAttribute("[data-timeline] [data-failure]", "data-step"));
    for (let guard = 0; guard < 200 && (await o.page.$("[data-console-line]")) === null; guard++) {
      await o.page.click('[data-action="next"]');
    }
    expect(await o.page.textContent("[data-console-line]")).toMatch(
      /getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected/,
    );
    expect(await stepOf(o.page)).toBe(failure);
    const ls = await labels(o.page);
    expect(ls.map((l) => l.future)).toEqual([false, false, false, false]);
    expect(ls.at(-1)!.step).toBe(failure);
    const win = await o.page.$eval("[data-timeline] [data-window]", (n) => ({
      from: Number(n.getAttribute("data-from")),
      to: Number(n.getAttribute("data-to")),
    }));
    expect(win).toEqual({ from: ls[0]!.step, to: failure });
    expect(await o.page.getAttribute("[data-status]", "data-found")).toBe("true");
    expect(await o.page.textContent("[data-status]")).toContain(`shows ${signal}`);
    // The state beside it: the buffer's lock word, held by T_get.
    expect(await o.page.getAttribute("[data-lock-word]", "data-flags")).toContain("HAVE_EXCL");
    expect(o.page.url()).toContain(`at=${failure}`);
    expect(o.errors).toEqual([]);
  });
});

describe("one schedule", () => {
  it("runs a seeded random schedule and opens it at its racy window; PCT too", async () => {
    const o = await open(fragment({ scenario: "lockmgr-lost-wakeup", variant: "SPIN-naive" }));
    await o.page.fill("[data-run-seed]", "60");
    await o.page.click('[data-action="run"]');
    expect(await o.page.textContent("[data-plan]")).toBe("following random(seed=60)");
    // The README's seed-60 picture: the window runs from step 12.
    expect(await stepOf(o.page)).toBe(12);
    expect((await labels(o.page)).map((l) => l.step)).toEqual([12, 15, 16, 17]);
    expect(await o.page.getAttribute("[data-status]", "data-found")).toBe("true");
    await o.page.selectOption("[data-run-strategy]", "pct");
    await o.page.fill("[data-run-seed]", "3");
    await o.page.click('[data-action="run"]');
    expect(await o.page.textContent("[data-plan]")).toMatch(/^following pct\(seed=3, d=3, steps=\d+\)$/);
    const steps = Number(await o.page.getAttribute("[data-step-count]", "data-steps"));
    // A run with a racy window opens at its start, one without at its end.
    const win = await o.page.$("[data-timeline] [data-window]");
    const from = win === null ? steps : Number(await win.getAttribute("data-from"));
    expect(await stepOf(o.page)).toBe(from);
    expect(o.errors).toEqual([]);
    await o.page.close();
  });
});

describe("an exploration in the Web Worker", () => {
  it("finds R3's lost wakeup offline, shrinks it and loads it into the step view with its window and labels", async () => {
    const o = await open(fragment({ scenario: "lockmgr-lost-wakeup", variant: "SPIN-naive" }), {
      width: 1440,
      height: 900,
    });
    // Offline once loaded: the exploration fetches nothing (the worker's code is in the page's script).
    await o.page.context().setOffline(true);
    const fetched = site.requests.length;
    await o.page.click('[data-tab="explore"]');
    expect(await o.page.inputValue("[data-explore-signal]")).toBe("violation:lost-wakeup");
    await o.page.selectOption("[data-explore-strategy]", "dpor");
    await o.page.click('[data-action="explore"]');
    await o.page.waitForSelector("[data-explore-result][data-found]", { state: "attached", timeout: 60_000 });
    expect(await o.page.getAttribute("[data-explore-result]", "data-found")).toBe("true");
    expect(await o.page.textContent("[data-explore-result]")).toMatch(
      /Found violation:lost-wakeup after \d+ executions \(dpor\)/,
    );
    expect(Number(await o.page.getAttribute("[data-explore-progress]", "data-done"))).toBeGreaterThan(0);
    // The finding is in the step view, at the start of its window.
    expect(await o.page.getAttribute('[data-tab="step"]', "aria-selected")).toBe("true");
    expect(await o.page.textContent('[data-setting="strategy"]')).toBe("dpor (shrunk)");
    const ls = await labels(o.page);
    expect(ls.map((l) => `${l.role}: ${l.text}`)).toEqual([
      "observe: T_w tests L's condition",
      "cause: T_h lockmgr RELEASE L",
      "missed: \u2205 T_h wakeup(L) finds nobody queued",
      "stuck: \u25a0 T_w tsleep(L) never returns",
    ]);
    const from = Number(await o.page.getAttribute("[data-timeline] [data-window]", "data-from"));
    expect(from).toBe(ls[0]!.step);
    expect(await stepOf(o.page)).toBe(from);
    expect(await o.page.textContent("[data-outcome]")).toMatch(/^violation at step \d+: \[lost-wakeup\]/);
    expect(site.requests.length).toBe(fetched);
    expect(o.foreign).toEqual([]);
    // The page's address now opens the same finding at the same step.
    const again = await open(new URL(o.page.url()).hash);
    expect(await stepOf(again.page)).toBe(from);
    expect(await again.page.textContent("[data-replay]")).toBe(await o.page.textContent("[data-replay]"));
    // The README's picture of the playground.
    await o.page.screenshot({ path: join(root, "docs", "playground.png") });
    expect(
      readFileSync(join(root, "docs", "playground.png"))
        .subarray(1, 4)
        .toString("latin1"),
    ).toBe("PNG");
    expect([...o.errors, ...again.errors]).toEqual([]);
    await again.page.close();
    await o.page.close();
  });

  it("shows progress and stops on Stop, keeping what it counted", async () => {
    const o = await open(fragment({ scenario: "lost-wakeup", variant: "SPIN+TI", "p.sleepers": 4 }));
    await o.page.click('[data-tab="explore"]');
    await o.page.fill("[data-explore-signal]", "failure");
    await o.page.fill("[data-explore-budget]", "1000000");
    await o.page.click('[data-action="explore"]');
    expect(await o.page.isEnabled('[data-action="stop"]')).toBe(true);
    await expect
      .poll(async () => Number(await o.page.getAttribute("[data-explore-progress]", "data-done")), { timeout: 60_000 })
      .toBeGreaterThan(64);
    await o.page.click('[data-action="stop"]');
    await o.page.waitForSelector('[data-explore-result][data-found="false"]');
    const done = Number(await o.page.getAttribute("[data-explore-progress]", "data-done"));
    expect(await o.page.textContent("[data-explore-result]")).toBe(
      `Stopped after ${done.toLocaleString("en")} executions: nothing found so far, the search was not finished.`,
    );
    expect(await o.page.isEnabled('[data-action="explore"]')).toBe(true);
    expect(await o.page.isDisabled('[data-action="stop"]')).toBe(true);
    expect(o.errors).toEqual([]);
    await o.page.close();
  });
});

describe("the step view from the keyboard", () => {
  it("steps with the arrow keys, Home and End, takes a choice by its number, and keeps the focus visible", async () => {
    const o = await open(fragment({ scenario: "lockmgr-lost-wakeup", variant: "SPIN+TI" }));
    await o.page.focus("[data-step-view]");
    for (let i = 0; i < 3; i++) await o.page.keyboard.press("ArrowRight");
    expect(await stepOf(o.page)).toBe(3);
    await o.page.keyboard.press("ArrowLeft");
    expect(await stepOf(o.page)).toBe(2);
    // Walk on until two choices are offered, then take the second by its number.
    for (let guard = 0; guard < 50 && (await o.page.$$("[data-choice]")).length < 2; guard++)
      await o.page.keyboard.press("ArrowRight");
    const before = await stepOf(o.page);
    const second = await o.page.getAttribute('[data-choice][data-index="1"]', "data-token");
    await o.page.keyboard.press("2");
    expect(await stepOf(o.page)).toBe(before + 1);
    const taken = parseSchedule(new URLSearchParams(new URL(o.page.url()).hash.slice(1)).get("schedule")!).choices;
    expect(taken).toHaveLength(before + 1);
    expect(formatChoice(taken.at(-1)!)).toBe(second);
    // Tab reaches the choice buttons; Enter takes the focused one; the focus stays in the step view.
    await o.page.focus("[data-step-view]");
    let onChoice = false;
    for (let i = 0; i < 12 && !onChoice; i++) {
      await o.page.keyboard.press("Tab");
      onChoice = await o.page.evaluate(() => document.activeElement?.hasAttribute("data-choice") ?? false);
    }
    expect(onChoice).toBe(true);
    const outline = await o.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe("none");
    const at = await stepOf(o.page);
    await o.page.keyboard.press("Enter");
    expect(await stepOf(o.page)).toBe(at + 1);
    expect(await o.page.evaluate(() => document.activeElement?.closest("[data-step-view]") !== null)).toBe(true);
    await o.page.keyboard.press("End");
    expect(await o.page.$$("[data-choice]")).toHaveLength(0);
    expect(await o.page.getAttribute("[data-outcome]", "data-kind")).toBe("ok");
    await o.page.keyboard.press("Home");
    expect(await stepOf(o.page)).toBe(0);
    // Buttons are buttons, with names.
    const unnamed = await o.page.$$eval(
      "button",
      (ns) => ns.filter((n) => (n.textContent ?? "").trim() === "" && !n.getAttribute("aria-label")).length,
    );
    expect(unnamed).toBe(0);
    expect(await o.page.$$eval("[role=tab]", (ns) => ns.map((n) => n.tagName))).toEqual(["BUTTON", "BUTTON", "BUTTON"]);
    expect(o.errors).toEqual([]);
    await o.page.close();
  });
});

describe("Compare", () => {
  it("tabulates token vs spinlock + tsleep_interlock and draws the cycles chart", async () => {
    const o = await open(fragment({ scenario: "buf-churn", variant: "SPIN+TI", "p.ops": 1, tab: "compare" }));
    expect(await o.page.getAttribute('[data-tab="compare"]', "aria-selected")).toBe("true");
    await o.page.fill("[data-compare-seeds]", "1");
    await o.page.click('[data-action="compare"]');
    await o.page.waitForSelector('[data-compare-row="SPIN+TI"]', { timeout: 60_000 });
    const cycles = await o.page.$$eval("[data-compare-row]", (ns) =>
      ns.map((n) => [n.getAttribute("data-compare-row"), Number(n.getAttribute("data-cycles"))] as const),
    );
    expect(cycles.map(([v]) => v)).toEqual(["TOK", "SPIN+TI"]);
    expect(cycles[0]![1]).toBeGreaterThan(cycles[1]![1]);
    expect(
      await o.page.$$eval("[data-compare-chart] svg polyline", (ns) => ns.map((n) => n.getAttribute("data-series"))),
    ).toEqual(["TOK", "SPIN+TI"]);
    expect(o.errors).toEqual([]);
    await o.page.close();
  });
});
