// The one tsup preset every package build uses (switching bundlers later is a
// one-file change).
import type { Options } from "tsup";

export function packageBuild(entry: string[] = ["src/index.ts"]): Options {
  return {
    entry,
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
  };
}
