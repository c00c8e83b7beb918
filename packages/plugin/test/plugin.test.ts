/**
 * @kprim/plugin: definePlugin, loading plugins by specifier, the checked
 * registry (every name once), plugin interlocks chosen by name, plugin
 * scenarios in the catalogue, detectors on every machine, config files, and
 * plugins in worker threads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { explore, exploreParallel } from "@kprim/explore";
import { expectOutcome, random } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import {
  definePlugin,
  loadConfig,
  loadPlugins,
  PluginError,
  pluginFactorySpec,
  PluginRegistry,
  resolvePluginSpecifier,
} from "../src/index.js";
import renamedSpin, { stepsSeen } from "./fixtures/renamed-spin.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

describe("definePlugin", () => {
  it("returns the plain object it is given", () => {
    const p = { name: "empty" };
    expect(definePlugin(p)).toBe(p);
  });
});

describe("loadPlugins", () => {
  it("imports plugins by path relative to cwd and composes their contributions", async () => {
    const reg = await loadPlugins(["./renamed-spin.ts"], { cwd: fixtures });
    expect(reg.plugins).toEqual([{ name: "renamed-spin", source: "./renamed-spin.ts" }]);
    expect(reg.interlocks.map((i) => `${i.name}:${i.provider}`)).toEqual([
      "token:built-in",
      "spin:built-in",
      "spin-naive:built-in",
      "renamed-spin:renamed-spin",
    ]);
    expect(reg.scenarioProvider("two-adders")).toBe("renamed-spin");
    expect(reg.scenarioProvider("lost-wakeup")).toBe("built-in");
    expect(reg.catalogue.at(-1)?.name).toBe("two-adders");
    expect(reg.strategies.map((s) => s.name)).toEqual(["first"]);
    expect(reg.strategy("first")?.({ seed: 1 }).name).toBe("first");
  });

  it("a plugin interlock is chosen by name and runs a catalogue scenario; a header prepares it again", async () => {
    const reg = await loadPlugins(["./renamed-spin.ts"], { cwd: fixtures });
    const p = reg.prepare({ scenario: "lockmgr-lost-wakeup", options: { interlock: "renamed-spin" } });
    expect(p.options.interlock).toBe("renamed-spin");
    const r = reg
      .factory(p)({ strategy: random({ seed: 3 }) })
      .run();
    expectOutcome(r, "ok");
    expect(reg.prepareFromHeader(p.header).options.interlock).toBe("renamed-spin");
    // Under the renamed spin interlock the lost wakeup stays impossible: exhaustive DPOR proves it.
    const ex = explore(reg.factory(p), { mode: { kind: "dpor" }, target: "violation:lost-wakeup" });
    expect(ex.kind === "not-found" && ex.exhausted).toBe(true);
  });

  it("installs plugin detectors on every machine the registry builds", async () => {
    const reg = new PluginRegistry([{ plugin: renamedSpin, source: "inline" }]);
    stepsSeen.length = 0;
    const p = reg.prepare({ scenario: "two-adders" });
    const r = reg
      .factory(p)({ strategy: random({ seed: 1 }) })
      .run();
    expectOutcome(r, "ok");
    expect(stepsSeen).toEqual([r.steps]);
  });

  it("two plugins registering the same interlock name is an error naming both", async () => {
    await expect(loadPlugins(["./renamed-spin.ts", "./same-interlock.ts"], { cwd: fixtures })).rejects.toThrow(
      'interlock "renamed-spin" is registered by both plugin "renamed-spin" (./renamed-spin.ts) and plugin "other" (./same-interlock.ts)',
    );
  });

  it("a plugin registering a built-in name, or loaded twice under one name, is an error", async () => {
    await expect(loadPlugins(["./builtin-clash.ts"], { cwd: fixtures })).rejects.toThrow(
      'plugin "clash" (./builtin-clash.ts) registers interlock "spin", which is built in',
    );
    expect(
      () =>
        new PluginRegistry([{ plugin: { name: "a", strategies: { pct: () => random({ seed: 1 }) } }, source: "x.js" }]),
    ).toThrow('plugin "a" (x.js) registers strategy "pct", which is built in');
    expect(
      () =>
        new PluginRegistry([
          { plugin: renamedSpin, source: "one.js" },
          { plugin: renamedSpin, source: "two.js" },
        ]),
    ).toThrow('two plugins are named "renamed-spin": one.js and two.js');
    expect(
      () =>
        new PluginRegistry([
          { plugin: { name: "l1", layers: { sleepq: {} as never } }, source: "l1.js" },
          { plugin: { name: "l2", layers: { sleepq: {} as never } }, source: "l2.js" },
        ]),
    ).toThrow('layer "sleepq" is registered by both plugin "l1" (l1.js) and plugin "l2" (l2.js)');
  });

  it("a module that throws while loading, has no default export, or exports a non-plugin is an error naming it", async () => {
    const err = await loadPlugins(["./throws.ts"], { cwd: fixtures }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect((err as Error).message).toBe("plugin ./throws.ts failed to load: boom while loading");
    await expect(loadPlugins(["./no-default.ts"], { cwd: fixtures })).rejects.toThrow(
      "plugin ./no-default.ts has no default export",
    );
    await expect(loadPlugins(["./not-plugin.ts"], { cwd: fixtures })).rejects.toThrow(
      "./not-plugin.ts: its default export is not a plugin",
    );
    await expect(loadPlugins(["./missing.ts"], { cwd: fixtures })).rejects.toThrow(
      /^plugin \.\/missing\.ts failed to load: /,
    );
  });
});

describe("config files and specifiers", () => {
  it("kprim.config.mjs lists plugins relative to its folder", async () => {
    const cwd = `${fixtures}config`;
    const cfg = await loadConfig(cwd);
    expect(cfg.file).toBe(`${cwd}/kprim.config.mjs`);
    expect(cfg.plugins).toEqual([resolvePluginSpecifier("./renamed-spin.ts", fixtures)]);
    const reg = await loadPlugins(cfg.plugins, { cwd });
    expect(reg.plugins).toEqual([{ name: "renamed-spin", source: "../renamed-spin.ts" }]);
    expect(await loadConfig(fixtures)).toEqual({ file: null, plugins: [] });
  });

  it("package names resolve from cwd's node_modules", () => {
    expect(resolvePluginSpecifier("@kprim/lockmgr", fixtures)).toMatch(/^file:\/\/.*lockmgr/);
  });

  it("a dual CommonJS/ESM package resolves to its ESM build, whose default export is the plugin", async () => {
    const root = mkdtempSync(join(tmpdir(), "kprim-plugin-"));
    try {
      const pkg = join(root, "node_modules", "@acme", "kprim-plugin-x");
      mkdirSync(join(pkg, "dist"), { recursive: true });
      writeFileSync(
        join(pkg, "package.json"),
        JSON.stringify({
          name: "@acme/kprim-plugin-x",
          exports: {
            ".": {
              import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
              require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
            },
          },
          main: "./dist/index.cjs",
        }),
      );
      writeFileSync(join(pkg, "dist", "index.js"), 'export default { name: "x", kind: "esm" };\n');
      writeFileSync(join(pkg, "dist", "index.cjs"), 'module.exports = { default: { name: "x", kind: "cjs" } };\n');
      const url = resolvePluginSpecifier("@acme/kprim-plugin-x", join(root, "sub"));
      expect(url).toBe(pathToFileURL(join(pkg, "dist", "index.js")).href);
      const mod = (await import(url)) as { default: { kind: string } };
      expect(mod.default.kind).toBe("esm");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("worker threads", () => {
  it("load the plugins by specifier and explore a plugin interlock with the same result as in-process", async () => {
    const spec = { scenario: "lockmgr-lost-wakeup", variant: "SPIN+TI", options: { interlock: "renamed-spin" } };
    const reg = await loadPlugins(["./renamed-spin.ts"], { cwd: fixtures });
    const mode = { kind: "random" as const, seed: 5, runs: 30 };
    const serial = explore(reg.factory(reg.prepare(spec)), { mode, target: "any" });
    const par = await exploreParallel(pluginFactorySpec({ plugins: ["./renamed-spin.ts"], cwd: fixtures, spec }), {
      mode,
      workers: 1,
      target: "any",
    });
    expect({ ...par, mode: "" }).toEqual({ ...serial, mode: "" });
    expect(par.executions).toBe(30);
  }, 60_000);
});
