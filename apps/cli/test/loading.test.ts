// Plugin modules as users write them, and the watchdog over loading them and
// setting their scenarios up: a top level that never returns, an await there
// that never settles, a setup() that never returns — each ends the command
// with one line naming it, never a hang.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectUsageError, kprim, root } from "./run-cli.js";

const pluginApi = JSON.stringify(join(root, "packages/plugin/src/index.ts"));

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kprim-plugin-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A plugin adding one scenario, "tiny", whose setup() is `setup`. */
const tinyPlugin = (setup: string, typed = false): string => `
export default {
  name: "tiny",
  scenarios: [{
    name: "tiny", specId: null, description: "one thread, one step", params: {},
    cpus: ()${typed ? ": number" : ""} => 1,
    setup(${typed ? "ctx: any" : "ctx"}) { ${setup} },
  }],
};
`;
const oneStep = `ctx.machine.spawn({ cpu: 0, name: "T", *body(k) { yield* k.nop("step", 1); } }); return {};`;

describe.concurrent("loading plugins", () => {
  it.each([
    ["an ES module .js plugin in a folder without a package.json", { "p.js": tinyPlugin(oneStep) }, "./p.js"],
    ["a .mjs plugin", { "p.mjs": tinyPlugin(oneStep) }, "./p.mjs"],
    ["a TypeScript plugin outside any package", { "p.ts": tinyPlugin(oneStep, true) }, "./p.ts"],
    [
      "a CommonJS .cjs plugin",
      { "p.cjs": `module.exports = ${tinyPlugin(oneStep).replace("export default", "").trim().replace(/;$/, "")};\n` },
      "./p.cjs",
    ],
  ])("%s loads and runs", async (_name, files, spec) => {
    const r = await kprim(["run", "tiny", "--plugin", spec], { cwd: folder(files) });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^outcome: ok$/m);
  });

  // Outside every package, nothing installed: `@kprim/*` resolves to the kprim that loads the plugin.
  const bareImports = (typed: boolean): string => `import { spinInterlock } from "@kprim/lockmgr";
import { definePlugin } from "@kprim/plugin";
const name${typed ? ": string" : ""} = "my-spin";
export default definePlugin({ name: "bare", interlocks: { [name]: { ...spinInterlock, name } } });
`;
  it.each([
    ["p.ts", true],
    ["p.js", false],
    ["p.mjs", false],
  ])(
    "a %s plugin outside any package importing @kprim/* by name runs with this kprim's packages",
    async (file, typed) => {
      const r = await kprim(["run", "lockmgr-lost-wakeup", "--interlock", "my-spin", "--plugin", `./${file}`], {
        cwd: folder({ [file]: bareImports(typed) }),
      });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toMatch(/^outcome: ok$/m);
    },
  );

  it("a plugin written with definePlugin from @kprim/plugin loads the same", async () => {
    const r = await kprim(["list", "--plugin", "./p.ts"], {
      cwd: folder({
        "p.ts": `import { definePlugin } from ${pluginApi};\nexport default definePlugin({ name: "empty" });\n`,
      }),
    });
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });
});

describe.concurrent("the watchdog over loading and set-up", () => {
  // 3 s, not 1: the quiet period also covers the plugin's loading in each fresh thread (tens of ms on a
  // quiet machine, past 1 s at load ~20, when the watchdog named the loading instead of the stuck code).
  const watched = (files: Record<string, string>, args: string[]) =>
    kprim([...args, "--watchdog", "3"], { cwd: folder(files) });

  it("a plugin whose top level never returns", async () => {
    const r = await watched({ "p.js": "while (true) {}\nexport default {};\n" }, ["list", "--plugin", "./p.js"]);
    expect(expectUsageError(r)).toBe(
      "kprim: watchdog: plugin ./p.js (loading) did not finish in 3 s (code that never returns?); stopped",
    );
  });

  it("a plugin whose top-level await never settles", async () => {
    const r = await watched({ "p.mjs": "await new Promise(() => {});\nexport default {};\n" }, [
      "list",
      "--plugin",
      "./p.mjs",
    ]);
    expect(expectUsageError(r)).toBe(
      "kprim: plugin ./p.mjs (loading) never finished (an await at its top level that never settles?)",
    );
  });

  it("a plugin scenario whose setup() never returns, in run and in explore on worker threads", async () => {
    const files = { "p.js": tinyPlugin("while (true) {}") };
    const msg =
      'kprim: watchdog: scenario "tiny" (setting up) did not finish in 3 s (code that never returns?); stopped';
    expect(expectUsageError(await watched(files, ["run", "tiny", "--plugin", "./p.js"]))).toBe(msg);
    const ex = await watched(files, [
      "explore",
      "tiny",
      "--plugin",
      "./p.js",
      "--strategy",
      "random",
      "--workers",
      "2",
    ]);
    expect(ex.code).toBe(2);
    expect(ex.stdout).toBe("");
    expect(ex.stderr.trim().split("\n").at(-1)).toBe(msg);
  });

  it("a plugin scenario whose cpus() never returns", async () => {
    const files = { "p.js": tinyPlugin(oneStep).replace("cpus: () => 1", "cpus: () => { while (true) {} }") };
    expect(expectUsageError(await watched(files, ["run", "tiny", "--plugin", "./p.js"]))).toBe(
      'kprim: watchdog: scenario "tiny" (preparing) did not finish in 3 s (code that never returns?); stopped',
    );
  });
});
