import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "plugins/*", "e2e", "apps/cli/cluster"],
    // One test file per core. vitest's default in a run is one fewer than the cores, which on the
    // 2-core machines the suite is sized for runs the files one at a time.
    maxWorkers: "100%",
    reporters: ["default", "./scripts/summary-reporter.ts"],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**", "apps/*/src/**"],
      reporter: ["json-summary"],
    },
  },
});
