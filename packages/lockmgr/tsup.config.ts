import { defineConfig } from "tsup";
import { packageBuild } from "../../scripts/tsup.preset";

export default defineConfig(
  packageBuild(["src/index.ts", "src/interlocks/token.ts", "src/interlocks/spin.ts", "src/interlocks/spinNaive.ts"]),
);
