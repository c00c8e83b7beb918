/**
 * What the page's address carries, in its fragment (`#…`, never sent to a
 * server): the scenario, variant, options and parameters, the schedule
 * being stepped (a schedule string of @kprim/machine's `formatSchedule`,
 * whose header names the run it belongs to and wins over the other fields),
 * the step to show, the signal and the tab. So a teacher can paste a link
 * that opens a counterexample at its decisive step.
 *
 *     #scenario=lockmgr-lost-wakeup&variant=SPIN-naive&p.sleepers=2&o.wakeup=multicast
 *     &schedule=kprim3:…&at=12&signal=violation:lost-wakeup&tab=step
 */

export type Tab = "step" | "explore" | "compare";

export const TABS: readonly Tab[] = ["step", "explore", "compare"];

export interface UrlState {
  readonly scenario?: string;
  readonly variant?: string;
  /** Variant options (`o.<key>`). */
  readonly options: Readonly<Record<string, string>>;
  /** Scenario parameters (`p.<key>`). */
  readonly params: Readonly<Record<string, string>>;
  /** A schedule string (its header says what ran). */
  readonly schedule?: string;
  /** The step to show (0 = before the first). */
  readonly at?: number;
  readonly signal?: string;
  readonly tab?: Tab;
}

/** Read the fragment (with or without its `#`); unknown keys are ignored, a malformed `at` or tab dropped. */
export function parseHash(hash: string): UrlState {
  const q = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  const options: Record<string, string> = {};
  const params: Record<string, string> = {};
  let out: {
    scenario?: string;
    variant?: string;
    schedule?: string;
    at?: number;
    signal?: string;
    tab?: Tab;
  } = {};
  for (const [k, v] of q) {
    if (k.startsWith("o.") && k.length > 2) options[k.slice(2)] = v;
    else if (k.startsWith("p.") && k.length > 2) params[k.slice(2)] = v;
    else if (k === "scenario" || k === "variant" || k === "schedule" || k === "signal") {
      if (v !== "") out = { ...out, [k]: v };
    } else if (k === "at") {
      const n = Number(v);
      if (v !== "" && Number.isSafeInteger(n) && n >= 0) out = { ...out, at: n };
    } else if (k === "tab" && (TABS as readonly string[]).includes(v)) out = { ...out, tab: v as Tab };
  }
  return { ...out, options, params };
}

/** The fragment for `s` (with its `#`), keys in a fixed order. */
export function formatHash(s: UrlState): string {
  const q = new URLSearchParams();
  if (s.scenario !== undefined) q.set("scenario", s.scenario);
  if (s.variant !== undefined) q.set("variant", s.variant);
  for (const k of Object.keys(s.options).sort()) q.set(`o.${k}`, s.options[k]!);
  for (const k of Object.keys(s.params).sort()) q.set(`p.${k}`, s.params[k]!);
  if (s.signal !== undefined) q.set("signal", s.signal);
  if (s.schedule !== undefined) q.set("schedule", s.schedule);
  if (s.at !== undefined) q.set("at", String(s.at));
  if (s.tab !== undefined) q.set("tab", s.tab);
  // Schedules are full of ':' ',' '=' '.': keep the ones a fragment allows readable.
  return `#${q.toString().replace(/%3A/g, ":").replace(/%2C/g, ",")}`;
}
