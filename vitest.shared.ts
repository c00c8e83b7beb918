// One preset for every vitest project: resolve workspace packages to their
// TypeScript source through the "@kprim/source" export condition, and run every
// machine in check mode (shared objects guarded, footprints verified).
import { defineProject, type UserWorkspaceConfig } from "vitest/config";

// A custom condition replaces vite's defaults, so they are listed again
// (vite 8: defaultServerConditions = module, node, development|production).
const conditions = ["@kprim/source", "module", "node", "development|production"];

export function kprimProject(overrides: NonNullable<UserWorkspaceConfig["test"]> = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      include: ["test/**/*.test.ts"],
      env: { KPRIM_CHECK: "1" },
      // A hang guard, not a speed check: exhaustive checks take seconds, and
      // CI machines are shared (speed is measured in apps/bench).
      testTimeout: 120_000,
      ...overrides,
    },
  });
}
