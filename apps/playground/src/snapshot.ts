/**
 * The machine's state at a step, as plain data for the state panel: each
 * cpu's current thread, its critical-section depth, run queue and incoming
 * IPI queues; each thread's state, what it waits on and the locks it holds
 * (spinlocks, tokens, lockmgr locks, the MP lock — from the trace's lock
 * events so far); the lockmgr lock words, the sleep queues with their
 * cpumask bits and the tokens' owner cpus (the layers' read-only
 * descriptions). Reads the paused machine through its view; changes nothing.
 */
import { type LockDescription, describeLocks } from "@kprim/lockmgr";
import type { MachineView, TraceEvent } from "@kprim/machine";
import { describeSleepQueues, type SleepBucketDescription } from "@kprim/sleepq";
import { describeTokens, type TokenDescription } from "@kprim/token";
import { lockHolds } from "@kprim/trace";

export interface CpuSnapshot {
  readonly cpu: number;
  /** The current thread's name (null: idle). */
  readonly current: string | null;
  /** The current thread's critical-section depth. */
  readonly crit: number;
  /** Interrupt nesting level (above zero only inside an IPI or timeout handler). */
  readonly intr: number;
  /** Runnable threads, highest priority first. */
  readonly runq: readonly string[];
  /** IPIs queued for this cpu, per sending cpu, oldest first. */
  readonly ipis: readonly { readonly from: number; readonly labels: readonly string[] }[];
  /** Queued IPIs wait: the current thread is in a critical section. */
  readonly ipisHeld: boolean;
}

export interface HeldLock {
  /** "spin", "token", "lockmgr", "mplock", or the class a layer gave. */
  readonly kind: string;
  readonly lock: string;
  readonly mode: string | undefined;
}

export interface ThreadSnapshot {
  readonly id: number;
  readonly name: string;
  readonly cpu: number;
  readonly kind: string;
  readonly state: string;
  readonly crit: number;
  /** td_spinlocks. */
  readonly spinlocks: number;
  /** What a blocked thread waits on (null otherwise). */
  readonly wait: string | null;
  readonly holds: readonly HeldLock[];
}

export interface StateSnapshot {
  readonly step: number;
  readonly cpus: readonly CpuSnapshot[];
  readonly threads: readonly ThreadSnapshot[];
  /** Who holds the MP lock ("cpu1"), or null. */
  readonly mplock: string | null;
  readonly locks: readonly LockDescription[];
  readonly sleep: readonly SleepBucketDescription[];
  readonly tokens: readonly TokenDescription[];
}

/** `events`: the trace up to this step (lock holds are read from its lock events). */
export function snapshot(view: MachineView, events: readonly TraceEvent[]): StateSnapshot {
  const names = new Map(view.threads.map((t) => [t.id, t.name]));
  const name = (id: number): string => names.get(id) ?? `thread${id}`;
  const open = lockHolds(events, name).filter((h) => h.to < 0);
  const kindOf = (from: number): string => {
    const e = events[from]!;
    if (e.kind === "mp-acquire") return "mplock";
    const detail = e.detail ?? "";
    const colon = detail.indexOf(":");
    return colon > 0 ? detail.slice(0, colon) : "lock";
  };
  const cpus: CpuSnapshot[] = view.cpus.map((c) => {
    const runq: string[] = [];
    for (let p = c.runq.length - 1; p >= 0; p--) for (const t of c.runq[p]!) runq.push(t.name);
    const ipis = c.incoming
      .map((q, from) => ({ from, labels: q.map((m) => m.label) }))
      .filter((q) => q.labels.length > 0);
    const crit = c.current?.crit ?? 0;
    return {
      cpu: c.index,
      current: c.current?.name ?? null,
      crit,
      intr: c.intrLevel,
      runq,
      ipis,
      ipisHeld: ipis.length > 0 && crit > 0,
    };
  });
  const threads: ThreadSnapshot[] = view.threads.map((t) => ({
    id: t.id,
    name: t.name,
    cpu: t.cpu,
    kind: t.kind,
    state: t.state,
    crit: t.crit,
    spinlocks: t.spinlocks,
    wait: t.wait?.waitsOn ?? null,
    holds: open
      .filter((h) => h.holder === t.name && kindOf(h.from) !== "mplock")
      .map((h) => ({ kind: kindOf(h.from), lock: h.lock, mode: h.mode })),
  }));
  const mp = open.find((h) => kindOf(h.from) === "mplock");
  return {
    step: view.step,
    cpus,
    threads,
    mplock: mp?.holder ?? null,
    locks: describeLocks(view),
    sleep: describeSleepQueues(view),
    tokens: describeTokens(view),
  };
}
