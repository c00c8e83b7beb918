import { defineConfig } from "tsup";
import { packageBuild } from "../../scripts/tsup.preset";

// internal.ts is the ./internal subpath. Both entries share one copy of the
// machine's classes in either format (splitting: the CommonJS build too), so
// a cell made through one is the same class the other tests for.
export default defineConfig({ ...packageBuild(["src/index.ts", "src/internal.ts"]), splitting: true });
