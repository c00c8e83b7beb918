/**
 * A WITNESS-style lock-order graph over lock *classes*, built from the
 * "lock.acquire" / "lock.release" events (events.ts) of every execution it
 * observes. When a thread holding a lock of class A acquires one of class B,
 * the graph gets the edge A → B with its first acquisition site. A new edge
 * that closes a cycle is a lock-order reversal, reported with the site of
 * every edge on the cycle (for A → B → A, both acquisition sites) even if no
 * execution deadlocked. Acquiring a second lock of a class already held is
 * same-class nesting, reported separately. Token locks are ignored.
 *
 * It only observes: it never ends a run (its verdict depends on earlier
 * executions, so it could not be replayed from one schedule). One graph is
 * shared by all the machines of an exploration; per-run state (who holds
 * what) starts afresh with each machine.
 */
import type { Choice, Detector, MachineView, StepRecord } from "@kprim/machine";
import { LOCK_ACQUIRE, LOCK_RELEASE, LOCK_TRY_ACQUIRE } from "./events.js";

/** Where an order edge was first seen: `thread` acquired `acquired` while holding `held`. */
export interface LockSite {
  /** 1-based execution index within the exploration. */
  readonly execution: number;
  /** 1-based step of that execution. */
  readonly step: number;
  readonly thread: string;
  readonly held: string;
  readonly heldClass: string;
  readonly acquired: string;
  readonly acquiredClass: string;
  /** The schedule of that execution up to and including the step (replayable). */
  readonly choices: readonly Choice[];
}

export interface LockOrderCycle {
  /** The classes around the cycle, first repeated at the end: [A, B, A]. */
  readonly classes: readonly string[];
  /** One site per edge of the cycle, in order. */
  readonly sites: readonly LockSite[];
}

export interface SameClassNesting {
  readonly lockClass: string;
  readonly site: LockSite;
}

export interface LockOrderReport {
  /** Distinct class-order edges seen. */
  readonly edges: number;
  readonly cycles: readonly LockOrderCycle[];
  readonly sameClass: readonly SameClassNesting[];
}

interface Held {
  readonly name: string;
  readonly cls: string;
}

/** Parse an acquire event's detail: "<kind>:<class>[:<mode>]" or "<class>". */
function classOf(name: string, detail: string | undefined): { kind: string; cls: string } {
  if (detail === undefined || detail === "") return { kind: "lock", cls: name };
  const parts = detail.split(":");
  return parts.length === 1 ? { kind: "lock", cls: detail } : { kind: parts[0]!, cls: parts[1]! };
}

export class LockOrderGraph {
  readonly detector: Detector;
  private readonly edges = new Map<string, Map<string, LockSite>>();
  private readonly cycles: LockOrderCycle[] = [];
  private readonly cycleKeys = new Set<string>();
  private readonly sameClass: SameClassNesting[] = [];
  private readonly sameClassKeys = new Set<string>();
  private edgeCount = 0;
  // Per run.
  private view: MachineView | null = null;
  private execution = 0;
  private held = new Map<number, Held[]>();
  private choices: Choice[] = [];

  constructor() {
    this.detector = {
      name: "lock-order",
      onStep: (rec, view) => void this.onStep(rec, view),
      // What it adds from here on depends on the locks each thread holds.
      stateKey: (ren) =>
        Array.from(this.held)
          .filter(([, l]) => l.length !== 0)
          .map(([t, l]) => `${t < 0 ? t : ren.thread(t)}:${l.map((h) => h.name).join(",")}`)
          .sort()
          .join(" "),
    };
  }

  report(): LockOrderReport {
    return { edges: this.edgeCount, cycles: [...this.cycles], sameClass: [...this.sameClass] };
  }

  private onStep(rec: StepRecord, view: MachineView): void {
    if (view !== this.view) {
      this.view = view;
      this.execution++;
      this.held = new Map();
      this.choices = [];
    }
    this.choices.push(rec.choice);
    for (const e of rec.events) {
      if (e.kind === LOCK_ACQUIRE || e.kind === LOCK_TRY_ACQUIRE) {
        const name = e.obj ?? "?";
        const { kind, cls } = classOf(name, e.detail);
        if (kind === "token") continue;
        this.acquire(e.thread, { name, cls }, e.kind === LOCK_TRY_ACQUIRE, rec.index, view);
      } else if (e.kind === LOCK_RELEASE) {
        this.release(e.thread, e.obj ?? "?");
      }
    }
  }

  private acquire(thread: number, lock: Held, tryLock: boolean, step: number, view: MachineView): void {
    const mine = this.held.get(thread) ?? [];
    const site = (h: Held): LockSite => ({
      execution: this.execution,
      step,
      thread: thread >= 0 ? view.thread(thread).name : "interrupt",
      held: h.name,
      heldClass: h.cls,
      acquired: lock.name,
      acquiredClass: lock.cls,
      choices: this.choices.slice(),
    });
    if (!tryLock) {
      for (const h of mine) {
        if (h.cls === lock.cls) {
          if (h.name !== lock.name && !this.sameClassKeys.has(lock.cls)) {
            this.sameClassKeys.add(lock.cls);
            this.sameClass.push({ lockClass: lock.cls, site: site(h) });
          }
          continue;
        }
        this.addEdge(h.cls, lock.cls, () => site(h));
      }
    }
    mine.push(lock);
    this.held.set(thread, mine);
  }

  private release(thread: number, name: string): void {
    const drop = (list: Held[] | undefined): boolean => {
      if (list === undefined) return false;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i]!.name === name) {
          list.splice(i, 1);
          return true;
        }
      }
      return false;
    };
    if (drop(this.held.get(thread))) return;
    // Released by another thread than the one that took it (lockmgr allows that).
    for (const list of this.held.values()) if (drop(list)) return;
  }

  private addEdge(from: string, to: string, site: () => LockSite): void {
    let out = this.edges.get(from);
    if (out === undefined) {
      out = new Map();
      this.edges.set(from, out);
    }
    if (out.has(to)) return;
    const s = site();
    out.set(to, s);
    this.edgeCount++;
    const back = this.path(to, from);
    if (back === null) return;
    // from → to, then to ⇒ from: a cycle.
    const classes = [from, ...back];
    const key = canonical(classes.slice(0, -1));
    if (this.cycleKeys.has(key)) return;
    this.cycleKeys.add(key);
    const sites: LockSite[] = [];
    for (let i = 0; i + 1 < classes.length; i++) sites.push(this.edges.get(classes[i]!)!.get(classes[i + 1]!)!);
    this.cycles.push({ classes, sites });
  }

  /** A path of classes from `a` to `b` (both included), breadth first, or null. */
  private path(a: string, b: string): string[] | null {
    const prev = new Map<string, string | null>([[a, null]]);
    const queue = [a];
    for (let q = 0; q < queue.length; q++) {
      const x = queue[q]!;
      if (x === b) {
        const out: string[] = [];
        for (let y: string | null = x; y !== null; y = prev.get(y) ?? null) out.unshift(y);
        return out;
      }
      for (const y of [...(this.edges.get(x)?.keys() ?? [])].sort()) {
        if (!prev.has(y)) {
          prev.set(y, x);
          queue.push(y);
        }
      }
    }
    return null;
  }
}

/** The same cycle from any starting class gets one key. */
function canonical(cycle: readonly string[]): string {
  let best = "";
  for (let i = 0; i < cycle.length; i++) {
    const rot = [...cycle.slice(i), ...cycle.slice(0, i)].join(">");
    if (best === "" || rot < best) best = rot;
  }
  return best;
}

/** A fresh lock-order graph; give its `detector` to every machine of one exploration. */
export function lockOrder(): LockOrderGraph {
  return new LockOrderGraph();
}
