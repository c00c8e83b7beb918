// The one-line error convention as a function: control characters escaped,
// long values cut, Node's "imported from" left out, errno codes in words.
import { describe, expect, it } from "vitest";
import { errnoWords, LINE, oneLine, quote, reason } from "../src/messages.js";

describe("error lines", () => {
  it("escape every control character, keeping one line", () => {
    expect(oneLine("bad \u001b[2J\u0000 x\ny\tz\u009b")).toBe("bad \\e[2J\\x00 x\\ny\\tz\\x9b");
  });

  it("cut long quoted values and long words, and the line itself", () => {
    const long = "b".repeat(500);
    expect(oneLine(`unknown scenario "${long}"`)).toBe(`unknown scenario "${"b".repeat(59)}…"`);
    expect(oneLine(`got ${long}`)).toBe(`got ${"b".repeat(99)}…`);
    expect(oneLine("word ".repeat(200)).length).toBe(LINE);
    expect(quote(`a\u001b${"c".repeat(100)}`)).toBe(`"a\\e${"c".repeat(56)}…"`);
  });

  it("leave out Node's 'imported from <file>'", () => {
    expect(oneLine("Cannot find module '/x/y.js' imported from /opt/kprim/packages/plugin/dist/index.js")).toBe(
      "Cannot find module '/x/y.js'",
    );
  });

  it("say errno codes in words", () => {
    expect(errnoWords("ENOENT")).toBe("no such file or folder");
    expect(errnoWords("EACCES")).toBe("permission denied");
    expect(errnoWords("ENOSPC")).toBe("no space left on the device");
    expect(errnoWords("EWHATEVER")).toBeUndefined();
    expect(reason(Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: "EACCES" }))).toBe(
      "permission denied",
    );
    expect(reason(new Error("plain"))).toBe("plain");
  });
});
