/**
 * The records of the exhaustive search's path, by depth, reused by every
 * execution with their arrays and the footprints of the choices explored
 * there. Made per node, they lived as long as their subtree's search: they
 * survived young-generation collections, and a search that allocates fast
 * and keeps objects that long has V8 grow its young generation (P5, the RSS
 * of a long DPOR run).
 *
 * Invariants: while node k is on the path, the engine's stack[k] is this
 * pool's record k. A footprint of record k's own (`doneAt`) is referenced
 * only by record k's `done` and the sleep sets of the records below it,
 * which are all off the path before record k is set up again: reusing it
 * then changes nothing the search still reads. Arrays are emptied by pops
 * (`clear`): `length = 0` gives up an array's storage in V8, and the next
 * push allocates another.
 *
 * Calling context: the engine (search.ts), between and during executions.
 */
import type { Choice, MachineView } from "@kprim/machine";
import { curInto } from "./pending.js";
import type { Footprint, StepLog } from "./stepLog.js";
import type { Node } from "./types.js";

const EMPTY_CUR = new Int32Array(0);

/** A node record and the footprints it owns (its `done` entries, filled in order). */
interface PoolNode extends Node {
  readonly own: Footprint[];
}

export class NodePool {
  private readonly nodes: PoolNode[] = [];

  /** Record k (made on first use; its contents are those of its last use). */
  at(k: number): Node {
    let n = this.nodes[k];
    if (n === undefined) {
      n = {
        enabled: [],
        pre: 0,
        backtrack: [],
        next: 1,
        taken: 0 as Choice,
        done: [],
        sleep: [],
        cur: EMPTY_CUR,
        key: -1,
        own: [],
      };
      this.nodes[k] = n;
    }
    return n;
  }

  /**
   * Record k set up for a new node: `enabled` and each cpu's current thread
   * copied in, `taken` scheduled, nothing done; its sleep set is left as it
   * is (the engine fills it).
   */
  fresh(k: number, enabled: readonly Choice[], view: MachineView, pre: number, taken: Choice): Node {
    const n = this.at(k);
    clear(n.enabled);
    for (let i = 0; i < enabled.length; i++) n.enabled.push(enabled[i]!);
    n.pre = pre;
    clear(n.backtrack);
    n.backtrack.push(taken);
    n.next = 1;
    n.taken = taken;
    clear(n.done);
    if (n.cur.length !== view.ncpus) n.cur = new Int32Array(view.ncpus);
    curInto(view, n.cur);
    n.key = -1;
    return n;
  }

  /** Record k set up again as a fixed node of the path it is on (its choice taken, nothing else to explore). */
  refix(k: number): void {
    const n = this.nodes[k]!;
    clear(n.backtrack);
    n.backtrack.push(n.taken);
    n.next = 1;
    clear(n.done);
    clear(n.sleep);
    n.key = -1;
  }

  /** Add the footprint of logged step k (the choice record k took) to record k's `done`, in a footprint it owns. */
  pushDone(k: number, log: StepLog): void {
    const n = this.nodes[k]!;
    const i = n.done.length;
    const f = n.own[i] ?? log.footprint(k);
    if (n.own[i] === undefined) n.own[i] = f;
    else log.footprintInto(k, f);
    n.done.push(f);
  }
}

/** Empty a reused array and keep its storage. */
export function clear<T>(a: T[]): void {
  while (a.length > 0) a.pop();
}
