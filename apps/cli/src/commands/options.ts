/** Option parsers and the options shared by run, explore and compare. */
import { type Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../errors.js";
import type { RunSpec } from "../jobs/requests.js";

export function intArg(min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got "${v}"`);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got "${v}"`);
    }
    return n;
  };
}

export function secondsArg(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected seconds > 0, got "${v}"`);
  return n;
}

/** Repeatable `k=v`. */
export function collectPairs(v: string, prev: Record<string, string> = {}): Record<string, string> {
  const eq = v.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${v}"`);
  const key = v.slice(0, eq);
  if (key in prev) throw new InvalidArgumentError(`"${key}" is given twice`);
  return { ...prev, [key]: v.slice(eq + 1) };
}

export function collectList(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

export const TRACE_FORMATS = ["text", "json", "perfetto", "html"] as const;

/** --variant, --interlock, --param, --option */
export function variantOptions(cmd: Command, opts: { variant: boolean } = { variant: true }): Command {
  if (opts.variant) cmd.option("--variant <name>", "a variant of matrix.json (default SPIN+TI)");
  return cmd
    .option("--interlock <name>", "override the variant's interlock: token, spin, spin-naive, or a plugin's")
    .option("--param <key=value>", "a scenario parameter (repeatable)", collectPairs)
    .option("--option <key=value>", "a variant option, e.g. bufChecks=no-check (repeatable)", collectPairs);
}

export function traceOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--trace <format>", "record the run's trace").choices(TRACE_FORMATS))
    .option("--out <file>", "where --trace writes (- for stdout: the trace alone, the summary on stderr)");
}

export interface VariantFlags {
  variant?: string;
  interlock?: string;
  param?: Record<string, string>;
  option?: Record<string, string>;
}

export function runSpec(scenario: string, f: VariantFlags): RunSpec {
  const options = { ...(f.option ?? {}) };
  if (f.interlock !== undefined) {
    if (options["interlock"] !== undefined && options["interlock"] !== f.interlock) {
      throw new UsageError(`--interlock ${f.interlock} and --option interlock=${options["interlock"]} disagree`);
    }
    options["interlock"] = f.interlock;
  }
  return f.variant === undefined
    ? { scenario, options, params: f.param ?? {} }
    : { scenario, variant: f.variant, options, params: f.param ?? {} };
}
