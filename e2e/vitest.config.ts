import { kprimProject } from "../vitest.shared.ts";

// The browser tests: their own project ("e2e"), left out of `pnpm test` and run by `pnpm test:e2e`.
// Launching chromium takes seconds, so the timeouts are generous and files run one at a time.
export default kprimProject({ name: "e2e", testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false });
