// Prints one plain closing line "N passed, N failed[, N skipped]" after vitest's
// own summary, so CI's line-based parser can read the result.
import type { Reporter, SerializedError, TestModule } from "vitest/node";

export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let failedInModule = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") {
          failed++;
          failedInModule++;
        } else skipped++;
      }
      // A file that failed to load has no failed test: count it as one failure.
      if (mod.state() === "failed" && failedInModule === 0) failed++;
    }
    failed += unhandledErrors.length;
    const tail = skipped > 0 ? `, ${skipped} skipped` : "";
    process.stdout.write(`${passed} passed, ${failed} failed${tail}\n`);
  }
}
