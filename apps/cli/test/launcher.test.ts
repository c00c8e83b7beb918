// The launcher behind `pnpm kprim` (apps/cli/kprim.mjs): the build when it is
// current, the sources otherwise; checked on a small workspace of its own
// (mtimes set by hand), and on this repository from source.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { root } from "./run-cli.js";

const launcher = fileURLToPath(new URL("../kprim.mjs", import.meta.url));
const hashModule = fileURLToPath(new URL("../../../scripts/source-hash.mjs", import.meta.url));

function file(path: string, text: string, mtimeSec: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  utimesSync(path, mtimeSec, mtimeSec);
}

/** root/packages/a (a dependency of the CLI), root/packages/b (not one), root/apps/cli with the launcher. */
function workspace(): { dir: string; which: (env?: Record<string, string>) => string } {
  const dir = mkdtempSync(join(tmpdir(), "kprim-launch-"));
  const t = 1_000_000;
  file(join(dir, "packages/a/package.json"), JSON.stringify({ name: "@x/a" }), t);
  file(join(dir, "packages/a/src/index.ts"), "export {};\n", t);
  file(join(dir, "packages/b/package.json"), JSON.stringify({ name: "@x/b" }), t);
  file(join(dir, "packages/b/src/index.ts"), "export {};\n", t + 500);
  const cli = { name: "@x/cli", dependencies: { "@x/a": "workspace:^", commander: "14.0.3" } };
  file(join(dir, "apps/cli/package.json"), JSON.stringify(cli), t);
  file(join(dir, "apps/cli/src/bin.ts"), "export {};\n", t);
  copyFileSync(launcher, join(dir, "apps/cli/kprim.mjs"));
  mkdirSync(join(dir, "scripts"));
  copyFileSync(hashModule, join(dir, "scripts/source-hash.mjs"));
  const which = (env: Record<string, string> = {}): string => {
    const r = spawnSync(process.execPath, [join(dir, "apps/cli/kprim.mjs"), "--which"], {
      encoding: "utf8",
      env: { ...process.env, KPRIM_FROM_SOURCE: "", ...env },
    });
    return r.stdout.trim();
  };
  return { dir, which };
}

describe("the launcher", () => {
  it("runs the build only when every package the CLI runs on was built after its sources, or from the same contents", async () => {
    const { dir, which } = workspace();
    expect(which()).toBe("source (apps/cli has no build)");
    file(join(dir, "apps/cli/dist/bin.js"), 'process.stdout.write("from dist\\n");\n', 1_000_100);
    expect(which()).toBe("source (packages/a has no build)");
    file(join(dir, "packages/a/dist/index.js"), "export {};\n", 1_000_100);
    // packages/b is newer than any build, but the CLI does not run on it.
    expect(which()).toBe("dist (the build is current)");
    const run = spawnSync(process.execPath, [join(dir, "apps/cli/kprim.mjs"), "list"], { encoding: "utf8" });
    expect(run.stdout).toBe("from dist\n");
    // An edit after the build: back to the sources, until the next build.
    utimesSync(join(dir, "packages/a/src/index.ts"), 1_000_200, 1_000_200);
    expect(which()).toBe("source (packages/a has sources newer than its build)");
    utimesSync(join(dir, "packages/a/dist/index.js"), 1_000_300, 1_000_300);
    expect(which()).toBe("dist (the build is current)");
    utimesSync(join(dir, "apps/cli/package.json"), 1_000_400, 1_000_400);
    expect(which()).toBe("source (apps/cli has sources newer than its build)");
    // A build that recorded the hash of the same contents (a touch, a checkout) is current all the same.
    const { sourceHash } = (await import(hashModule)) as { sourceHash: (dir: string) => string };
    file(join(dir, "apps/cli/dist/source-hash.txt"), `${sourceHash(join(dir, "apps/cli"))}\n`, 1_000_100);
    expect(which()).toBe("dist (the build is current)");
    writeFileSync(join(dir, "apps/cli/src/bin.ts"), "export const changed = 1;\n");
    expect(which()).toBe("source (apps/cli has sources newer than its build)");
    expect(which({ KPRIM_FROM_SOURCE: "1" })).toBe("source (KPRIM_FROM_SOURCE=1)");
  });

  it("runs this repository's CLI from source when told to, in its own process (no tsx child)", () => {
    const r = spawnSync(process.execPath, [launcher, "--version"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, KPRIM_FROM_SOURCE: "1" },
    });
    expect([r.status, r.stdout.trim(), r.stderr]).toEqual([0, pkg.version, ""]);
  });
});
