import { defineConfig } from "vite";

// The playground: a static site (index.html + assets) with relative URLs, so
// dist/ works from any static host or sub-folder. Workspace packages are
// bundled from their TypeScript source ("@kprim/source"), for the browser
// ("browser": @kprim/explore without its Node worker threads).
const conditions = ["@kprim/source", "browser", "module", "development|production"];

export default defineConfig({
  base: "./",
  resolve: { conditions },
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // One request for the page's script and one for the worker's: no preload helper, nothing lazy.
    modulePreload: false,
    chunkSizeWarningLimit: 1024,
  },
});
