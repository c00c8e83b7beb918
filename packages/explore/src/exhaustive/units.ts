/**
 * Work units: the exhaustive search cut into subtrees that can be explored
 * apart — by another thread, another process, another machine — and put back
 * together into the result of one search (Simsa, Bryant & Gibson, "Scalable
 * Dynamic Partial Order Reduction", RV 2012).
 *
 * A unit is the subtree below a schedule prefix (`path`), with the DPOR
 * state that belongs to it: the sleep set of the node where its last choice
 * is taken and the choices explored there before it (whose footprints put
 * them to sleep below). Exploring a unit is deterministic: the same unit gives
 * the same executions, whoever explores it, whenever.
 *
 * What a unit's executions find out about the nodes above it (its
 * ancestors, owned by whoever coordinates the search) comes back as
 * requests, in the order the search made them: a race to reverse there
 * (`race`: its candidate initials, the racing step's own choice) or choices
 * to schedule there (`add`: a step that disabled them, an unfair cycle
 * through them). The coordinator applies them to its copy of the node
 * exactly as the one-process search would (`applyRequest`), in the search's
 * depth-first order, so a distributed search schedules the same choices.
 *
 * A unit stopped before its end (its time slice ran out) hands back its
 * frontier: every node from its root down to where it stopped, with the
 * choices still to explore there; each becomes a unit of its own.
 *
 * Everything here is plain data (numbers and arrays): it crosses threads and
 * processes as JSON.
 */
import type { Choice } from "@kprim/machine";
import type { Footprint } from "./stepLog.js";
import type { Node } from "./types.js";

/** A footprint as plain data. */
export interface FootprintData {
  readonly choice: number;
  readonly rmw: number;
  readonly rmwCell: number;
  readonly cpu: number;
  readonly sends: number;
  readonly reads: readonly number[];
  readonly writes: readonly number[];
  readonly universal: boolean;
}

/** The subtree of the search below `path`. */
export interface WorkUnit {
  /**
   * Where the unit sits in the search tree: for each node from the search's
   * root (after its own prefix) to the unit's root, the index of the choice
   * taken in that node's list of choices to explore. Units compare in the
   * search's depth-first order by their keys (`compareKeys`).
   */
  readonly key: readonly number[];
  /** Every choice from the start of a run to the unit's root, the search's own prefix included. */
  readonly path: readonly number[];
  /** DPOR: the sleep set of the node where the path's last choice is taken. */
  readonly sleep: readonly FootprintData[];
  /** DPOR: the choices explored at that node before the path's last one, in order, with their footprints where known. */
  readonly before: readonly { readonly choice: number; readonly footprint: FootprintData | null }[];
  /**
   * Choices known to be scheduled at each node from the search's root to the
   * unit's root (a request about one of them changes nothing and is not sent).
   */
  readonly known: readonly (readonly number[])[];
}

/** What a unit's executions ask of a node above it (`depth`: the node's step index). */
export type UnitRequest =
  | {
      readonly kind: "race";
      readonly depth: number;
      /** The candidate initials, in order (choices enabled at that node). */
      readonly candidates: readonly number[];
      /** Those over the preemption bound there. */
      readonly over: readonly number[];
      /** The racing step's own choice (preferred when it is a candidate), or −1. */
      readonly own: number;
    }
  | {
      readonly kind: "add";
      readonly depth: number;
      /** Choices to schedule there unless scheduled or asleep. */
      readonly choices: readonly number[];
      readonly over: readonly number[];
    };

/** A node a unit stopped inside, with what is left to explore there. */
export interface FrontierNode {
  /** The node's step index (its path is the slice's `path` up to it). */
  readonly depth: number;
  readonly sleep: readonly FootprintData[];
  /** The node's choices to explore, in order. */
  readonly backtrack: readonly number[];
  /** Entries [0, started) have been explored, or are under way in the nodes below; the rest are not. */
  readonly started: number;
  /** The footprints of entries [0, started). */
  readonly footprints: readonly FootprintData[];
}

/** How a unit's slice ended. */
export type SliceEnd = "done" | "yield" | "found" | "cap" | "stop";

/** What exploring a unit (for one slice) gives back, besides the executions' tally. */
export interface UnitOutcome {
  readonly end: SliceEnd;
  /** Requests about the nodes above the unit, in the order the search made them. */
  readonly requests: readonly UnitRequest[];
  /** The footprint of the unit's root step (null for a unit at the search's root). */
  readonly rootFootprint: FootprintData | null;
  /** The path down to the deepest frontier node (its choices), and the frontier; empty when the subtree is done. */
  readonly path: readonly number[];
  readonly frontier: readonly FrontierNode[];
}

export function footprintData(f: Footprint): FootprintData {
  return {
    choice: f.choice,
    rmw: f.rmw,
    rmwCell: f.rmwCell,
    cpu: f.cpu,
    sends: f.sends,
    reads: [...f.reads],
    writes: [...f.writes],
    universal: f.universal,
  };
}

export function footprintOf(d: FootprintData): Footprint {
  return {
    choice: d.choice as Choice,
    rmw: d.rmw,
    rmwCell: d.rmwCell,
    cpu: d.cpu,
    sends: d.sends,
    reads: d.reads.slice(),
    writes: d.writes.slice(),
    universal: d.universal,
  };
}

/** Depth-first order of positions in the search tree (a node comes before the subtrees below it). */
export function compareKeys(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** What a coordinator keeps of a node above the units: what is scheduled there, and what is asleep. */
export interface OwnedNode {
  readonly backtrack: number[];
  readonly asleep: ReadonlySet<number>;
}

/**
 * Apply a request to a node as the one-process search applies the same
 * decision to its own node: a race is reversed with one of its candidates
 * unless one is already scheduled; `add` schedules each choice that is not
 * scheduled or asleep. Returns the choices it scheduled and how many it could
 * not for the preemption bound.
 */
export function applyRequest(node: OwnedNode, r: UnitRequest): { added: number[]; pruned: number } {
  const over = (c: number): boolean => r.over.includes(c);
  if (r.kind === "add") {
    const added: number[] = [];
    let pruned = 0;
    for (const c of r.choices) {
      if (node.backtrack.includes(c) || node.asleep.has(c)) continue;
      if (over(c)) pruned++;
      else {
        node.backtrack.push(c);
        added.push(c);
      }
    }
    return { added, pruned };
  }
  let pick = -1;
  let overBound = false;
  for (const c of r.candidates) {
    if (node.backtrack.includes(c)) return { added: [], pruned: 0 };
    if ((pick < 0 || c === r.own) && !node.asleep.has(c)) {
      if (over(c)) overBound = true;
      else pick = c;
    }
  }
  if (pick >= 0) {
    node.backtrack.push(pick);
    return { added: [pick], pruned: 0 };
  }
  return { added: [], pruned: overBound ? 1 : 0 };
}

/**
 * The nodes from the unit's root down to the deepest one, with what is left
 * to explore at each, right after the search backtracked: the deepest node
 * has just taken a choice it has not explored; every node above it is
 * exploring its taken choice in the nodes below.
 */
export function exportFrontier(
  stack: readonly Node[],
  fixed: number,
  footprint: ((k: number) => Footprint) | null,
): FrontierNode[] {
  const out: FrontierNode[] = [];
  const deepest = stack.length - 1;
  for (let k = fixed; k <= deepest; k++) {
    const node = stack[k]!;
    // DPOR: every scheduled choice is enabled and awake when scheduled, and is explored in turn (naive DFS needs none).
    const fps = footprint === null ? [] : node.done.slice();
    if (footprint !== null && fps.length !== node.next - 1) {
      throw new Error(`internal: node ${k} explored ${fps.length} of ${node.next - 1}`);
    }
    if (footprint !== null && k < deepest) fps.push(footprint(k));
    out.push({
      depth: k,
      sleep: node.sleep.map(footprintData),
      backtrack: node.backtrack.slice(),
      started: k < deepest ? node.next : node.next - 1,
      footprints: fps.map(footprintData),
    });
  }
  return out;
}

/** A split's leaf: the current path as a unit (its root node's sleep set and the choices explored there before). */
export function leafUnit(stack: readonly Node[], base: number, fixed: number): WorkUnit {
  const k = stack.length;
  const node = k > fixed ? stack[k - 1]! : null;
  return {
    key: stack.slice(base, k).map((n) => n.next - 1),
    path: stack.map((n) => n.taken),
    sleep: node ? node.sleep.map(footprintData) : [],
    before: node
      ? node.backtrack.slice(0, node.next - 1).map((c, i) => ({ choice: c, footprint: footprintData(node.done[i]!) }))
      : [],
    known: [],
  };
}
