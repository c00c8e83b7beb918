/**
 * Per-machine layer state. A layer keeps its registries (sleep hash, token
 * request queues, ...) in an extension created once per machine, never in a
 * module-level singleton: each run owns its world.
 */
import type { Machine } from "./machine.js";

export interface Extension<T> {
  readonly name: string;
  readonly create: (m: Machine) => T;
  /**
   * Stateful search: the state's key, for a layer that knows which of its
   * fields change (default: every field, by content; see states/fingerprint.ts).
   * What it leaves out must never change after set-up, or live in cells.
   */
  readonly stateKey?: (state: T) => string;
  /**
   * Stateful search: a change stamp for `stateKey` — equal stamps promise
   * an equal key, so a state vector keeps the key's number without asking
   * for the key again (states/vector.ts). It must move whenever anything
   * the key is written from changes (a number never returned before, such
   * as a counter's next value that no restore puts back — or the number
   * the state had when it was last exactly as it is now, as a restore may
   * put back). Needs `stateKey`; without a stamp the key is asked for at
   * every state.
   */
  readonly stateStamp?: (state: T) => number;
}

export function defineExtension<T>(
  name: string,
  create: (m: Machine) => T,
  opts: { readonly stateKey?: (state: T) => string; readonly stateStamp?: (state: T) => number } = {},
): Extension<T> {
  return Object.freeze({
    name,
    create,
    ...(opts.stateKey ? { stateKey: opts.stateKey } : {}),
    ...(opts.stateKey && opts.stateStamp ? { stateStamp: opts.stateStamp } : {}),
  });
}
