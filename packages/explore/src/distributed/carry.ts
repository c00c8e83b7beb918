/**
 * Work first: a worker goes on with the units its own requests create, in
 * the job's slice, instead of sending each back through the queue.
 *
 * Why: once a DPOR search is cut, its requests (races found below a unit
 * that ask for a choice at a node above it) are applied by the coordinator
 * in the search's depth-first order, and the unit a request creates is the
 * one explored next. On many programs that makes a chain — each unit found
 * by the previous one's requests — and every link costs a round trip
 * through the queue, longer than exploring the link. Here the worker
 * applies its requests to its own copy of the nodes above its unit, exactly
 * as the coordinator will (`applyRequest`), and when the search's next unit
 * in depth-first order is one those requests created, it explores that unit
 * itself; and so on, while no other worker calls for work (`idleSplit`),
 * the slice lasts, and the budget is not reached (as work stealing runs
 * the work it spawns first, and hands work out only when asked).
 *
 * Why it is the same search: the coordinator marks a job for carrying only
 * when its unit is the earliest open one. Then every request before it has
 * been applied, and until its result is back no other request reaches the
 * nodes above it (requests are applied in the search's order, and nothing
 * before it is open): the worker's copy of those nodes is the coordinator's
 * as it will be when the unit's requests are applied. A unit those requests
 * create that is next in the search's order is then the earliest open one in
 * turn, and so on down the chain. The coordinator still decides: it puts each
 * carried unit where its own bookkeeping creates the same unit (same key, path
 * and choices before it), and drops any it would not have created (none do;
 * the tests count them). A worker killed mid-chain posted nothing, so its job
 * is explored again from its unit by whoever takes it, chain and all.
 *
 * A job may hold several units (UnitTree's `gather`): the earliest open one
 * and the units after it that were waiting. The worker goes down them in
 * the search's order, and through the units their requests create: after
 * each unit, the search's next one is either created by this chain's
 * requests, or the job's own next unit, and then the copy still holds
 * everything before it — or it is neither (another job's), and the chain
 * ends there; the job's remaining units are explored as plain units.
 *
 * Ahead of the search (UnitTree's `ahead`, off by default), a job is carried
 * on from while an earlier unit is still out: the worker's copy may then miss
 * choices that unit's requests schedule first, and a carried unit may not be
 * the one the search makes there. Nothing changes on this side; the
 * coordinator's check above keeps the result exact, and a unit it drops was
 * explored in vain (it counts them: `droppedUnits`, `droppedRuns`).
 *
 * Plain data, no clock: what is carried depends on the job and on where the
 * slice or a call for work cut it, never on anything else.
 */
import { applyRequest, type FootprintData, type WorkUnit } from "../exhaustive/units.js";
import type { Carry, CarryNode, UnitSlice } from "./jobs.js";

interface ChainNode {
  /** The choices from the start of a run to this node. */
  readonly path: readonly number[];
  readonly sleep: readonly FootprintData[];
  readonly asleep: ReadonlySet<number>;
  readonly backtrack: number[];
  readonly fps: (FootprintData | null)[];
  /** Indices of choices scheduled here by this chain's requests (only those are carried: nobody else has them). */
  readonly added: Set<number>;
}

/** The worker's copy of the nodes above the unit it explores, and the unit the search explores next. */
export class Chain {
  private readonly nodes: ChainNode[];

  /** `base`: the search's own prefix length (node j of the key sits at path length base + j). */
  constructor(
    private readonly base: number,
    unit: WorkUnit,
    carry: Carry,
  ) {
    if (carry.nodes.length !== unit.key.length || unit.known.length !== unit.key.length) {
      throw new Error("internal: a carried unit's nodes do not match its key");
    }
    this.nodes = carry.nodes.map((n, j) => ({
      path: unit.path.slice(0, base + j),
      sleep: n.sleep,
      asleep: new Set(n.sleep.map((f) => f.choice)),
      backtrack: [...unit.known[j]!],
      fps: [...n.fps],
      added: new Set<number>(),
    }));
  }

  /**
   * The last unit explored to its end: apply its requests, and give the unit
   * the search explores next if these requests created it; "upcoming" if the
   * next one is `upcoming`, the job's own next unit (gathered: see below);
   * null if it is the coordinator's — another job's, or none.
   */
  next(s: UnitSlice, upcoming?: WorkUnit): WorkUnit | "upcoming" | null {
    const key = s.unit.key;
    if (s.outcome.end !== "done" || key.length === 0 || key.length !== this.nodes.length) return null;
    this.apply(s);
    // The next unit in depth-first order: the next choice at the deepest node that has one.
    for (let j = key.length - 1; j >= 0; j--) {
      const node = this.nodes[j]!;
      const i = key[j]! + 1;
      if (i >= node.backtrack.length) continue;
      if (!node.added.has(i)) {
        // Scheduled by the coordinator: the job's own next unit (gathered with this one), or another job's.
        if (upcoming === undefined || !sameKey(upcoming.key, key, j, i)) return null;
        if (upcoming.path.at(-1) !== node.backtrack[i]) throw new Error("internal: a gathered unit's choice differs");
        this.nodes.length = j + 1;
        return "upcoming";
      }
      this.nodes.length = j + 1;
      return {
        key: [...key.slice(0, j), i],
        path: [...node.path, node.backtrack[i]!],
        sleep: node.sleep,
        before: node.backtrack.slice(0, i).map((choice, x) => ({ choice, footprint: node.fps[x] ?? null })),
        known: this.nodes.map((n) => n.backtrack.slice()),
      };
    }
    return null;
  }

  /** A slice's root footprint and requests, applied to this copy as the coordinator applies them. */
  private apply(s: UnitSlice): void {
    const key = s.unit.key;
    const root = this.nodes[key.length - 1]!;
    if (s.outcome.rootFootprint !== null) root.fps[key.at(-1)!] ??= s.outcome.rootFootprint;
    for (const r of s.outcome.requests) {
      const node = this.nodes[r.depth - this.base];
      if (node === undefined) throw new Error(`internal: a request about step ${r.depth}, not above the unit`);
      for (const c of applyRequest(node, r).added) {
        const i = node.backtrack.lastIndexOf(c);
        node.fps[i] = null;
        node.added.add(i);
      }
    }
  }

  /**
   * Give and go on (keep.ts): the nodes above the units a cut job keeps, as
   * the coordinator will hold them — this copy, with the cut unit's requests
   * applied (`cut`: the last slice, cut inside its unit; null: cut between
   * units, the unit in hand next) — for the continuation to carry on from
   * (its first unit is then the earliest open one). Null when this copy is
   * not at the unit.
   */
  handOver(cut: UnitSlice | null, inHand: readonly number[]): CarryNode[] | null {
    const key = cut?.unit.key ?? inHand;
    if (key.length === 0 || key.length !== this.nodes.length) return null;
    if (cut !== null) this.apply(cut);
    return this.nodes.map((n) => ({ sleep: n.sleep, fps: n.fps.slice() }));
  }

  /** The choices scheduled at each node of this copy (what a unit below knows of them). */
  known(): number[][] {
    return this.nodes.map((n) => n.backtrack.slice());
  }
}

/** Is `k` the key [...key[0, j), i]? */
function sameKey(k: readonly number[], key: readonly number[], j: number, i: number): boolean {
  if (k.length !== j + 1 || k[j] !== i) return false;
  for (let x = 0; x < j; x++) if (k[x] !== key[x]) return false;
  return true;
}
