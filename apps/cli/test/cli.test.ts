import { describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { kprim } from "./run-cli.js";

describe("kprim (skeleton)", () => {
  it("--help lists the commands and exits 0", () => {
    const r = kprim(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: kprim");
    expect(r.stdout).toContain("demo");
  });

  it("--version prints the version", () => {
    const r = kprim(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("an unknown command is a one-line error with exit 2", () => {
    const r = kprim(["demoo"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("unknown command 'demoo'");
    expect(r.stderr).toContain("demo");
  });

  it("an unknown option is a one-line error with exit 2", () => {
    const r = kprim(["demo", "--fast"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("error: unknown option '--fast'");
  });

  it("demo finds the lost update, replays it, and shows the locked version clean", () => {
    const r = kprim(["demo"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Without a lock:\n {2}random schedule \d+: violation at step \d+: \[lost-update\]/);
    expect(r.stdout).toMatch(/schedule: kprim1:counter-racy::::\S+/);
    expect(r.stdout).toMatch(/replayed: violation at step \d+: \[lost-update\]/);
    expect(r.stdout).toContain("1000 random schedules, 0 failure(s)");
  });
});
