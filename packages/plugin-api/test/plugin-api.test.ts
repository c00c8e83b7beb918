// @kprim/plugin-api is what a plugin needs to declare itself, and nothing more: no run-time
// dependency (a plugin adding an interlock must not install the buffer cache), and @kprim/plugin
// re-exports it (packages/plugin's tests check that).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { definePlugin, LAYER_NAMES } from "../src/index.js";

describe("@kprim/plugin-api", () => {
  it("has no run-time dependencies: the layers are optional peers, for their types only", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      dependencies?: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    expect(pkg.dependencies).toBeUndefined();
    for (const name of Object.keys(pkg.peerDependencies)) expect(pkg.peerDependenciesMeta[name]?.optional).toBe(true);
    const src = readFileSync(new URL("../src/index.ts", import.meta.url), "utf8");
    expect(src.match(/^import (?!type )/gm)).toBeNull();
  });

  it("definePlugin returns the plugin unchanged; LAYER_NAMES lists every replaceable layer", () => {
    const p = { name: "empty" };
    expect(definePlugin(p)).toBe(p);
    expect(LAYER_NAMES).toEqual(["spinlock", "token", "sleepq", "lockmgr", "buf"]);
  });
});
