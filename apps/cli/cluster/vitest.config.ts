import { kprimProject } from "../../../vitest.shared.ts";

// The queue tests (pnpm -s test:cluster): a real redis-server and kprim
// worker processes, started and stopped by the tests. Their own project, as
// the browser tests are: the default test command needs Node alone.
export default kprimProject({
  name: "cluster",
  include: ["**/*.test.ts"],
  fileParallelism: false,
  // Each concurrent test runs two searches (one process, the queue) beside the workers: two at a time.
  maxConcurrency: 2,
  testTimeout: 240_000,
  hookTimeout: 60_000,
});
