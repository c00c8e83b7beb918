/**
 * The `browser` entry (src/browser.ts, the package's "browser" export
 * condition): the main entry's exports but the Node worker-thread ones, and
 * nothing reachable from it imports a `node:` module — so a bundle for a
 * web page or a Web Worker (the browser playground's) builds without
 * stubbing Node.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as browser from "../src/browser.js";
import * as main from "../src/index.js";

const packages = fileURLToPath(new URL("../../", import.meta.url));

/** Where `@kprim/<name>` (or a subpath of it, `@kprim/<name>/<sub>`) resolves from source under the browser condition. */
function workspaceEntry(spec: string): string {
  const [name, ...sub] = spec.replace(/^@kprim\//, "").split("/");
  const pkg = JSON.parse(readFileSync(join(packages, name!, "package.json"), "utf8")) as {
    exports: Record<string, Record<string, unknown>>;
  };
  const key = sub.length === 0 ? "." : `./${sub.join("/")}`;
  const source = pkg.exports[key]!["@kprim/source"] as string | { browser?: string; default: string };
  const rel = typeof source === "string" ? source : (source.browser ?? source.default);
  return join(packages, name!, rel);
}

/** Every module reachable by static import or re-export from `entry`, with the specifiers it imports. */
function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(file, "utf8");
    const specs: string[] = [];
    // Type-only imports and exports are erased: they load nothing.
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^;]*?\sfrom\s+)?["']([^"']+)["']/gm)) {
      if (m[1] === undefined) specs.push(m[2]!);
    }
    seen.set(file, specs);
    for (const s of specs) {
      if (s.startsWith(".")) todo.push(resolve(dirname(file), s.replace(/\.js$/, ".ts")));
      else if (s.startsWith("@kprim/")) todo.push(workspaceEntry(s));
    }
  }
  return seen;
}

describe("the browser entry", () => {
  it("exports what the main entry does, but exploreParallel and loadFactory", () => {
    const mainNames = Object.keys(main).sort();
    expect(Object.keys(browser).sort()).toEqual(
      mainNames.filter((n) => n !== "exploreParallel" && n !== "loadFactory"),
    );
    expect(mainNames).toContain("exploreParallel");
    expect(browser.Stepper).toBe(main.Stepper);
  });

  it("reaches no node: module (the main entry does, through the worker threads)", () => {
    const nodeImports = (entry: string): string[] =>
      [...graph(entry)].flatMap(([file, specs]) =>
        specs.filter((s) => s.startsWith("node:")).map((s) => `${file.slice(packages.length)} imports ${s}`),
      );
    const here = fileURLToPath(new URL("../src/", import.meta.url));
    expect(nodeImports(join(here, "browser.ts"))).toEqual([]);
    expect(nodeImports(join(here, "index.ts"))).toContain("explore/src/parallel.ts imports node:worker_threads");
  });
});
