import { describe, expect, it } from "vitest";
import { kprim } from "../src/index.js";

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
