/**
 * What a run has beyond its variant and options, named in its schedule
 * header so that a replay runs the same code and judges it the same way:
 *
 * - `layer.<kind>=<layer name>`: a layer a plugin put in place of the
 *   default (spinlock, token, sleepq or buf);
 * - `detector.<name>=<plugin>`: a detector a plugin installs on every
 *   machine (a replay without it could not show its violation, one with an
 *   extra detector could end earlier).
 *
 * A fresh run names what it has itself; a replay (`replay: true`) must find
 * exactly what the header names, or it is a one-line ParamError saying which
 * plugin to load or leave out.
 */
import { type Detector, ParamError } from "@kprim/machine";
import type { KernelOverrides } from "./kernel.js";

/** The layers a plugin may replace. */
export const LAYER_KINDS = ["spinlock", "token", "sleepq", "buf"] as const;
export const LAYER_OPTION = "layer.";
export const DETECTOR_OPTION = "detector.";

/** A detector installed on every machine of a run beside the scenario's (a plugin's). */
export interface ExtraDetector {
  /** The name it is registered under. */
  readonly name: string;
  /** Who provides it (a plugin's name), for headers and messages. */
  readonly provider: string;
  /** A fresh detector for one machine. */
  readonly make: () => Detector;
}

/** Header-safe: a name as it goes into a header (the sanitising of the first format, kept for old schedules). */
const safe = (name: string): string => name.replace(/[:,=\s]/g, "_");

/** The header options naming what `kernel` replaces and which `detectors` are installed. */
export function extraOptions(kernel: KernelOverrides, detectors: readonly ExtraDetector[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kind of LAYER_KINDS) {
    const layer = kernel[kind];
    if (layer !== undefined) out[`${LAYER_OPTION}${kind}`] = safe(layer.name);
  }
  for (const d of detectors) out[`${DETECTOR_OPTION}${safe(d.name)}`] = safe(d.provider);
  return out;
}

export function isExtraOption(key: string): boolean {
  return key.startsWith(LAYER_OPTION) || key.startsWith(DETECTOR_OPTION);
}

/**
 * Options given as `layer.<kind>=…` or `detector.<name>=…` (a schedule
 * header's) must name what is in place: a schedule recorded with a plugin's
 * layer or detector replays only with that plugin loaded, and one recorded
 * without only without it.
 */
export function checkExtras(
  given: Readonly<Record<string, string>>,
  inPlace: Readonly<Record<string, string>>,
  replay: boolean,
): void {
  for (const key of Object.keys(given)) {
    if (key.startsWith(LAYER_OPTION) && !(LAYER_KINDS as readonly string[]).includes(key.slice(LAYER_OPTION.length))) {
      throw new ParamError(`option ${key}: layers are ${LAYER_KINDS.join(", ")}`);
    }
  }
  const keys = new Set([...Object.keys(given), ...Object.keys(inPlace)].filter(isExtraOption));
  for (const key of [...keys].sort()) {
    const want = given[key];
    const have = inPlace[key];
    // A fresh run names its extras itself; a replay must find the ones it ran with.
    if (want === have || (want === undefined && !replay)) continue;
    throw new ParamError(
      key.startsWith(LAYER_OPTION) ? layerMessage(key, want, have) : detectorMessage(key, want, have),
    );
  }
}

function layerMessage(key: string, want: string | undefined, have: string | undefined): string {
  const kind = key.slice(LAYER_OPTION.length);
  return want === undefined
    ? `the schedule ran with the built-in ${kind} layer, but a plugin replaces it with "${have}": replay it without that plugin`
    : have === undefined
      ? `option ${key}=${want}: no plugin loaded replaces the ${kind} layer (load the one that provides "${want}" with --plugin or kprim.config.mjs)`
      : `option ${key}=${want}: the ${kind} layer in place is "${have}"`;
}

function detectorMessage(key: string, want: string | undefined, have: string | undefined): string {
  const name = key.slice(DETECTOR_OPTION.length);
  return want === undefined
    ? `the schedule ran without detector "${name}", which plugin "${have}" installs: replay it without that plugin`
    : have === undefined
      ? `the schedule ran with detector "${name}" of plugin "${want}": load that plugin (--plugin or kprim.config.mjs) to replay it`
      : `option ${key}=${want}: detector "${name}" in place comes from plugin "${have}"`;
}
