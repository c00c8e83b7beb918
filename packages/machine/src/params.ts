/**
 * Typed scenario parameters with defaults and validation. Values may arrive
 * as strings (from the command line) and are coerced; every failure is a
 * ParamError with a one-line message naming the scenario and parameter.
 */
import { ParamError } from "./errors.js";

export interface IntParam {
  readonly type: "int";
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
}
export interface BoolParam {
  readonly type: "bool";
  readonly default: boolean;
  readonly description: string;
}
export interface EnumParam<T extends string = string> {
  readonly type: "enum";
  readonly values: readonly T[];
  readonly default: T;
  readonly description: string;
}

export type ParamSpec = IntParam | BoolParam | EnumParam;
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

export type ParamValue<S extends ParamSpec> = S extends IntParam
  ? number
  : S extends BoolParam
    ? boolean
    : S extends EnumParam<infer T>
      ? T
      : never;

export type ParamValues<S extends ParamSpecs> = { readonly [K in keyof S]: ParamValue<S[K]> };

export const param = {
  int(o: Omit<IntParam, "type">): IntParam {
    return { type: "int", ...o };
  },
  bool(o: Omit<BoolParam, "type">): BoolParam {
    return { type: "bool", ...o };
  },
  oneOf<const T extends string>(values: readonly T[], o: { default: T; description: string }): EnumParam<T> {
    return { type: "enum", values, ...o };
  },
} as const;

export function describeParam(p: ParamSpec): string {
  switch (p.type) {
    case "int":
      return `int${p.min !== undefined || p.max !== undefined ? ` ${p.min ?? "…"}..${p.max ?? "…"}` : ""}`;
    case "bool":
      return "bool";
    case "enum":
      return p.values.join("|");
  }
}

/** Validate `raw` against `specs`, filling defaults. */
export function resolveParams<S extends ParamSpecs>(
  specs: S,
  raw: Readonly<Record<string, unknown>>,
  scenario: string,
): ParamValues<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in specs)) {
      const known = Object.keys(specs);
      const near = nearest(key, known);
      throw new ParamError(
        `scenario ${scenario} has no parameter "${key}"${near ? ` (did you mean "${near}"?)` : ""}; parameters: ${known.length ? known.join(", ") : "none"}`,
      );
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const v = raw[key];
    out[key] = v === undefined ? spec.default : coerce(spec, v, key, scenario);
  }
  return out as ParamValues<S>;
}

/** Parameter values as strings, for a schedule header (only non-defaults). */
export function paramsToHeader(specs: ParamSpecs, values: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(specs).sort()) {
    const v = values[key];
    if (v !== undefined && v !== specs[key]!.default) out[key] = String(v);
  }
  return out;
}

function coerce(spec: ParamSpec, v: unknown, key: string, scenario: string): unknown {
  const where = `scenario ${scenario}: parameter "${key}"`;
  switch (spec.type) {
    case "int": {
      const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n)) throw new ParamError(`${where} must be an integer, got "${String(v)}"`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new ParamError(`${where} must be between ${spec.min ?? "-∞"} and ${spec.max ?? "∞"}, got ${n}`);
      }
      return n;
    }
    case "bool": {
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "1" || v === "yes") return true;
      if (v === "false" || v === "0" || v === "no") return false;
      throw new ParamError(`${where} must be true or false, got "${String(v)}"`);
    }
    case "enum": {
      if (typeof v === "string" && spec.values.includes(v)) return v;
      const near = typeof v === "string" ? nearest(v, spec.values) : undefined;
      throw new ParamError(
        `${where} must be one of ${spec.values.join(", ")}, got "${String(v)}"${near ? ` (did you mean "${near}"?)` : ""}`,
      );
    }
  }
}

/** The closest name by edit distance (for "did you mean"), if reasonably close. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
