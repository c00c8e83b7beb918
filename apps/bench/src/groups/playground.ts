/**
 * The browser playground (apps/playground): what a visitor downloads and
 * how soon the page is ready. Sizes of the built site (apps/playground/dist,
 * built in this run with Vite), raw and gzipped (zlib level 6, as static hosts
 * serve them): what the first load fetches (index.html, the page's script —
 * with the Web Worker's code inlined — and stylesheet) and anything else the
 * build wrote (fetched later, if ever). First load: the site served from a loopback
 * port, opened in Debian's chromium with an empty cache each time, timed
 * from navigation start to the page's `kprim-ready` mark (the first run
 * drawn, the controls live) — for the plain address and for a link to R1's
 * counterexample. Targets: under 500 KB gzipped in all (over is an error),
 * ready in under a second (reported, not failed: timing is noisy here).
 * Without chromium the load times are skipped.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { formatSchedule, random } from "@kprim/machine";
import { prepare, scenarioFactory } from "@kprim/scenarios";
import { buildPlayground, haveChromium, launchChromium, PLAYGROUND_DIST, serveStatic } from "@kprim/test-utils/browser";
import { median } from "../measure.js";
import type { Section } from "../report/types.js";

export const SIZE_TARGET_KB = 500;
export const READY_TARGET_MS = 1000;

interface Asset {
  readonly file: string;
  readonly bytes: number;
  readonly gzip: number;
  readonly part: "first load" | "worker" | "other";
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

export function assets(dist: string): Asset[] {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const linked = new Set([...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]!));
  return files(dist)
    .map((p) => {
      const file = relative(dist, p);
      const body = readFileSync(p);
      const part: Asset["part"] =
        file === "index.html" || linked.has(file) ? "first load" : /worker/.test(file) ? "worker" : "other";
      return { file, bytes: body.length, gzip: gzipSync(body, { level: 6 }).length, part };
    })
    .sort((a, b) => a.part.localeCompare(b.part) || a.file.localeCompare(b.file));
}

/** R1's counterexample as the README's command runs it (random seed 12), as a playground link at step 8. */
function r1Link(): string {
  const p = prepare({ scenario: "getnewbuf-locked-buf", variant: "TOK" });
  const schedule = formatSchedule(scenarioFactory(p)({ strategy: random({ seed: 12 }) }).run().schedule);
  const q = new URLSearchParams({ schedule, signal: "console:getnewbuf: warning, locked buf", at: "8" });
  return `#${q.toString()}`;
}

const kb = (n: number): number => Number((n / 1024).toFixed(1));

export async function playgroundSection(quick: boolean): Promise<Section> {
  const title = "7. The browser playground: size and first load";
  // Built now: the figures are those of the source as it is.
  await buildPlayground();
  const list = assets(PLAYGROUND_DIST);
  const sum = (part: Asset["part"] | null, key: "bytes" | "gzip"): number =>
    list.filter((a) => part === null || a.part === part).reduce((n, a) => n + a[key], 0);
  const totalGz = sum(null, "gzip");
  const errors: string[] = [];
  if (totalGz > SIZE_TARGET_KB * 1024) {
    errors.push(`the playground is ${kb(totalGz)} KB gzipped, over the ${SIZE_TARGET_KB} KB target`);
  }
  const text = [
    `The static site \`pnpm playground:build\` writes (apps/playground/dist): index.html, the page's script (the Web Worker's code inlined in it, so nothing is fetched after the first load) and stylesheet. Sizes raw and gzipped (zlib level 6). **${kb(totalGz)} KB gzipped in all** (target: under ${SIZE_TARGET_KB} KB); the first load fetches ${kb(sum("first load", "gzip"))} KB.`,
  ];
  const tables: Section["tables"][number][] = [
    {
      title: "Assets of the built site",
      header: ["file", "fetched", "KB", "KB gzipped"],
      rows: [
        ...list.map((a) => [a.file, a.part, kb(a.bytes), kb(a.gzip)]),
        ["all", "", kb(sum(null, "bytes")), kb(totalGz)],
      ],
    },
  ];
  let loads: { page: string; runs: number; readyMs: number[]; domContentLoadedMs: number[] }[] | string;
  if (!haveChromium()) {
    loads = "chromium not found (Debian: apt-get install -y chromium)";
    text.push(`First load: **skipped: ${loads}**.`);
  } else {
    const runs = quick ? 2 : 7;
    const site = await serveStatic(PLAYGROUND_DIST);
    const browser = await launchChromium();
    try {
      loads = [];
      for (const [page, hash] of [
        ["the plain address (R3, stepped by hand)", ""],
        ["a link to R1's counterexample at step 8", r1Link()],
      ] as const) {
        const readyMs: number[] = [];
        const domContentLoadedMs: number[] = [];
        for (let i = 0; i < runs; i++) {
          // A fresh context: an empty cache, as a first visit.
          const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
          const tab = await context.newPage();
          await tab.goto(site.url + hash);
          await tab.waitForSelector("html[data-ready]");
          const t = await tab.evaluate(() => {
            // The page's Performance (this body runs in the browser; the bench is typed without the DOM library).
            const perf = performance as unknown as {
              getEntriesByType(type: "navigation"): { domContentLoadedEventEnd: number }[];
              getEntriesByName(name: string): { startTime: number }[];
            };
            return {
              ready: perf.getEntriesByName("kprim-ready")[0]!.startTime,
              dcl: perf.getEntriesByType("navigation")[0]!.domContentLoadedEventEnd,
            };
          });
          readyMs.push(Number(t.ready.toFixed(1)));
          domContentLoadedMs.push(Number(t.dcl.toFixed(1)));
          await context.close();
        }
        loads.push({ page, runs, readyMs, domContentLoadedMs });
      }
    } finally {
      await browser.close();
      await site.close();
    }
    const worst = Math.max(...loads.map((l) => median(l.readyMs)));
    text.push(
      `First load in Debian's chromium (headless), served from a loopback port, an empty cache each time, median of ${runs}: ready — the first run drawn, the controls live — in **${Math.round(worst)} ms** at most (target: under ${READY_TARGET_MS} ms: ${worst < READY_TARGET_MS ? "met" : "NOT met"} on this machine). Timed from navigation start to the page's \`kprim-ready\` mark.`,
    );
    tables.push({
      title: "First load, milliseconds from navigation start",
      header: ["page", "runs", "DOMContentLoaded (median)", "ready (median)", "ready (max)"],
      rows: loads.map((l) => [l.page, l.runs, median(l.domContentLoadedMs), median(l.readyMs), Math.max(...l.readyMs)]),
    });
  }
  return {
    id: "playground",
    title,
    text,
    tables,
    charts: [],
    data: {
      assets: list,
      gzipTotal: totalGz,
      gzipFirstLoad: sum("first load", "gzip"),
      gzipWorker: sum("worker", "gzip"),
      sizeTargetKB: SIZE_TARGET_KB,
      readyTargetMs: READY_TARGET_MS,
      loads,
    },
    errors,
  };
}
