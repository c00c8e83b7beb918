import { defineConfig } from "tsup";
import { packageBuild } from "../../scripts/tsup.preset";

// examples.ts is the ./examples subpath; browser.ts the "browser" condition of
// ".", without the worker-thread code; worker.ts is its own entry: parallel
// runs start dist/worker.js by URL.
// shims: import.meta.url in the CommonJS build.
export default defineConfig({
  ...packageBuild(["src/index.ts", "src/browser.ts", "src/examples.ts", "src/worker.ts"]),
  shims: true,
});
