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
 * States are numbered densely from 0 as they are stored, so what is kept
 * per state is kept in arrays indexed by its number, not in maps.
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
  /** By state number: the step of the node on the current path that stored it, or -1 (not on the path). */
  private onPath = new Int32Array(1024).fill(-1);
  /** Sleep sets, by state number: each stored state's choices that were asleep at its every visit so far (undefined: none). */
  private readonly sleeps: (Choice[] | undefined)[] = [];
  /** The number of the state visited last (the node made for it keeps it as its key). */
  pending = -1;
  /** The choices to explore from the state visited last when it was met again with them awake (null: as usual). */
  private awake: Choice[] | null = null;

  /**
   * A new node at step k of `path` (as `visit`): what cuts the execution
   * there — "merged", a state explored before; "cycle", one of the path's,
   * unless nothing else was ever enabled since (a livelock no scheduler can
   * avoid: it runs on to the step limit) — or null.
   */
  cut(
    m: Machine,
    k: number,
    enabled: readonly Choice[],
    asleep: readonly Footprint[] | null,
    path: readonly Node[],
  ): "merged" | "cycle" | null {
    const j = this.visit(m, k, enabled, asleep);
    if (j === SEEN) return "merged";
    if (j >= 0) for (let i = j; i < k; i++) if (path[i]!.enabled.length > 1) return "cycle";
    return null;
  }

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
    if (this.visited.size !== before) {
      // A new state: numbered `before`, the next index of the per-state arrays.
      if (key >= this.onPath.length) this.growPath(key);
      this.onPath[key] = k;
      this.sleeps.push(asleep === null || asleep.length === 0 ? undefined : asleep.map((f) => f.choice));
      return NEW;
    }
    const j = this.onPath[key]!;
    const z = asleep === null ? undefined : this.sleeps[key];
    // Arrays are made only when a choice is newly awake (rare): not one per visit.
    if (z !== undefined && anyAwake(z, asleep!, enabled)) {
      const awake = z.filter((c) => !isAsleep(asleep!, c) && enabled.includes(c));
      const both = z.filter((c) => isAsleep(asleep!, c));
      this.sleeps[key] = both.length === 0 ? undefined : both;
      this.awake = awake;
      return AWAKE;
    }
    return j < 0 ? SEEN : j;
  }

  private growPath(key: number): void {
    let n = this.onPath.length * 2;
    while (n <= key) n *= 2;
    const a = new Int32Array(n).fill(-1);
    a.set(this.onPath);
    this.onPath = a;
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
    const path = this.onPath;
    for (let i = k + 1; i < stack.length; i++) {
      const key = stack[i]!.key;
      if (key >= 0 && path[key] === i) path[key] = -1;
    }
    // The state visited last, if no node was made for it (every choice asleep: cut), leaves too.
    if (this.pending >= 0 && path[this.pending] === stack.length) path[this.pending] = -1;
  }
}

/** Is `c` in the sleep set `asleep`? */
function isAsleep(asleep: readonly Footprint[], c: Choice): boolean {
  for (let i = 0; i < asleep.length; i++) if (asleep[i]!.choice === c) return true;
  return false;
}

/** Is a choice of the stored sleep set `z` awake now (not in `asleep`) and enabled? */
function anyAwake(z: readonly Choice[], asleep: readonly Footprint[], enabled: readonly Choice[]): boolean {
  for (let i = 0; i < z.length; i++) if (!isAsleep(asleep, z[i]!) && enabled.includes(z[i]!)) return true;
  return false;
}

/** Sleep sets in stateful search unless the option says otherwise: on, but KPRIM_SLEEP_SETS=0 turns them off (to measure them); read where there is a process. */
export function sleepSetsDefault(): boolean {
  return !(typeof process !== "undefined" && process.env["KPRIM_SLEEP_SETS"] === "0");
}
