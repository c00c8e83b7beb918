/**
 * Which variant options a scenario's runs depend on, by the layers it uses
 * (catalogue entries declare `dependsOn` with these). A layer's option
 * matters to every scenario that uses the layer, directly or through
 * another: lockmgr's interlock may be the token one, so tokenMode matters
 * wherever the interlock does. A buffer-cache scenario uses every layer and
 * declares nothing (all options).
 */
import { isExtraOption } from "./extras.js";
import type { Prepared } from "./runner.js";

/** Scenarios on LWKT tokens: their contention and what a release does with queued requests. */
export const TOKEN_OPTIONS: readonly string[] = ["tokenMode", "tokenRelease"];
/** Scenarios on spinlocks: the contended wait. */
export const SPINLOCK_OPTIONS: readonly string[] = ["spinWait"];
/** Scenarios on the sleep queues (and the spinlocks they sleep with). */
export const SLEEPQ_OPTIONS: readonly string[] = ["wakeup", ...SPINLOCK_OPTIONS];
/** Scenarios on lockmgr's interlock alone (a token interlock brings tokens, a spin one spinlocks, its sleep the sleep queues). */
export const INTERLOCK_OPTIONS: readonly string[] = ["interlock", ...TOKEN_OPTIONS, ...SLEEPQ_OPTIONS];
/** Scenarios on lockmgr locks: the interlock's options, the state machine, where the closing wakeups go. */
export const LOCKMGR_OPTIONS: readonly string[] = [...INTERLOCK_OPTIONS, "lockmgr", "lockmgrWakeups"];

/** The options a matrix variant sets. */
export const VARIANT_OPTION_KEYS: readonly string[] = ["interlock", "tokenMode", "outer", "lockmgr"];

/** Does the prepared run depend on option `key`? (A scenario that declares nothing depends on every option.) */
export function dependsOn(p: Prepared, key: string): boolean {
  const d = p.scenario.dependsOn;
  return d === undefined || d.includes(key);
}

/** The run's options it depends on, with their values (the variant's, then the overrides). */
export function relevantOptions(p: Prepared): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.options)) if (dependsOn(p, k)) out[k] = v;
  return out;
}

/** Two prepared runs of one scenario that differ only in options it does not depend on run alike. */
export function runKey(p: Prepared): string {
  const r = relevantOptions(p);
  const opts = Object.keys(r)
    .sort()
    .map((k) => `${k}=${r[k]}`)
    .join(",");
  const extras = Object.entries(p.header.options).filter(([k]) => isExtraOption(k));
  return `${p.scenario.name} ${opts} ${JSON.stringify(p.header.params)} ${JSON.stringify(extras)}`;
}
