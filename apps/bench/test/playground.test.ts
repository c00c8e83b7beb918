/**
 * The playground group's accounting of a built site: each file raw and
 * gzipped, and which part of a visit fetches it — index.html and what it
 * links on the first load, the Web Worker's script later.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { assets } from "../src/groups/playground.js";

describe("the playground's assets", () => {
  it("counts each file raw and gzipped, and says when a visit fetches it", () => {
    const dir = mkdtempSync(join(tmpdir(), "kprim-dist-"));
    try {
      mkdirSync(join(dir, "assets"));
      const html =
        '<script type="module" src="./assets/index-a.js"></script><link rel="stylesheet" href="./assets/index-b.css">';
      writeFileSync(join(dir, "index.html"), html);
      writeFileSync(join(dir, "assets", "index-a.js"), "x".repeat(5000));
      writeFileSync(join(dir, "assets", "index-b.css"), "body{}");
      writeFileSync(join(dir, "assets", "worker-c.js"), "y".repeat(300));
      const list = assets(dir);
      expect(list.map((a) => [a.file, a.part, a.bytes])).toEqual([
        ["assets/index-a.js", "first load", 5000],
        ["assets/index-b.css", "first load", 6],
        ["index.html", "first load", html.length],
        ["assets/worker-c.js", "worker", 300],
      ]);
      expect(list[0]!.gzip).toBe(gzipSync("x".repeat(5000), { level: 6 }).length);
      expect(list[0]!.gzip).toBeLessThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
