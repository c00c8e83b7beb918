/**
 * Schedules: the list of choice identities a run took, with a header saying
 * what was run. Printed as one short, stable, shell-safe string:
 *
 *     kprim1:<scenario>:<variant>:<options>:<params>:<choices>
 *
 * options and params are `k=v` pairs joined by `,` (sorted by key); choices
 * are `formatChoice` tokens joined by `.`, a run of n equal tokens written
 * once with `x<n>` (`0sx12`).
 */
import { type Choice, formatChoice, parseChoice } from "./choice.js";
import { ScheduleError } from "./errors.js";

export const SCHEDULE_FORMAT = "kprim1";

export interface ScheduleHeader {
  readonly scenario: string;
  readonly variant: string;
  readonly options: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
}

export interface Schedule {
  readonly header: ScheduleHeader;
  readonly choices: readonly Choice[];
}

export function emptyHeader(): ScheduleHeader {
  return { scenario: "", variant: "", options: {}, params: {} };
}

const FORBIDDEN = /[:,=\s]/;

function formatPairs(r: Readonly<Record<string, string>>, what: string): string {
  return Object.keys(r)
    .sort()
    .map((k) => {
      const v = r[k]!;
      if (FORBIDDEN.test(k) || FORBIDDEN.test(v)) {
        throw new ScheduleError(`${what} ${k}=${v}: keys and values may not contain ':', ',', '=' or spaces`);
      }
      return `${k}=${v}`;
    })
    .join(",");
}

export function formatChoices(choices: readonly Choice[]): string {
  const out: string[] = [];
  for (let i = 0; i < choices.length;) {
    let j = i + 1;
    while (j < choices.length && choices[j] === choices[i]) j++;
    const tok = formatChoice(choices[i]!);
    out.push(j - i > 1 ? `${tok}x${j - i}` : tok);
    i = j;
  }
  return out.join(".");
}

export function formatSchedule(s: Schedule): string {
  const h = s.header;
  for (const [what, v] of [
    ["scenario", h.scenario],
    ["variant", h.variant],
  ] as const) {
    if (FORBIDDEN.test(v)) throw new ScheduleError(`${what} name "${v}" cannot go in a schedule string`);
  }
  return [
    SCHEDULE_FORMAT,
    h.scenario,
    h.variant,
    formatPairs(h.options, "option"),
    formatPairs(h.params, "param"),
    formatChoices(s.choices),
  ].join(":");
}

function parsePairs(s: string, what: string): Record<string, string> {
  const r: Record<string, string> = {};
  if (s === "") return r;
  for (const pair of s.split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new ScheduleError(`malformed schedule: ${what} "${pair}" is not key=value`);
    r[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return r;
}

export function parseChoices(body: string): Choice[] {
  const choices: Choice[] = [];
  if (body === "") return choices;
  const toks = body.split(".");
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    const m = /^([^x]+)(?:x(\d+))?$/.exec(tok);
    const c = m ? parseChoice(m[1]!) : undefined;
    const n = m?.[2] !== undefined ? Number(m[2]) : 1;
    if (c === undefined || !Number.isSafeInteger(n) || n < 1) {
      throw new ScheduleError(
        `malformed schedule: choice ${i + 1} "${tok}" is not a choice (e.g. 0s, 1i0, 0p3, 0t2, 1d, 0sx4)`,
      );
    }
    for (let k = 0; k < n; k++) choices.push(c);
  }
  return choices;
}

export function parseSchedule(text: string): Schedule {
  const parts = text.trim().split(":");
  if (parts[0] !== SCHEDULE_FORMAT) {
    throw new ScheduleError(
      parts.length > 1 && /^kprim\d+$/.test(parts[0] ?? "")
        ? `schedule format ${parts[0]} is not supported (this kprim reads ${SCHEDULE_FORMAT})`
        : `malformed schedule: it must start with "${SCHEDULE_FORMAT}:"`,
    );
  }
  if (parts.length !== 6) {
    throw new ScheduleError(
      `malformed schedule: expected 6 ':'-separated fields (format, scenario, variant, options, params, choices), got ${parts.length}`,
    );
  }
  const [, scenario, variant, options, params, body] = parts as [string, string, string, string, string, string];
  if (scenario === "") throw new ScheduleError("malformed schedule: no scenario name");
  return {
    header: { scenario, variant, options: parsePairs(options, "option"), params: parsePairs(params, "param") },
    choices: parseChoices(body),
  };
}

/** Throws a ScheduleError naming the first header field that differs. */
export function checkHeader(expected: ScheduleHeader, got: ScheduleHeader): void {
  if (got.scenario !== expected.scenario) {
    throw new ScheduleError(`schedule is for scenario "${got.scenario}", not "${expected.scenario}"`);
  }
  if (got.variant !== expected.variant) {
    throw new ScheduleError(`schedule is for variant "${got.variant}", not "${expected.variant}"`);
  }
  for (const [what, a, b] of [
    ["options", expected.options, got.options],
    ["params", expected.params, got.params],
  ] as const) {
    const fa = formatPairs(a, what);
    const fb = formatPairs(b, what);
    if (fa !== fb) throw new ScheduleError(`schedule ${what} "${fb}" differ from the run's "${fa}"`);
  }
}
