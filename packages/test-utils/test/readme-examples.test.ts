/**
 * Every published package's README has an "Explore your own code" section: a
 * short program an npm consumer could paste, then the exact lines it prints.
 * This runs each one (the `@kprim/*` imports pointed at the sources) and
 * compares what it prints, so the READMEs cannot drift from the code.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const tsx = pathToFileURL(
  join(dirname(createRequire(join(root, "package.json")).resolve("tsx/package.json")), "dist/loader.mjs"),
).href;

/** Published packages: not private. */
const packages = readdirSync(join(root, "packages")).filter((p) => {
  try {
    return !(JSON.parse(readFileSync(join(root, "packages", p, "package.json"), "utf8")) as { private?: boolean })
      .private;
  } catch {
    return false;
  }
});

/** The section's program and the output shown under it. */
function example(pkg: string): { code: string; prints: string } | null {
  const text = readFileSync(join(root, "packages", pkg, "README.md"), "utf8");
  const at = text.indexOf("\n## Explore your own code\n");
  if (at < 0) return null;
  const section = text.slice(at + 1).split(/\n## /)[0]!;
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const prints = /```text\n([\s\S]*?)```/.exec(section)?.[1];
  return code === undefined || prints === undefined ? null : { code, prints };
}

/** `@kprim/x` and `@kprim/x/sub` as the file URLs of their sources. */
function fromSource(code: string): string {
  return code.replace(/from "@kprim\/([a-z-]+)(\/[a-z-]+)?"/g, (_all, name: string, sub: string | undefined) => {
    const file = join(root, "packages", name, "src", sub ? `${sub.slice(1)}.ts` : "index.ts");
    return `from ${JSON.stringify(pathToFileURL(file).href)}`;
  });
}

describe("README examples", () => {
  it("every published package has one", () => {
    expect(packages.length).toBeGreaterThanOrEqual(10);
    expect(packages.filter((p) => example(p) === null)).toEqual([]);
  });

  describe.concurrent.each(packages)("%s", (pkg) => {
    it("is about twenty lines of code besides imports, runs, and prints what the README says", () => {
      const ex = example(pkg);
      expect(ex).not.toBeNull();
      const code = ex!.code.split("\n").filter((l) => l.trim() !== "" && !/^\s*\/\/|^import /.test(l));
      expect(code.length).toBeLessThanOrEqual(30);
      const dir = mkdtempSync(join(tmpdir(), `kprim-readme-${pkg}-`));
      const file = join(dir, "example.ts");
      writeFileSync(file, fromSource(ex!.code));
      const r = spawnSync(process.execPath, ["--import", tsx, "--conditions=@kprim/source", file], {
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(ex!.prints);
    }, 90_000);
  });
});
