// The one tsup preset every package build uses (switching bundlers later is a
// one-file change).
import { writeFileSync } from "node:fs";
import type { Options } from "tsup";
import { sourceHash, STAMP } from "./source-hash.mjs";

/** After a build: record what it was made from (the CLI's launcher reads it; see source-hash.mjs). */
export function stampSources(): void {
  writeFileSync(STAMP, `${sourceHash(".")}\n`);
}

export function packageBuild(entry: string[] = ["src/index.ts"]): Options {
  return {
    entry,
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    onSuccess: async () => stampSources(),
  };
}
