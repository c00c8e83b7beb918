/**
 * Stateful search's store (search.ts, option `stateful`, naive DFS only):
 * every state explored from, and the states of the current path.
 *
 * Every state's fingerprint (machine `fingerprint()`: cells, scheduling,
 * each thread's history of resume values, extensions, detector states —
 * comparable across executions) is stored exactly, as the vector of its
 * parts' numbers interned in the search's tables (machine `stateId`, SPIN's
 * collapse compression): two states are one only when their fingerprints
 * are equal, never by a hash collision. An execution that reaches a stored
 * state is cut ("merged"), since everything from there on was or is being
 * explored from the first visit. Every reachable state is still visited and
 * every choice enabled in it taken once, so every reachable final state and
 * failure is still found — but each only once: console lines printed on a
 * path that merges are not seen (stateful search refuses console targets).
 * A state met again on the current path is cut unless nothing else was
 * ever enabled on the way (run on to the step limit). With `symmetry`,
 * threads the factory declared interchangeable (`machine.symmetric`) are
 * renamed to a canonical order before a state is keyed, so a state and its
 * mirror images are explored once.
 *
 * Sleep sets with state storage (Godefroid's state-caching form; on by
 * default, option `sleepSets: false` or env KPRIM_SLEEP_SETS=0 turns them
 * off): a node's sleep set holds the choices explored from an ancestor's
 * earlier branches that every step since was independent of (step log
 * footprints, as DPOR's); they are not taken again from it, since their
 * successors were reached along the other order. A state is stored with its
 * sleep set; met again with a smaller one, the choices asleep then but awake
 * now are explored from here, and the stored set becomes the choices asleep
 * both times. Fewer executions per state, the same states: two steps the
 * footprints call independent reach one fingerprint in either order (what
 * a history records of shared layer objects, token reference numbers and
 * lockmgr-state's pending checks were made order-free for it; scenarios'
 * commuting-steps test), and on every catalogue scenario under every
 * variant the search stores the states and reaches the verdicts it does
 * without them (stateful-search test). Not under symmetry: a stored sleep
 * set names the choices of one image of the state, a mirror image others.
 *
 * Calling context: the engine's strategy at each new node (`check`), the
 * engine when it backtracks (`leave`). Invariants: a state on the path is
 * stored; `onPath` maps a state to the step of the node that stored it.
 */
import type { Choice, Machine } from "@kprim/machine";
import { stateId, VectorTable } from "@kprim/machine/internal";
import type { Footprint } from "./stepLog.js";
import type { Node } from "./types.js";

/** `visit`: the state was explored before (not on the current path). */
export const SEEN = -2;
/** `visit`: a state never met, now stored. */
export const NEW = -1;
/** `visit`: met again with choices awake that were asleep before. */
export const AWAKE = -3;

export class StateStore {
  private readonly visited = new VectorTable();
  private readonly onPath = new Map<number, number>();
  /** Sleep sets: each stored state's choices that were asleep at its every visit so far (when not none). */
  private readonly sleeps = new Map<number, Choice[]>();
  /** The number of the state visited last (the node made for it keeps it as its key). */
  pending = -1;
  /** The choices to explore from the state visited last when it was met again with them awake (null: as usual). */
  private awake: Choice[] | null = null;

  /** Distinct states stored. */
  get size(): number {
    return this.visited.size;
  }

  /**
   * A new node at step k, its state that of `m`, reached with the sleep set
   * `asleep` (null: no sleep sets): NEW (stored, on the path at k; explore
   * it), SEEN (explored before: cut), the step where the current path met
   * it (a cycle), or AWAKE: met again with choices asleep when it was stored
   * that are awake now — the node explores those alone (`takeAwake`), and
   * the stored sleep set becomes the choices asleep both times.
   */
  visit(m: Machine, k: number, enabled: readonly Choice[], asleep: readonly Footprint[] | null): number {
    const before = this.visited.size;
    const key = stateId(m, this.visited);
    this.pending = key;
    this.awake = null;
    const now = asleep === null ? [] : asleep.map((f) => f.choice);
    const j = this.onPath.get(key);
    if (j === undefined && this.visited.size !== before) {
      this.onPath.set(key, k);
      if (now.length > 0) this.sleeps.set(key, now);
      return NEW;
    }
    const z = asleep === null ? undefined : this.sleeps.get(key);
    if (z !== undefined) {
      const awake = z.filter((c) => !now.includes(c) && enabled.includes(c));
      if (awake.length > 0) {
        const both = z.filter((c) => now.includes(c));
        if (both.length === 0) this.sleeps.delete(key);
        else this.sleeps.set(key, both);
        this.awake = awake;
        return AWAKE;
      }
    }
    return j ?? SEEN;
  }

  /** The choices the node being made explores alone (see `visit`), or null; once. */
  takeAwake(): Choice[] | null {
    const a = this.awake;
    this.awake = null;
    return a;
  }

  /** A new execution. */
  reset(): void {
    this.pending = -1;
    this.awake = null;
  }

  /** The search backtracked to node k: the deeper nodes leave the path (only the node that stored a key takes it off — a forced cycle meets the same key again). */
  leave(stack: readonly Node[], k: number): void {
    for (let i = k + 1; i < stack.length; i++)
      if (this.onPath.get(stack[i]!.key) === i) this.onPath.delete(stack[i]!.key);
    // The state visited last, if no node was made for it (every choice asleep: cut), leaves too.
    if (this.pending >= 0 && this.onPath.get(this.pending) === stack.length) this.onPath.delete(this.pending);
  }
}

/** Sleep sets in stateful search unless the option says otherwise: on, but KPRIM_SLEEP_SETS=0 turns them off (to measure them); read where there is a process. */
export function sleepSetsDefault(): boolean {
  return !(typeof process !== "undefined" && process.env["KPRIM_SLEEP_SETS"] === "0");
}
