/**
 * The requests one work unit's executions make about the nodes above it
 * (units.ts), kept as the engine (search.ts) makes them: in order, leaving
 * out those that would change nothing — a race with a candidate its
 * coordinator already scheduled there, nothing to add, or the same request
 * again (unless it counts a choice the preemption bound prunes).
 *
 * Calling context: the engine, one `begin` per unit it explores.
 */
import type { UnitRequest, WorkUnit } from "./units.js";

const NONE: readonly number[] = [];

export class UnitRequests {
  /** This unit's requests so far, in order (a new array per unit: it is handed back). */
  list: UnitRequest[] = [];
  private readonly sent = new Set<string>();
  private unit: WorkUnit | null = null;
  private keep = false;
  private base = 0;

  /** A unit's exploration starts (`keep`: false when nobody owns the nodes above, as in static shards). */
  begin(unit: WorkUnit | null, keep: boolean, base: number): void {
    this.list = [];
    this.sent.clear();
    this.unit = unit;
    this.keep = keep;
    this.base = base;
  }

  /** The choices known to be scheduled at node k above the unit. */
  known(k: number): readonly number[] {
    return this.unit?.known[k - this.base] ?? NONE;
  }

  emit(r: UnitRequest): void {
    if (!this.keep) return;
    const known = this.known(r.depth);
    const moot =
      r.kind === "race"
        ? r.candidates.length === 0 || r.candidates.some((c) => known.includes(c))
        : r.choices.length === 0;
    if (moot) return;
    if (r.over.length === 0) {
      // Its fields, as JSON.stringify(r) would tell them apart (cheaper: one per race at a remote node).
      const sig = r.kind === "race" ? `r${r.depth}:${r.own}:${r.candidates.join()}` : `a${r.depth}:${r.choices.join()}`;
      if (this.sent.has(sig)) return;
      this.sent.add(sig);
    }
    this.list.push(r);
  }
}
