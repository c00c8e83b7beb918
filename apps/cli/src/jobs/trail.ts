/**
 * Trail files, as SPIN and shuttle keep them: one small JSON document with
 * everything a replay needs — the schedule (scenario, variant, options,
 * params, signal, step limit), the plugin modules the run loaded — and the
 * verdict it gave, so that `kprim replay --trail <file>` reproduces the run
 * and checks it still gives that verdict. Written by `--save-trail <file>`
 * and beside every trace written to a file (`<out>.trail`).
 *
 * Light on purpose: the main thread reads trails before starting the worker.
 */
import { UsageError } from "../errors.js";
import { quote } from "../messages.js";

export const TRAIL_VERSION = 1;

export interface Trail {
  readonly kprim: "trail";
  readonly version: typeof TRAIL_VERSION;
  readonly scenario: string;
  /** The schedule string (kprim2). */
  readonly schedule: string;
  /** Plugin modules the run loaded (config file's, then --plugin's), as the URLs imported. */
  readonly plugins: readonly string[];
  /** The target the run was judged by, whether it was shown, and how the run ended (describeOutcome). */
  readonly signal: string;
  readonly found: boolean;
  readonly outcome: string;
  /** The replay command as printed. */
  readonly replay: string;
}

export function trailText(t: Trail): string {
  return `${JSON.stringify(t, null, 2)}\n`;
}

/** Parse a trail file's text; a one-line UsageError for anything else. */
export function parseTrail(text: string, path: string): Trail {
  const file = quote(path);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not a kprim trail (not JSON)`);
  }
  const t = doc as Record<string, unknown>;
  if (typeof t !== "object" || t === null || t["kprim"] !== "trail") {
    throw new UsageError(`${file} is not a kprim trail (no "kprim": "trail")`);
  }
  if (t["version"] !== TRAIL_VERSION) {
    throw new UsageError(
      `${file}: trail version ${String(t["version"])} is not supported (this kprim reads version ${TRAIL_VERSION})`,
    );
  }
  const str = (k: string): string => {
    if (typeof t[k] !== "string") throw new UsageError(`${file}: a trail needs "${k}" (a string)`);
    return t[k] as string;
  };
  const plugins = t["plugins"] ?? [];
  if (!Array.isArray(plugins) || plugins.some((p) => typeof p !== "string")) {
    throw new UsageError(`${file}: "plugins" must be a list of module specifiers`);
  }
  if (typeof t["found"] !== "boolean") throw new UsageError(`${file}: a trail needs "found" (true or false)`);
  return {
    kprim: "trail",
    version: TRAIL_VERSION,
    scenario: str("scenario"),
    schedule: str("schedule"),
    plugins: plugins as string[],
    signal: str("signal"),
    found: t["found"],
    outcome: str("outcome"),
    replay: str("replay"),
  };
}
