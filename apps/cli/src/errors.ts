/**
 * Errors the CLI reports as one line with exit code 2 (usage and input
 * errors). Anything the kernel model itself reports is an outcome, not one
 * of these. (The main thread imports only this light module; the worker
 * classifies the packages' errors with jobs/inputErrors.ts.)
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
