/**
 * Browser helpers shared by the browser tests (e2e/) and the benchmarks'
 * playground group: Debian's chromium driven by playwright-core (no browser
 * download is possible here; CI installs it with `apt-get install -y
 * chromium`), the browser playground built with Vite into
 * apps/playground/dist/ (the same build as `pnpm playground:build`), and a
 * tiny static file server that knows nothing about what it serves.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { build } from "vite";
import { root } from "./index.js";

export const CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Whether Debian's chromium is installed. */
export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  if (!haveChromium()) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
}

export const PLAYGROUND = join(root, "apps", "playground");
export const PLAYGROUND_DIST = join(PLAYGROUND, "dist");

/** `vite build` of the playground into apps/playground/dist/ (quietly). */
export async function buildPlayground(): Promise<void> {
  await build({ root: PLAYGROUND, configFile: join(PLAYGROUND, "vite.config.ts"), logLevel: "error" });
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

export interface Served {
  readonly url: string;
  /** Every path asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serve the files of `dir` on 127.0.0.1 (a free port): `/` is index.html, anything missing 404. */
export async function serveStatic(dir: string): Promise<Served> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    requests.push(path);
    const file = join(dir, path === "/" ? "index.html" : path);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        res.end(body);
      },
      () => res.writeHead(404).end("not found"),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
