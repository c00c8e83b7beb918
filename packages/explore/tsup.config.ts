import { defineConfig } from "tsup";
import { packageBuild } from "../../scripts/tsup.preset";

// examples.ts is the ./examples subpath; worker.ts is its own entry: parallel
// runs start dist/worker.js by URL.
// shims: import.meta.url in the CommonJS build.
export default defineConfig({ ...packageBuild(["src/index.ts", "src/examples.ts", "src/worker.ts"]), shims: true });
