// The kprim CLI as a subprocess (from @kprim/test-utils), the fixture plugins,
// and the one-line error convention its tests check.
import type { CliResult } from "@kprim/test-utils";

export { type CliResult, kprim, kprimInterrupted, kprimPrinted, root, shellWords } from "@kprim/test-utils";

/** Fixture plugins, as paths relative to the repository root (the default cwd). */
export const fixture = (name: string): string => `./apps/cli/test/fixtures/${name}`;

/** The one-line error convention: exit 2, a single `kprim: ` line on stderr, no stack, nothing on stdout. */
export function expectUsageError(r: CliResult): string {
  const lines = r.stderr.trim().split("\n");
  if (
    r.code !== 2 ||
    lines.length !== 1 ||
    !lines[0]!.startsWith("kprim: ") ||
    /\n\s+at /.test(r.stderr) ||
    r.stdout !== ""
  ) {
    throw new Error(
      `expected a one-line usage error with exit 2, got exit ${r.code}:\n${r.stderr}\n--- stdout:\n${r.stdout}`,
    );
  }
  return lines[0]!;
}
