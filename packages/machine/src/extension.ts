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
}

export function defineExtension<T>(
  name: string,
  create: (m: Machine) => T,
  opts: { readonly stateKey?: (state: T) => string } = {},
): Extension<T> {
  return Object.freeze({ name, create, ...(opts.stateKey ? { stateKey: opts.stateKey } : {}) });
}
