/**
 * Schedules: the list of choice identities a run took, with a header saying
 * what was run and how its verdict was judged. Printed as one short, stable
 * string that is safe inside shell single quotes:
 *
 *     kprim3:<scenario>:<variant>:<options>:<params>:<run>:<choices>
 *
 * - options and params are `k=v` pairs joined by `,` (sorted by key);
 * - run holds what the verdict depends on beyond the run itself: `signal`
 *   (the target, when it is not "failure") and `maxSteps` (the step limit,
 *   when the run ended at it — a replay must stop at the same step);
 * - names and values are %-escaped: every byte outside `A-Za-z0-9._~+-@/`
 *   (`:` is `%3A`, a space `%20`, a quote `%27`), so a console text is a
 *   valid signal;
 * - choices are `formatChoice` tokens joined by `.`, a run of n equal tokens
 *   written once with `x<n>` (`0sx12`).
 *
 * A machine built by hand has no scenario name: its schedules start
 * `kprim3::` and replay through the library (`replaySchedule`).
 *
 * The format version also says which machine model recorded the choices.
 * kprim3 is today's: when an IPI or timeout handler makes a thread runnable
 * on an idle cpu, the switch to it is a dispatch choice of its own. kprim2
 * (the same fields) and kprim1 (`kprim1:<scenario>:<variant>:<options>:<params>:<choices>`,
 * no run field, no escapes) were recorded when the handler's step resumed
 * the woken thread; they are still read, with `dispatch: "same-step"` in
 * their header so that they replay under that model, and a run under that
 * model is printed as kprim2.
 */
import { type Choice, formatChoice, parseChoice } from "./choice.js";
import { ScheduleError } from "./errors.js";

export const SCHEDULE_FORMAT = "kprim3";
/** Formats `parseSchedule` reads, newest first. */
export const SCHEDULE_FORMATS: readonly string[] = ["kprim3", "kprim2", "kprim1"];
/** The format of a run under the same-step dispatch (the model kprim1 and kprim2 strings were recorded with). */
const SAME_STEP_FORMAT = "kprim2";

/**
 * How an idle cpu switches to a thread that an IPI or timeout handler made
 * runnable there: "separate" (today's model), a dispatch choice of its own,
 * before which IPIs already queued on the cpu may run; "same-step", in the
 * handler's step — the model before schedule format kprim3, kept to replay
 * kprim1 and kprim2 strings as they were recorded.
 */
export type DispatchModel = "separate" | "same-step";

export interface ScheduleHeader {
  /** "" for a machine built by hand. */
  readonly scenario: string;
  readonly variant: string;
  readonly options: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  /** The target the run was judged by (matrix.json's grammar); absent: "failure". */
  readonly signal?: string;
  /** The step limit, recorded when the run ended at it (a replay stops there too). */
  readonly maxSteps?: number;
  /**
   * The machine model the choices were recorded with; absent: "separate".
   * "same-step" for kprim1 and kprim2 strings (and printed as kprim2).
   */
  readonly dispatch?: DispatchModel;
}

export interface Schedule {
  readonly header: ScheduleHeader;
  readonly choices: readonly Choice[];
}

export function emptyHeader(): ScheduleHeader {
  return { scenario: "", variant: "", options: {}, params: {} };
}

const SAFE = /^[A-Za-z0-9._~+\-@/]$/;
const utf8 = new TextEncoder();

function escape(s: string): string {
  let out = "";
  for (const ch of s) {
    if (SAFE.test(ch)) out += ch;
    else for (const b of utf8.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function unescape(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ScheduleError(`malformed schedule: ${what}: bad %-escape`);
  }
}

function formatPairs(r: Readonly<Record<string, string>>): string {
  return Object.keys(r)
    .sort()
    .map((k) => `${escape(k)}=${escape(r[k]!)}`)
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

/** The run field's pairs: what the verdict depends on beyond the run. */
function runPairs(h: ScheduleHeader): Record<string, string> {
  return {
    ...(h.signal !== undefined && h.signal !== "failure" ? { signal: h.signal } : {}),
    ...(h.maxSteps !== undefined ? { maxSteps: String(h.maxSteps) } : {}),
  };
}

export function formatSchedule(s: Schedule): string {
  const h = s.header;
  return [
    h.dispatch === "same-step" ? SAME_STEP_FORMAT : SCHEDULE_FORMAT,
    escape(h.scenario),
    escape(h.variant),
    formatPairs(h.options),
    formatPairs(h.params),
    formatPairs(runPairs(h)),
    formatChoices(s.choices),
  ].join(":");
}

function parsePairs(s: string, what: string, escaped: boolean): Record<string, string> {
  const r: Record<string, string> = {};
  if (s === "") return r;
  for (const pair of s.split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new ScheduleError(`malformed schedule: ${what} "${pair}" is not key=value`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    r[escaped ? unescape(key, `${what} "${pair}"`) : key] = escaped ? unescape(value, `${what} "${pair}"`) : value;
  }
  return r;
}

function parseRun(s: string): Pick<ScheduleHeader, "signal" | "maxSteps"> {
  const out: { signal?: string; maxSteps?: number } = {};
  for (const [k, v] of Object.entries(parsePairs(s, "run", true))) {
    if (k === "signal") out.signal = v;
    else if (k === "maxSteps") {
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) {
        throw new ScheduleError(`malformed schedule: run "${k}=${v}": the step limit must be an integer ≥ 1`);
      }
      out.maxSteps = n;
    } else throw new ScheduleError(`malformed schedule: run "${k}=${v}": run fields are signal and maxSteps`);
  }
  return out;
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
  const format = parts[0] ?? "";
  if (!SCHEDULE_FORMATS.includes(format)) {
    throw new ScheduleError(
      parts.length > 1 && /^kprim\d+$/.test(format)
        ? `schedule format ${format} is not supported (this kprim reads ${SCHEDULE_FORMATS.slice(0, -1).join(", ")} and ${SCHEDULE_FORMATS.at(-1)})`
        : `malformed schedule: it must start with "${SCHEDULE_FORMAT}:" (or ${SCHEDULE_FORMATS.slice(1)
            .map((f) => `"${f}:"`)
            .join(", ")})`,
    );
  }
  if (format === "kprim1") {
    if (parts.length !== 6) {
      throw new ScheduleError(
        `malformed schedule: kprim1: expected 6 ':'-separated fields (format, scenario, variant, options, params, choices), got ${parts.length}`,
      );
    }
    const [, scenario, variant, options, params, body] = parts as [string, string, string, string, string, string];
    return {
      header: {
        scenario,
        variant,
        options: parsePairs(options, "option", false),
        params: parsePairs(params, "param", false),
        dispatch: "same-step",
      },
      choices: parseChoices(body),
    };
  }
  if (parts.length !== 7) {
    throw new ScheduleError(
      `malformed schedule: ${format}: expected 7 ':'-separated fields (format, scenario, variant, options, params, run, choices), got ${parts.length}`,
    );
  }
  const [, scenario, variant, options, params, run, body] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    header: {
      scenario: unescape(scenario, "scenario"),
      variant: unescape(variant, "variant"),
      options: parsePairs(options, "option", true),
      params: parsePairs(params, "param", true),
      ...parseRun(run),
      ...(format === SAME_STEP_FORMAT ? { dispatch: "same-step" as const } : {}),
    },
    choices: parseChoices(body),
  };
}

/**
 * Throws a ScheduleError naming the first header field that differs (what
 * ran: scenario, variant, options, params; not how it was judged).
 */
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
    const fa = formatPairs(a);
    const fb = formatPairs(b);
    if (fa !== fb) throw new ScheduleError(`schedule ${what} "${fb}" differ from the run's "${fa}"`);
  }
}
