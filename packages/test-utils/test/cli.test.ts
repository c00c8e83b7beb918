import { describe, expect, it } from "vitest";
import { kprim, shellWords } from "../src/index.js";

describe("kprim as a subprocess", () => {
  it("runs the CLI from source and returns its exit code and output", async () => {
    const ok = await kprim(["--version"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const bad = await kprim(["no-such-command"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^kprim: /);
  });
});

describe("printed commands", () => {
  it("split into the words a shell would give, single quotes and their escape included", () => {
    expect(shellWords(`kprim replay x --plugin './a b.ts' --schedule 'kprim2:x:::signal=it'\\''s:0s'`)).toEqual([
      "kprim",
      "replay",
      "x",
      "--plugin",
      "./a b.ts",
      "--schedule",
      "kprim2:x:::signal=it's:0s",
    ]);
  });
});
