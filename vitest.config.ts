import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "plugins/*", "e2e", "apps/cli/cluster"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**", "apps/*/src/**"],
      reporter: ["json-summary"],
    },
  },
});
