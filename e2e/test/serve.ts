/**
 * The browser playground as a static host serves it: built with Vite into
 * apps/playground/dist/ (the same build as `pnpm playground:build`), then
 * served from a loopback port by a tiny file server that knows nothing
 * about the app — index.html and its assets, with their content types, and
 * 404 for anything else.
 */
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { root } from "@kprim/test-utils";
import { build } from "vite";

export const PLAYGROUND = join(root, "apps", "playground");
export const DIST = join(PLAYGROUND, "dist");

/** `vite build` of the playground into dist/ (quietly). */
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

/** Serve `dir` on 127.0.0.1 (a free port). */
export async function serve(dir: string): Promise<Served> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    requests.push(path);
    const file = join(dir, path === sep || path === "/" ? "index.html" : path);
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
