// kprim.config.* in the working directory, in every form Node knows — ES
// module or CommonJS .js (with and without "type": "module"), .mjs, .cjs and
// TypeScript — loads its plugins; a config that is wrong fails with the real
// reason, on one line; one that never finishes loading is stopped by the
// watchdog.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectUsageError, kprim, root } from "./run-cli.js";

const plugin = join(root, "apps/cli/test/fixtures/wrapped-interlock.ts");

/** A folder with the given files (a package.json only if given). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kprim-config-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const list = (cwd: string) => kprim(["list", "--json"], { cwd });
const names = (stdout: string): string[] => (JSON.parse(stdout) as { name: string }[]).map((s) => s.name);
const esm = `export default { plugins: [${JSON.stringify(plugin)}] };\n`;
const cjs = `module.exports = { plugins: [${JSON.stringify(plugin)}] };\n`;

describe.concurrent("config files", () => {
  it.each([
    ["kprim.config.js, ES module syntax, no package.json", { "kprim.config.js": esm }],
    [
      "kprim.config.js, ES module syntax, a package.json without type",
      { "kprim.config.js": esm, "package.json": "{}" },
    ],
    ['kprim.config.js under "type": "module"', { "kprim.config.js": esm, "package.json": '{ "type": "module" }' }],
    ["kprim.config.js, CommonJS", { "kprim.config.js": cjs, "package.json": "{}" }],
    ["kprim.config.mjs", { "kprim.config.mjs": esm }],
    ["kprim.config.cjs", { "kprim.config.cjs": cjs, "package.json": '{ "type": "module" }' }],
    [
      "kprim.config.ts with types, no package.json",
      { "kprim.config.ts": `const plugins: string[] = [${JSON.stringify(plugin)}];\nexport default { plugins };\n` },
    ],
    [
      'kprim.config.ts under "type": "module"',
      {
        "kprim.config.ts": `const plugins: string[] = [${JSON.stringify(plugin)}];\nexport default { plugins };\n`,
        "package.json": '{ "type": "module" }',
      },
    ],
    [
      "kprim.config.mts",
      { "kprim.config.mts": `export default { plugins: [${JSON.stringify(plugin)}] as string[] };\n` },
    ],
  ])("%s loads its plugins", async (_name, files) => {
    const r = await list(folder(files));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(names(r.stdout)).toContain("never-yields");
  });

  it("the documented empty config, `export default { plugins: [] }`, in a folder without a package.json", async () => {
    const r = await list(folder({ "kprim.config.js": "export default { plugins: [] };\n" }));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(names(r.stdout)).toContain("lost-wakeup");
  });

  // The other ways a config can be wrong are calls of the bad-input suite (scripts/bad-inputs).
  it.each([
    [
      { "kprim.config.js": 'export default { plugins: "./p.js" };\n' },
      "kprim: kprim.config.js: plugins must be an array of module specifiers (strings), not a string",
    ],
    [{ "kprim.config.js": 'throw new Error("boom");\n' }, "kprim: kprim.config.js failed to load: boom"],
    [
      { "kprim.config.js": 'import "left-pad-nope";\nexport default {};\n' },
      'kprim: kprim.config.js failed to load: it imports "left-pad-nope", which is not installed',
    ],
    [
      { "kprim.config.js": "export default {};\n", "kprim.config.ts": "export default {};\n" },
      "kprim: kprim.config.js and kprim.config.ts both exist; keep one",
    ],
  ])("%j: one line with the real reason", async (files, line) => {
    const r = await list(folder(files));
    const got = expectUsageError(r);
    if (typeof line === "string") expect(got).toBe(line);
    else expect(got).toMatch(line);
  });

  it("a config whose top level never returns is stopped by the watchdog, naming it", async () => {
    const r = await kprim(["list", "--watchdog", "1"], {
      cwd: folder({ "kprim.config.js": "while (true) {}\nexport default {};\n" }),
    });
    expect(expectUsageError(r)).toBe(
      "kprim: watchdog: kprim.config.js did not finish in 1 s (code that never returns?); stopped",
    );
  });
});
