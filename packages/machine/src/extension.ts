/**
 * Per-machine layer state. A layer keeps its registries (sleep hash, token
 * request queues, ...) in an extension created once per machine, never in a
 * module-level singleton: each run owns its world.
 */
import type { Machine } from "./machine.js";

export interface Extension<T> {
  readonly name: string;
  readonly create: (m: Machine) => T;
}

export function defineExtension<T>(name: string, create: (m: Machine) => T): Extension<T> {
  return Object.freeze({ name, create });
}
