/**
 * Running a Promela model with SPIN — `spin -a` with -D defines, gcc, `pan`
 * — and reading pan's verdict. The only place that starts SPIN.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

/** What pan said: no error (the whole state space searched), or the first error it found. */
export type PanVerdict =
  | { readonly kind: "no-error"; readonly states: number; readonly depth: number }
  | { readonly kind: "assertion"; readonly expression: string; readonly depth: number }
  | { readonly kind: "invalid-end-state"; readonly depth: number }
  | { readonly kind: "incomplete"; readonly why: string };

/** Read pan's output. Unknown output is `incomplete` with the reason. */
export function parsePan(out: string): PanVerdict {
  const depth = Number(/depth reached (\d+)/.exec(out)?.[1] ?? /\(at depth (\d+)\)/.exec(out)?.[1] ?? -1);
  const assertion = /assertion violated\s+(.+?)\s+\(at depth (\d+)\)/.exec(out);
  if (assertion !== null) return { kind: "assertion", expression: assertion[1]!.trim(), depth: Number(assertion[2]) };
  if (/invalid end state/.test(out) && /errors: [1-9]/.test(out) && !/assertion violated/.test(out)) {
    return { kind: "invalid-end-state", depth };
  }
  const errors = /errors: (\d+)/.exec(out);
  if (errors === null) return { kind: "incomplete", why: "pan printed no error count" };
  if (errors[1] !== "0") return { kind: "incomplete", why: `pan reported ${errors[1]} errors of an unknown kind` };
  if (/max search depth too small/.test(out)) return { kind: "incomplete", why: "the search depth limit was reached" };
  const states = Number(/(\d+) states, stored/.exec(out)?.[1] ?? -1);
  return { kind: "no-error", states, depth };
}

export interface SpinTools {
  readonly spin: string;
  readonly gcc: string;
}

/** The spin and gcc binaries on PATH, or what is missing. */
export function findTools(): SpinTools | { readonly missing: string[] } {
  const which = (name: string): string | undefined => {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const spin = which("spin");
  const gcc = which("gcc");
  if (spin !== undefined && gcc !== undefined) return { spin, gcc };
  return { missing: [...(spin === undefined ? ["spin"] : []), ...(gcc === undefined ? ["gcc"] : [])] };
}

export interface SpinRun {
  readonly verdict: PanVerdict;
  /** End-to-end wall time: spin -a, gcc and pan, seconds. */
  readonly seconds: number;
  readonly timedOut: boolean;
}

/**
 * Verify `model` with these defines in a scratch folder: `spin -a -D...`,
 * `gcc -O1 -DSAFETY`, `pan -m<depth>`; pan is stopped after `timeoutMs`.
 */
export function runSpin(
  tools: SpinTools,
  model: string,
  defines: Readonly<Record<string, number>>,
  timeoutMs: number,
): SpinRun {
  const dir = mkdtempSync(join(tmpdir(), "kprim-spin-"));
  try {
    const file = basename(model);
    copyFileSync(model, join(dir, file));
    const t0 = process.hrtime.bigint();
    const run = (cmd: string, args: string[], timeout?: number): ReturnType<typeof spawnSync> => {
      const r = spawnSync(cmd, args, { cwd: dir, encoding: "utf8", timeout, maxBuffer: 64 * 2 ** 20 });
      if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") throw r.error;
      return r;
    };
    const defs = Object.entries(defines).map(([k, v]) => `-D${k}=${v}`);
    const a = run(tools.spin, [...defs, "-a", file]);
    if (a.status !== 0) throw new Error(`spin -a ${file} failed: ${String(a.stderr || a.stdout)}`);
    const cc = run(tools.gcc, ["-O1", "-w", "-DSAFETY", "-o", "pan", "pan.c"]);
    if (cc.status !== 0) throw new Error(`gcc pan.c failed: ${String(cc.stderr)}`);
    const pan = run("./pan", ["-m1000000"], timeoutMs);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (pan.signal !== null || (pan.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT") {
      return {
        verdict: { kind: "incomplete", why: `pan stopped after ${timeoutMs / 1000} s` },
        seconds,
        timedOut: true,
      };
    }
    return { verdict: parsePan(String(pan.stdout)), seconds, timedOut: false };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
