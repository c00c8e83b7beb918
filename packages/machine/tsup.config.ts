import { defineConfig } from "tsup";
import { packageBuild } from "../../scripts/tsup.preset";

// internal.ts is the ./internal subpath, examples.ts the ./examples one. The
// entries share one copy of the machine's classes in either format
// (splitting: the CommonJS build too), so a cell made through one is the
// same class the other tests for.
//
// treeshake: tsup then makes the CommonJS chunks with rollup. Without it,
// tsup turns esbuild's split ESM output into CommonJS with sucrase, which
// also rewrites every `?.`, `??` and class field into helper calls
// (`_optionalChain([...closures])`, `__init()` methods): the CommonJS build
// ran the simulator 1.5 to 1.9 times slower than the ESM one (issue 18).
export default defineConfig({
  ...packageBuild(["src/index.ts", "src/internal.ts", "src/examples.ts"]),
  splitting: true,
  treeshake: true,
});
