/**
 * The source panel's text: every catalogue scenario's definition and, for
 * each thread it spawns, the catalogue functions its body runs — read from
 * the catalogue files as the build bundles them.
 */
import { catalogue } from "@kprim/scenarios";
import { describe, expect, it } from "vitest";
import { matchBracket, propertyText, scenarioSource } from "../src/source.js";
import { CATALOGUE_SOURCES } from "../src/sources.js";

describe("thread-body sources", () => {
  it("bundles every catalogue file", () => {
    expect(Object.keys(CATALOGUE_SOURCES)).toContain("lockmgrRaces.ts");
    expect(Object.keys(CATALOGUE_SOURCES).length).toBeGreaterThanOrEqual(15);
  });

  it("finds every scenario of the catalogue, with at least one thread and the functions its threads run", () => {
    for (const s of catalogue) {
      const src = scenarioSource(CATALOGUE_SOURCES, s.name);
      expect(src, s.name).not.toBeNull();
      expect(src!.definition, s.name).toContain(`name: "${s.name}"`);
      expect(src!.threads.length, s.name).toBeGreaterThan(0);
      expect(
        src!.threads.filter((t) => !/^(?:\(k\) =>|\*?body)/.test(t.body) && t.body !== ""),
        s.name,
      ).toEqual([]);
      const withCode = src!.threads.filter((t) => t.functions.length > 0);
      expect(withCode.length, `${s.name}: no thread body found`).toBeGreaterThan(0);
    }
  });

  it("shows R3's threads: the holder and the waiter with the functions they run", () => {
    const src = scenarioSource(CATALOGUE_SOURCES, "lockmgr-lost-wakeup")!;
    expect(src.file).toBe("lockmgrRaces.ts");
    expect(src.threads.map((t) => [t.name, t.cpu, t.body])).toEqual([
      ["T_h", "1", "(k) => holder(k, L, taken)"],
      ["T_w", "0", "(k) => waiter(k, L, taken)"],
    ]);
    // Its own file's holder, not the buffer scenarios' holder of the same name.
    expect(src.threads[0]!.functions.map((f) => `${f.file} ${f.name}`)).toEqual(["lockmgrRaces.ts holder"]);
    const waiter = src.threads[1]!.functions[0]!;
    expect(waiter.name).toBe("waiter");
    expect(waiter.text).toMatch(/^\/\*\*[\s\S]*\*\/\nfunction\* waiter\(/);
    expect(waiter.text.trimEnd().endsWith("}")).toBe(true);
  });

  it("follows a body through a helper to the catalogue function it runs (R1's getnewbuf thread)", () => {
    const src = scenarioSource(CATALOGUE_SOURCES, "getnewbuf-locked-buf")!;
    const tNew = src.threads.find((t) => t.name === "T_new")!;
    expect(tNew.functions.map((f) => f.name)).toEqual(["underOuter", "getnewbufRetry"]);
    expect(tNew.functions[0]!.file).toBe("bufs.ts");
  });

  it("keeps a name that is not a string literal as written", () => {
    const src = scenarioSource(CATALOGUE_SOURCES, "buf-churn")!;
    expect(src.threads.map((t) => t.name)).toEqual(["bufdaemon", "`T${id}`"]);
  });

  it("matches brackets past strings, templates and comments", () => {
    const text = 'f({ a: "}", b: `${"{"}`, /* }, */ c: (x) => [x] // },\n})';
    expect(matchBracket(text, 1)).toBe(text.length);
    expect(matchBracket(text, 2)).toBe(text.length - 1);
    expect(propertyText(text.slice(2, -1), "c")).toBe("(x) => [x] // },");
    expect(propertyText(text.slice(2, -1), "b")).toBe('`${"{"}`');
    expect(propertyText("{ name, cpu: 0 }", "name")).toBe("name");
  });
});
