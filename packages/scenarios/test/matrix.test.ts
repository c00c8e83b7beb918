import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { matrix, variantOptions } from "../src/index.js";

const shared = fileURLToPath(new URL("../../../../shared/spec/matrix.json", import.meta.url));
const copy = fileURLToPath(new URL("../src/matrix.json", import.meta.url));

describe("the acceptance oracle", () => {
  it("is a verbatim copy of the shared spec's matrix.json", () => {
    // The shared spec sits beside the repository on development machines; a
    // clone elsewhere checks the copy against the hash recorded when it was taken.
    const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
    const expected = existsSync(shared)
      ? sha(shared)
      : "8b98fdff7c8ffa866d0889309aa7eb6cda72f3282e0c8457a03ee7dccc6c0ee0";
    expect(sha(copy)).toBe(expected);
  });

  it("parses every variant and row", () => {
    expect(Object.keys(matrix.variants)).toEqual([
      "TOK",
      "TOK-spin2005",
      "SPIN-naive",
      "SPIN+TI",
      "SPIN+TI-nomp",
      "SPIN+TI-2008",
    ]);
    expect(matrix.rows.length).toBe(47);
    expect(variantOptions("SPIN+TI-2008")).toEqual({
      interlock: "spin",
      tokenMode: "yield",
      outer: "mplock",
      lockmgr: "2008",
    });
  });

  it("an unknown variant is a clear error", () => {
    expect(() => variantOptions("SPIN")).toThrow('unknown variant "SPIN"; variants: TOK, TOK-spin2005');
  });
});
