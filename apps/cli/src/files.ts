/**
 * The files the main thread reads and writes for a command: traces (`--trace
 * <format> --out <file>`), trails (`--save-trail <file>`, `<out>.trail`
 * beside a trace, `replay --trail <file>`). Paths are relative to the user's
 * working directory; every failure is a one-line UsageError, checked before
 * running where it can be.
 */
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./errors.js";
import type { TraceFormat } from "./jobs/requests.js";
import { parseTrail, type Trail, trailText } from "./jobs/trail.js";

/**
 * The user's working directory: `pnpm kprim …` runs the root script from the
 * repository root, and pnpm passes the folder it was called from as INIT_CWD.
 * Plugin paths, kprim.config.js, --out and trails are relative to it.
 */
export function userCwd(): string {
  const init = process.env["INIT_CWD"];
  return process.env["npm_lifecycle_event"] === "kprim" && init ? init : process.cwd();
}

function why(e: unknown): string {
  return e instanceof Error ? ((e as NodeJS.ErrnoException).code ?? e.message) : String(e);
}

/** Check before running that `file` can be written (`what` names it in the message). */
export function checkWritable(file: string, what: string): void {
  const path = resolve(userCwd(), file);
  try {
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) throw new Error("it is a directory");
      accessSync(path, constants.W_OK);
    } else {
      accessSync(dirname(path), constants.W_OK);
    }
  } catch (e) {
    throw new UsageError(`cannot write ${what} to ${file}: ${why(e)}`);
  }
}

/** Check before running that --out can be written. */
export function checkOut(trace: TraceFormat | undefined, out: string | undefined, json: boolean): void {
  if (trace === undefined) {
    if (out !== undefined) throw new UsageError("--out needs --trace <format>");
    return;
  }
  if (out === undefined) throw new UsageError("--trace needs --out <file> (or --out - for stdout)");
  if (out === "-") {
    if (json) throw new UsageError("--out - and --json both write to stdout; give --out a file");
    return;
  }
  checkWritable(out, "the trace");
}

function writeFile(file: string, content: string, what: string): void {
  try {
    writeFileSync(resolve(userCwd(), file), content);
  } catch (e) {
    throw new UsageError(`cannot write ${what} to ${file}: ${why(e)}`);
  }
}

export function writeTrace(out: string, content: string): void {
  if (out === "-") process.stdout.write(content);
  else writeFile(out, content, "the trace");
}

/** Read a trail file. */
export function readTrail(file: string): Trail {
  let text: string;
  try {
    text = readFileSync(resolve(userCwd(), file), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : why(e);
    throw new UsageError(`cannot read the trail ${file}: ${reason}`);
  }
  return parseTrail(text, file);
}

/**
 * Write a run's trail where it goes: `--save-trail <file>`, and `<out>.trail`
 * beside a trace written to a file. Returns the files written.
 */
export function writeTrails(
  trail: Trail | null,
  saveTrail: string | undefined,
  traceOut: string | undefined,
): string[] {
  if (trail === null) return [];
  const files = [
    ...(saveTrail !== undefined ? [saveTrail] : []),
    ...(traceOut !== undefined && traceOut !== "-" ? [`${traceOut}.trail`] : []),
  ];
  for (const f of files) writeFile(f, trailText(trail), "the trail");
  return files;
}
