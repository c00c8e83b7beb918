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

const SEP = "\u0000--kprim-readme-example--\u0000";

/**
 * Run every example in one process (tsx and the sources load once): each in
 * turn, each in its own folder, with a separator after what it printed.
 */
function runAll(): { outputs: Map<string, string>; stderr: string; status: number | null } {
  const base = mkdtempSync(join(tmpdir(), "kprim-readme-"));
  const files: [string, string][] = [];
  for (const pkg of packages) {
    const ex = example(pkg);
    if (ex === null) continue;
    const file = join(base, `${pkg}.ts`);
    writeFileSync(file, fromSource(ex.code));
    files.push([pkg, file]);
  }
  const driver = join(base, "driver.mjs");
  writeFileSync(
    driver,
    `import { mkdirSync } from "node:fs";\nimport { pathToFileURL } from "node:url";\n` +
      `for (const [pkg, file] of ${JSON.stringify(files)}) {\n` +
      `  mkdirSync(file + ".cwd"); process.chdir(file + ".cwd");\n` +
      `  await import(pathToFileURL(file).href);\n  process.stdout.write(${JSON.stringify(SEP)} + pkg + "\\n");\n}\n`,
  );
  const r = spawnSync(process.execPath, ["--import", tsx, "--conditions=@kprim/source", driver], {
    cwd: base,
    encoding: "utf8",
    timeout: 120_000,
  });
  const outputs = new Map<string, string>();
  let rest = r.stdout;
  for (const [pkg] of files) {
    const at = rest.indexOf(`${SEP}${pkg}\n`);
    if (at < 0) break;
    outputs.set(pkg, rest.slice(0, at));
    rest = rest.slice(at + SEP.length + pkg.length + 1);
  }
  return { outputs, stderr: r.stderr, status: r.status };
}

describe("README examples", () => {
  it("every published package has one", () => {
    expect(packages.length).toBeGreaterThanOrEqual(10);
    expect(packages.filter((p) => example(p) === null)).toEqual([]);
  });

  it("each is about twenty lines of code besides imports", () => {
    for (const pkg of packages) {
      const code = example(pkg)!
        .code.split("\n")
        .filter((l) => l.trim() !== "" && !/^\s*\/\/|^import /.test(l));
      expect(code.length, pkg).toBeLessThanOrEqual(30);
    }
  });

  it("each runs and prints what its README says", () => {
    const r = runAll();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const pkg of packages) expect(r.outputs.get(pkg), pkg).toBe(example(pkg)!.prints);
  }, 180_000);
});
