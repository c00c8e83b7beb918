/**
 * The HTML timeline of a racy run (R1), opened in a real browser (Debian's
 * chromium through playwright-core): screenshotted into docs/, then the
 * rendered DOM asserted — one lane per cpu, one mark per trace event in its
 * cpu's lane, the racy window covering the failing steps, hover details,
 * zoom and pan, and nothing fetched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describeOutcome } from "@kprim/machine";
import { toHtml } from "@kprim/trace";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";
import { subject } from "./subject.js";

const SCREENSHOT = fileURLToPath(new URL("../../docs/trace-timeline.png", import.meta.url));

interface Box {
  readonly left: number;
  readonly right: number;
}

describe("the HTML timeline in chromium", () => {
  const { doc, failingSteps } = subject();
  const dir = mkdtempSync(join(tmpdir(), "kprim-e2e-"));
  const url = pathToFileURL(join(dir, "timeline.html")).href;
  const requests: string[] = [];
  const errors: string[] = [];
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    writeFileSync(new URL(url), toHtml(doc));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 400 }, deviceScaleFactor: 1 });
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(url);
    await page.waitForSelector("html[data-ready]");
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads from the file alone, without errors", () => {
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it("is screenshotted into docs/", async () => {
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1280);
  });

  it("names the scenario, variant and replay command in the header", async () => {
    expect(await page.textContent("[data-scenario]")).toBe(doc.scenario);
    expect(await page.textContent("[data-variant]")).toBe(doc.variant);
    expect(await page.textContent("[data-replay]")).toBe(doc.replayCommand);
    expect(await page.textContent("[data-outcome]")).toBe(describeOutcome(doc.outcome));
  });

  it("draws one lane per cpu", async () => {
    const lanes = await page.$$eval("[data-lane]", (ns) => ns.map((n) => n.getAttribute("data-cpu")));
    expect(lanes).toEqual(Array.from({ length: doc.ncpus }, (_, i) => String(i)));
  });

  it("draws every trace event, in order, in the lane of its cpu", async () => {
    const drawn = await page.$$eval("[data-event]", (ns) =>
      ns.map((n) => ({
        seq: Number(n.getAttribute("data-seq")),
        step: Number(n.getAttribute("data-step")),
        kind: n.getAttribute("data-kind"),
        lane: Number(n.closest("[data-lane]")?.getAttribute("data-cpu")),
        left: n.getBoundingClientRect().left,
      })),
    );
    // The DOM groups marks by lane; the axis orders them by sequence.
    drawn.sort((a, b) => a.seq - b.seq);
    expect(drawn.map(({ seq, step, kind, lane }) => ({ seq, step, kind, lane }))).toEqual(
      doc.events.map((e) => ({ seq: e.seq, step: e.step, kind: e.kind, lane: e.cpu })),
    );
    for (let i = 1; i < drawn.length; i++) expect(drawn[i]!.left).toBeGreaterThan(drawn[i - 1]!.left);
  });

  it("highlights a racy window that covers the failing steps", async () => {
    const from = Number(await page.getAttribute("[data-window]", "data-from"));
    const to = Number(await page.getAttribute("[data-window]", "data-to"));
    for (const step of failingSteps) {
      expect(step).toBeGreaterThanOrEqual(from);
      expect(step).toBeLessThanOrEqual(to);
    }
    const win = await page.$eval("[data-window]", (n): Box => n.getBoundingClientRect());
    const marks = await page.$$eval(
      "[data-event]",
      (ns, steps): Box[] =>
        ns.filter((n) => steps.includes(Number(n.getAttribute("data-step")))).map((n) => n.getBoundingClientRect()),
      failingSteps,
    );
    expect(marks.length).toBeGreaterThanOrEqual(failingSteps.length);
    for (const m of marks) {
      expect(m.left).toBeGreaterThanOrEqual(win.left);
      expect(m.right).toBeLessThanOrEqual(win.right);
    }
    expect(Number(await page.getAttribute("[data-failure]", "data-step"))).toBe(failingSteps.at(-1));
  });

  it("shows an event's details on hover", async () => {
    // The failure step's event that shows the failure: its console line (R1's warning), else its first event.
    const step = failingSteps.at(-1)!;
    const atStep = doc.events.filter((e) => e.step === step && e.thread >= 0);
    const mark = atStep.find((e) => e.kind === "printf") ?? atStep[0]!;
    const thread = doc.threads.find((t) => t.id === mark.thread)!.name;
    expect(await page.isHidden("[data-tooltip]")).toBe(true);
    await page.hover(`[data-event][data-seq="${mark.seq}"]`);
    expect(await page.isVisible("[data-tooltip]")).toBe(true);
    const text = await page.innerText("[data-tooltip]");
    expect(text).toContain(`${mark.kind}${mark.obj !== undefined ? ` ${mark.obj}` : ""}`);
    expect(text).toContain(`step ${step} · seq ${mark.seq} · cycle ${mark.cycle}`);
    expect(text).toContain(`cpu${mark.cpu} · ${thread}`);
    expect(mark.detail).toBeDefined();
    expect(text).toContain(mark.detail);
    expect(text).toContain("in the racy window");
    await page.hover("[data-scenario]");
    expect(await page.isHidden("[data-tooltip]")).toBe(true);
  });

  it("zooms with the buttons and the wheel, and pans by dragging", async () => {
    const px = async (): Promise<number> => Number(await page.getAttribute("[data-canvas]", "data-px"));
    const scroll = (): Promise<number> => page.$eval("[data-viewport]", (n) => n.scrollLeft);
    await page.click('[data-zoom="fit"]');
    const fit = await px();
    const viewport = await page.$eval("[data-viewport]", (n) => ({ width: n.clientWidth, scroll: n.scrollWidth }));
    expect(viewport.scroll).toBeLessThanOrEqual(viewport.width + 1);
    await page.click('[data-zoom="in"]');
    expect(await px()).toBeCloseTo(fit * 1.5, 5);
    const box = (await page.$eval("[data-viewport]", (n): Box & { top: number } => n.getBoundingClientRect()))!;
    await page.mouse.move(box.left + 200, box.top + 60);
    await page.mouse.wheel(0, -400);
    await expect.poll(px).toBeGreaterThan(fit * 2);
    const before = await scroll();
    await page.mouse.move(box.left + 600, box.top + 60);
    await page.mouse.down();
    await page.mouse.move(box.left + 400, box.top + 60, { steps: 5 });
    await page.mouse.up();
    expect((await scroll()) - before).toBeCloseTo(200, 0);
    await page.click('[data-zoom="window"]');
    const win = await page.$eval("[data-window]", (n): Box => n.getBoundingClientRect());
    expect(win.left).toBeGreaterThanOrEqual(box.left);
    expect(win.right).toBeLessThanOrEqual(box.right);
  });
});
