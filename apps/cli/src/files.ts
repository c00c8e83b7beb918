/**
 * The files the main thread reads and writes for a command: traces (`--trace
 * <format> --out <file>`), trails (`--save-trail <file>`, `<out>.trail`
 * beside a trace, `replay --trail <file>`). Paths are relative to the user's
 * working directory; every failure is a one-line UsageError, checked before
 * running where it can be.
 */
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { UsageError } from "./errors.js";
import { quote, reason } from "./messages.js";
import type { TraceFormat } from "./jobs/requests.js";
import { parseTrail, type Trail, trailText } from "./jobs/trail.js";

/** Check before running that `file` (relative to `cwd`, the user's folder: io.ts) can be written (`what` names it in the message). */
export function checkWritable(file: string, what: string, cwd: string): void {
  const path = resolve(cwd, file);
  const fail = (code: string): never => {
    throw Object.assign(new Error(code), { code });
  };
  try {
    if (file === "") fail("ENOENT");
    if (basename(path).length > 255) fail("ENAMETOOLONG");
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) fail("EISDIR");
      accessSync(path, constants.W_OK);
    } else {
      if (existsSync(dirname(path)) && !statSync(dirname(path)).isDirectory()) fail("ENOTDIR");
      accessSync(dirname(path), constants.W_OK);
    }
  } catch (e) {
    throw new UsageError(`cannot write ${what} to ${quote(file)}: ${reason(e)}`);
  }
}

/** Check before running that --out can be written. */
export function checkOut(trace: TraceFormat | undefined, out: string | undefined, json: boolean, cwd: string): void {
  if (trace === undefined) {
    if (out !== undefined) throw new UsageError("--out needs --trace <format>");
    return;
  }
  if (out === undefined) throw new UsageError("--trace needs --out <file> (or --out - for stdout)");
  if (out === "-") {
    if (json) throw new UsageError("--out - and --json both write to stdout; give --out a file");
    return;
  }
  checkWritable(out, "the trace", cwd);
}

/** Where outputs go: files relative to the user's folder, `--out -` to stdout. */
export interface Destination {
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
}

function writeFile(file: string, content: string, what: string, cwd: string): void {
  try {
    writeFileSync(resolve(cwd, file), content);
  } catch (e) {
    throw new UsageError(`cannot write ${what} to ${quote(file)}: ${reason(e)}`);
  }
}

export function writeTrace(out: string, content: string, to: Destination): void {
  if (out === "-") to.stdout.write(content);
  else writeFile(out, content, "the trace", to.cwd);
}

/** Read a trail file. */
export function readTrail(file: string, cwd: string): Trail {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the trail ${quote(file)}: ${reason(e)}`);
  }
  return parseTrail(text, file);
}

/** Where a run's trail goes: `--save-trail <file>`, and `<out>.trail` beside a trace written to a file. */
function trailFiles(saveTrail: string | undefined, traceOut: string | undefined): string[] {
  return [
    ...(saveTrail !== undefined ? [saveTrail] : []),
    ...(traceOut !== undefined && traceOut !== "-" ? [`${traceOut}.trail`] : []),
  ];
}

/** What `writeOutputs` wrote, and the first write error (thrown after the summary: nothing computed is lost). */
export interface Written {
  /** The trace file (null: none, or written to stdout). */
  readonly trace: string | null;
  readonly trails: readonly string[];
  readonly error: unknown;
}

/** Write a report's trace (--out) and its trails (--save-trail, `<out>.trail`); errors are returned, not thrown. */
export function writeOutputs(
  r: { readonly trace: { readonly content: string } | null; readonly trail: Trail | null },
  o: { readonly out?: string | undefined; readonly saveTrail?: string | undefined },
  to: Destination,
): Written {
  let trace: string | null = null;
  const trails: string[] = [];
  try {
    if (r.trace !== null && o.out !== undefined) {
      writeTrace(o.out, r.trace.content, to);
      if (o.out !== "-") trace = o.out;
    }
    if (r.trail !== null) {
      for (const f of trailFiles(o.saveTrail, r.trace !== null ? o.out : undefined)) {
        writeFile(f, trailText(r.trail), "the trail", to.cwd);
        trails.push(f);
      }
    }
  } catch (e) {
    return { trace, trails, error: e };
  }
  return { trace, trails, error: null };
}
