import { defineConfig } from "tsup";
import { stampSources } from "../../scripts/tsup.preset";

// bin.ts starts worker/entry.js (the CLI's worker thread), whose parallel
// explorations load worker/factory.js by URL, and which imports config files
// in a thread of worker/import-config.js: four entries, each a whole
// bundle (no shared chunks: worker/paths.ts resolves URLs from where it is bundled).
export default defineConfig({
  entry: {
    bin: "src/bin.ts",
    "worker/entry": "src/worker/entry.ts",
    "worker/factory": "src/worker/factory.ts",
    "worker/import-config": "src/worker/import-config.mjs",
  },
  format: ["esm"],
  splitting: false,
  dts: false,
  sourcemap: true,
  clean: true,
  target: "node20",
  onSuccess: async () => stampSources(),
});
