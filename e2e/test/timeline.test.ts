/**
 * The HTML timelines of the README, opened in a real browser (Debian's
 * chromium through playwright-core). For each picture of the README's
 * "Traces" section, the command printed under it is run through the CLI
 * (from source, as `pnpm kprim` does), the page it writes is screenshotted
 * into docs/ — the README's picture is that screenshot — and its rendered
 * DOM asserted: what ran in the header, one lane per cpu, one mark per
 * trace event, the labels of the decisive steps visible without hovering
 * and pinned to their events, the racy window from the earliest label to
 * the failure, details on hover, zoom and pan, and nothing fetched.
 *
 * The pictures: R1 (`getnewbuf-locked-buf` under TOK, the warning as the
 * failure point) and a lost wakeup (`lockmgr-lost-wakeup` with the naive
 * spinlock interlock, the wakeup that found nobody drawn apart).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { TimelineData } from "@kprim/trace";
import { kprim, root } from "@kprim/test-utils";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";
import { type Picture, readmePictures, withOut } from "./readme.js";

interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

const dir = mkdtempSync(join(tmpdir(), "kprim-e2e-"));
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A README picture's page: made by its command, opened in chromium, with what it loaded. */
interface Opened {
  readonly page: Page;
  readonly data: TimelineData;
  readonly url: string;
  readonly requests: string[];
  readonly errors: string[];
  readonly cli: { code: number; stdout: string };
}

function picture(png: string): Picture {
  const p = readmePictures().find((x) => x.png === png);
  if (p === undefined) throw new Error(`README.md shows no ${png} with a command under it`);
  return p;
}

async function open(p: Picture): Promise<Opened> {
  const file = join(dir, p.png.replace(/^docs\/|\.png$/g, "") + ".html");
  const cli = await kprim(withOut(p.args, file), { timeoutMs: 120_000 });
  if (cli.code !== 0 && cli.code !== 1) throw new Error(`${p.command} failed (exit ${cli.code}): ${cli.stderr}`);
  const html = readFileSync(file, "utf8");
  const m = /<script type="application\/json" id="kprim-timeline-data">(.*?)<\/script>/s.exec(html);
  const data = JSON.parse(m![1]!) as TimelineData;
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const errors: string[] = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 400 }, deviceScaleFactor: 1 });
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  await page.goto(url);
  await page.waitForSelector("html[data-ready]");
  return { page, data, url, requests, errors, cli };
}

/** The labels as drawn: text, role, step, and the boxes of the label and of the event mark it points at. */
async function drawnLabels(page: Page) {
  return page.$$eval("[data-label]", (ns) =>
    ns.map((n) => {
      const index = n.getAttribute("data-index")!;
      const doc = n.ownerDocument;
      const mark = doc.querySelector(`[data-event][data-index="${index}"]`)!;
      const lane = n.closest("[data-lane]")!;
      const box = (e: Element) => {
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      const style = doc.defaultView!.getComputedStyle(n);
      return {
        text: n.textContent ?? "",
        role: n.getAttribute("data-role")!,
        step: Number(n.getAttribute("data-step")),
        visible: style.visibility !== "hidden" && style.display !== "none" && n.getBoundingClientRect().width > 0,
        box: box(n),
        lane: Number(lane.getAttribute("data-cpu")),
        laneBox: box(lane),
        mark: { ...box(mark), cpu: Number(mark.getAttribute("data-cpu")), role: mark.getAttribute("data-role") },
      };
    }),
  );
}

/** Checks every README picture gets: loads alone, screenshot, header, lanes, events, labels, window. */
function commonChecks(png: string, get: () => Opened): void {
  it("loads from the file alone, without errors", () => {
    const o = get();
    expect(o.errors).toEqual([]);
    expect(o.requests).toEqual([o.url]);
  });

  it(`is screenshotted into ${png}, the README's picture`, async () => {
    const path = join(root, png);
    await get().page.screenshot({ path, fullPage: true });
    const bytes = readFileSync(path);
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(bytes.readUInt32BE(16)).toBe(1280);
  });

  it("draws one lane per cpu and every trace event, in order, in the lane of its cpu", async () => {
    const { page, data } = get();
    const lanes = await page.$$eval("[data-lane]", (ns) => ns.map((n) => n.getAttribute("data-cpu")));
    expect(lanes).toEqual(Array.from({ length: data.ncpus }, (_, i) => String(i)));
    const drawn = await page.$$eval("[data-event]", (ns) =>
      ns.map((n) => ({
        seq: Number(n.getAttribute("data-seq")),
        kind: n.getAttribute("data-kind"),
        lane: Number(n.closest("[data-lane]")?.getAttribute("data-cpu")),
        left: n.getBoundingClientRect().left,
      })),
    );
    drawn.sort((a, b) => a.seq - b.seq);
    expect(drawn.map(({ seq, kind, lane }) => ({ seq, kind, lane }))).toEqual(
      data.events.map((e) => ({ seq: e.seq, kind: e.kind, lane: e.cpu })),
    );
    for (let i = 1; i < drawn.length; i++) expect(drawn[i]!.left).toBeGreaterThan(drawn[i - 1]!.left);
  });

  it("shows every label without hovering, under the lane of its event, pinned to it, none overlapping", async () => {
    const { page, data } = get();
    const labels = await drawnLabels(page);
    expect(labels).toHaveLength(data.labels.length);
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(await page.isHidden("[data-tooltip]")).toBe(true);
    for (const l of labels) {
      expect(l.visible, l.text).toBe(true);
      expect(l.lane, l.text).toBe(l.mark.cpu);
      expect(l.box.top, l.text).toBeGreaterThanOrEqual(l.mark.bottom);
      expect(l.box.bottom, l.text).toBeLessThanOrEqual(l.laneBox.bottom);
      // One end of the label sits at its event.
      const center = (l.mark.left + l.mark.right) / 2;
      expect(Math.min(Math.abs(l.box.left - center), Math.abs(l.box.right - center)), l.text).toBeLessThan(2);
      expect(l.mark.role, l.text).not.toBeNull();
    }
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i]!.box;
        const b = labels[j]!.box;
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        expect(apart, `${labels[i]!.text} / ${labels[j]!.text}`).toBe(true);
      }
    }
  });

  it("highlights the racy window from the earliest label to the failure, covering every labelled event", async () => {
    const { page, data } = get();
    const from = Number(await page.getAttribute("[data-window]", "data-from"));
    const to = Number(await page.getAttribute("[data-window]", "data-to"));
    const failure = Number(await page.getAttribute("[data-failure]", "data-step"));
    expect(from).toBe(Math.min(...data.labels.map((l) => l.step)));
    expect(to).toBe(failure);
    await page.click('[data-zoom="fit"]');
    const win = await page.$eval("[data-window]", (n): Box => n.getBoundingClientRect());
    for (const l of await drawnLabels(page)) {
      expect(l.mark.left, l.text).toBeGreaterThanOrEqual(win.left);
      expect(l.mark.right, l.text).toBeLessThanOrEqual(win.right);
    }
  });
}

describe("R1 (getnewbuf-locked-buf under TOK), from the README's command", () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open(picture("docs/trace-timeline.png"));
  });
  afterAll(async () => {
    await o?.page.close();
  });

  commonChecks("docs/trace-timeline.png", () => o);

  it("says what ran: the variant, its interlock and the signal", async () => {
    const setting = (name: string) => o.page.textContent(`[data-setting="${name}"]`);
    expect(await o.page.textContent("[data-scenario]")).toBe("getnewbuf-locked-buf");
    expect(await setting("variant")).toBe("TOK");
    expect(await setting("interlock")).toBe("token");
    expect(await setting("signal")).toBe("failure");
    expect(await o.page.textContent("[data-outcome]")).toBe("ok");
    expect(await o.page.textContent("[data-replay]")).toMatch(/^kprim replay getnewbuf-locked-buf --schedule 'kprim3:/);
  });

  it("labels the scan, the other thread's lock, the BUF_LOCK that finds it locked and the warning", async () => {
    // The DOM groups labels by lane; in step order they tell the story.
    const labels = (await drawnLabels(o.page)).sort((a, b) => a.step - b.step).map((l) => `${l.role}: ${l.text}`);
    expect(labels).toEqual([
      expect.stringMatching(/^observe: T_new getnewbuf picks (0x[0-9a-f]+) off a free queue$/),
      expect.stringMatching(/^cause: T_get locks 0x[0-9a-f]+$/),
      expect.stringMatching(/^report: T_new BUF_LOCK\(NOWAIT\) finds 0x[0-9a-f]+ locked$/),
      expect.stringMatching(/^report: T_new console: "getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected"$/),
    ]);
    const warning = o.data.labels.at(-1)!;
    expect(Number(await o.page.getAttribute("[data-failure]", "data-step"))).toBe(warning.step);
    expect(await o.page.getAttribute(`[data-event][data-index="${warning.index}"]`, "data-kind")).toBe("printf");
  });

  it("shows an event's details on hover", async () => {
    const warning = o.data.labels.at(-1)!;
    const mark = o.data.events[warning.index]!;
    const thread = o.data.threads.find((t) => t.id === mark.thread)!.name;
    await o.page.hover(`[data-event][data-index="${warning.index}"]`);
    expect(await o.page.isVisible("[data-tooltip]")).toBe(true);
    const text = await o.page.innerText("[data-tooltip]");
    expect(text).toContain(`step ${mark.step} · seq ${mark.seq} · cycle ${mark.cycle}`);
    expect(text).toContain(`cpu${mark.cpu} · ${thread}`);
    expect(text).toContain(mark.detail!);
    expect(text).toContain("in the racy window");
    await o.page.hover("[data-scenario]");
    expect(await o.page.isHidden("[data-tooltip]")).toBe(true);
  });

  it("zooms with the buttons and the wheel, and pans by dragging", async () => {
    const { page } = o;
    const px = async (): Promise<number> => Number(await page.getAttribute("[data-canvas]", "data-px"));
    const scroll = (): Promise<number> => page.$eval("[data-viewport]", (n) => n.scrollLeft);
    await page.click('[data-zoom="fit"]');
    const fit = await px();
    const viewport = await page.$eval("[data-viewport]", (n) => ({ width: n.clientWidth, scroll: n.scrollWidth }));
    expect(viewport.scroll).toBeLessThanOrEqual(viewport.width + 1);
    await page.click('[data-zoom="in"]');
    expect(await px()).toBeCloseTo(fit * 1.5, 5);
    // The page is taller than the window: bring the lanes into it before pointing at them.
    await page.$eval("[data-viewport]", (n) => n.scrollIntoView({ block: "center" }));
    const box = await page.$eval("[data-viewport]", (n): Box => n.getBoundingClientRect());
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
    // Zoomed in on the window, the labels still sit at their events.
    for (const l of await drawnLabels(page)) {
      const center = (l.mark.left + l.mark.right) / 2;
      expect(Math.min(Math.abs(l.box.left - center), Math.abs(l.box.right - center)), l.text).toBeLessThan(2);
    }
  });
});

describe("a lost wakeup (lockmgr-lost-wakeup, spin-naive), from the README's command", () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open(picture("docs/trace-lost-wakeup.png"));
  });
  afterAll(async () => {
    await o?.page.close();
  });

  commonChecks("docs/trace-lost-wakeup.png", () => o);

  it("says it ran spin-naive, never SPIN+TI", async () => {
    expect(await o.page.textContent('[data-setting="interlock"]')).toBe("spin-naive");
    expect(await o.page.textContent('[data-setting="variant"]')).toBe("SPIN+TI:spin-naive");
    expect(await o.page.$("[data-variant]")).toBeNull();
    expect(await o.page.textContent("[data-outcome]")).toMatch(/^violation at step 19: \[lost-wakeup\]/);
  });

  it("labels the test of the condition, the release, the wakeup that found nobody and the tsleep that never returns", async () => {
    const labels = (await drawnLabels(o.page))
      .sort((a, b) => a.step - b.step)
      .map((l) => `${l.step} ${l.role}: ${l.text}`);
    expect(labels).toEqual([
      "12 observe: T_w tests L's condition",
      "15 cause: T_h lockmgr RELEASE L",
      "16 missed: \u2205 T_h wakeup(L) finds nobody queued",
      "17 stuck: \u25a0 T_w tsleep(L) never returns",
    ]);
    const w = o.data.window!;
    expect([w.fromStep, w.toStep]).toEqual([12, 19]);
  });

  it("draws the wakeup that found nobody with a mark of its own", async () => {
    const marks = await o.page.$$eval("[data-event]", (ns) =>
      ns.map((n) => {
        const s = n.ownerDocument.defaultView!.getComputedStyle(n);
        return {
          role: n.getAttribute("data-role"),
          kind: n.getAttribute("data-kind"),
          look: `${s.borderRadius} ${s.backgroundColor} ${s.borderStyle}`,
        };
      }),
    );
    const missed = marks.filter((m) => m.role === "missed");
    expect(missed.map((m) => m.kind)).toEqual(["sleepq.wakeup"]);
    const others = new Set(marks.filter((m) => m.role !== "missed").map((m) => m.look));
    expect(others.has(missed[0]!.look)).toBe(false);
  });
});
