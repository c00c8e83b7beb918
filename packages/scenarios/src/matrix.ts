/**
 * The acceptance oracle (spec/matrix.json, copied verbatim from the shared
 * spec): each spec scenario × variant → the expected verdict and the signal
 * that counts as "found". Scenarios declare the spec id they implement and
 * never restate expectations of their own.
 */
import raw from "./matrix.json" with { type: "json" };
import { SPEC_IDS, type SpecId } from "./specIds.js";

export type InterlockName = string;
export type TokenMode = "yield" | "spin2005";
export type Outer = "mplock" | "none";
export type LockmgrSemantics = "2005" | "2008";

/** A variant: the layer choices a matrix row runs under. */
export interface VariantOptions {
  readonly interlock: InterlockName;
  readonly tokenMode: TokenMode;
  /** Applies to buffer-cache paths only. */
  readonly outer: Outer;
  readonly lockmgr: LockmgrSemantics;
}

export type Expectation = "found" | "not-found";

export interface MatrixRow {
  readonly id: SpecId;
  readonly variant: string;
  /** Extra options on top of the variant (e.g. bufChecks=no-check). */
  readonly options: Readonly<Record<string, string>>;
  readonly expect: Expectation;
  /** In matrix.json's grammar: console:<text>, panic[:<text>], violation:<detector>, failure, any. */
  readonly signal: string;
  readonly note?: string;
}

export interface Matrix {
  readonly version: number;
  readonly variants: Readonly<Record<string, VariantOptions>>;
  readonly rows: readonly MatrixRow[];
}

function fail(msg: string): never {
  throw new Error(`matrix.json: ${msg}`);
}

function parseMatrix(m: unknown): Matrix {
  if (typeof m !== "object" || m === null) fail("not an object");
  const o = m as Record<string, unknown>;
  if (o["version"] !== 1) fail(`unsupported version ${String(o["version"])}`);
  const variants: Record<string, VariantOptions> = {};
  for (const [name, v] of Object.entries((o["variants"] ?? {}) as Record<string, Record<string, unknown>>)) {
    const tokenMode = v["tokenMode"];
    const outer = v["outer"];
    const lockmgr = v["lockmgr"];
    if (typeof v["interlock"] !== "string") fail(`variant ${name}: interlock`);
    if (tokenMode !== "yield" && tokenMode !== "spin2005") fail(`variant ${name}: tokenMode`);
    if (outer !== "mplock" && outer !== "none") fail(`variant ${name}: outer`);
    if (lockmgr !== "2005" && lockmgr !== "2008") fail(`variant ${name}: lockmgr`);
    variants[name] = Object.freeze({ interlock: v["interlock"], tokenMode, outer, lockmgr });
  }
  const rows: MatrixRow[] = [];
  for (const [i, r] of ((o["rows"] ?? []) as Record<string, unknown>[]).entries()) {
    const id = r["id"] as SpecId;
    if (!SPEC_IDS.includes(id)) fail(`row ${i}: unknown spec id ${String(r["id"])}`);
    const variant = r["variant"];
    if (typeof variant !== "string" || !(variant in variants)) fail(`row ${i}: unknown variant ${String(variant)}`);
    const expect = r["expect"];
    if (expect !== "found" && expect !== "not-found") fail(`row ${i}: expect`);
    const signal = r["signal"];
    if (typeof signal !== "string") fail(`row ${i}: signal`);
    const options = (r["options"] ?? {}) as Record<string, string>;
    rows.push(
      Object.freeze({
        id,
        variant,
        options: Object.freeze({ ...options }),
        expect,
        signal,
        ...(typeof r["note"] === "string" ? { note: r["note"] } : {}),
      }),
    );
  }
  return Object.freeze({ version: 1, variants: Object.freeze(variants), rows: Object.freeze(rows) });
}

/** The oracle. */
export const matrix: Matrix = parseMatrix(raw);

export const VARIANT_NAMES: readonly string[] = Object.keys(matrix.variants);

/** The options of a named variant (an unknown name throws with the known ones). */
export function variantOptions(name: string): VariantOptions {
  const v = matrix.variants[name];
  if (v === undefined) throw new Error(`unknown variant "${name}"; variants: ${VARIANT_NAMES.join(", ")}`);
  return v;
}
