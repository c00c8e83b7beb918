/**
 * The behaviour-relevant fields of a thread and of a cpu: the one list both
 * state encoders write — the cycle keys of one execution (`stateKey.ts`) and
 * the fingerprints compared across executions (`fingerprint.ts`). A field
 * that can change what a run does from here on belongs here; clocks, cost
 * counters, step numbers and trace bookkeeping do not (`runqGrew` and
 * `dispatchStep` only matter within the step that sets them).
 *
 * An encoder says how the parts are written: thread and cpu numbers (renamed
 * under symmetry), where a thread is in its code (its history of resume
 * values, or its loop shape), a wait, a value, thread-locals, a cell
 * reference, a queued IPI message.
 */
import type { Cell } from "../cell.js";
import type { Cpu, IpiMessage } from "../cpu.js";
import type { Thread, ThreadState, WaitInfo } from "../thread.js";

export interface FieldEncoder {
  thread(id: number): string | number;
  /** A cpu number (negative: none). */
  cpu(index: number): string | number;
  /** Where the thread is in its code. */
  code(t: Thread): string | number;
  wait(w: WaitInfo): string;
  value(v: unknown): string;
  locals(t: Thread): string;
  cell(c: Cell<unknown>): string;
  message(m: IpiMessage): string;
}

/** A thread: its number, state, code position, counts, preemptor chain, spin and drain state, wait, resume value, locals. */
export function writeThread(t: Thread, e: FieldEncoder): string {
  const w = t.wait;
  return [
    e.thread(t.id),
    t.state,
    e.code(t),
    t.crit,
    t.spinlocks,
    t.mpcount,
    t.preempted === null ? -1 : e.thread(t.preempted.id),
    t.spinning ? 1 : 0,
    e.cpu(t.drainTarget),
    t.fresh ? 1 : 0,
    w === null ? "-" : e.wait(w),
    e.value(t.resumeValue),
    e.locals(t),
  ].join(";");
}

/**
 * A thread state as a number, for the two encoders that write a thread as
 * numbers (cycleKey.ts, vector.ts). By comparisons: a keyed load from a
 * table, with a different name each time, measured 14 ns a call against
 * 2–7 for this (a micro-benchmark over mixed states).
 */
export function stateNumber(s: ThreadState): number {
  switch (s) {
    case "dormant":
      return 0;
    case "armed":
      return 1;
    case "runnable":
      return 2;
    case "running":
      return 3;
    case "blocked":
      return 4;
    case "preempted":
      return 5;
    case "done":
      return 6;
  }
}

/**
 * `writeThread`'s plain fields as numbers, in its order — counts,
 * preemptor, spin and drain state, fresh — for the two encoders that write
 * a thread as numbers (cycleKey.ts, vector.ts; threads by id, no renaming).
 */
export function pushThreadFields(t: Thread, out: { push(x: number): void }): void {
  out.push(t.crit);
  out.push(t.spinlocks);
  out.push(t.mpcount);
  out.push(t.preempted === null ? -1 : t.preempted.id);
  out.push(t.spinning ? 1 : 0);
  out.push(t.drainTarget);
  out.push(t.fresh ? 1 : 0);
}

/** How `pushCpuFields`' caller numbers a queued IPI message and a cell reference. */
export interface CpuNumbering {
  messageNumber(m: IpiMessage): number;
  cellNumber(c: Cell<unknown>): number;
}

/**
 * `writeCpu`'s fields as numbers, for the two encoders that write a cpu as
 * numbers (cycleKey.ts, vector.ts; threads by id, no renaming): current
 * thread, each run queue in use with its length, per sending cpu its owed
 * count and FIFO (a message as `e`'s number, times two, plus its "seen
 * first" mark), owed preemption, interrupt nesting, sleepers with a
 * timeout, idle-dispatch state, watched cells (`e`'s numbers), spinners
 * woken by IPIs — each list with its length first.
 */
export function pushCpuFields(c: Cpu, e: CpuNumbering, out: { push(x: number): void }): void {
  out.push(c.current === null ? -1 : c.current.id);
  const mask = c.runqMask;
  out.push(mask);
  if (mask !== 0) {
    for (let p = 0; p < c.runq.length; p++) {
      if ((mask & (1 << p)) === 0) continue;
      const q = c.runq[p]!;
      out.push(q.length);
      for (let j = 0; j < q.length; j++) out.push(q[j]!.id);
    }
  }
  const drm = c.dispatchReadyMsg;
  const ready = c.dispatchReady;
  for (let p = 0; p < c.incoming.length; p++) {
    out.push(c.owed[p]!);
    const q = c.incoming[p]!;
    out.push(q.length);
    for (let j = 0; j < q.length; j++) {
      const m = q[j]!;
      out.push(e.messageNumber(m) * 2 + (ready && m.id < drm ? 1 : 0));
    }
  }
  out.push(c.intrOwed ? 1 : 0);
  out.push(c.intrLevel);
  out.push(c.timed.length);
  for (let j = 0; j < c.timed.length; j++) out.push(c.timed[j]!.id);
  out.push(c.dispatchWaiting ? 1 : 0);
  out.push(ready ? (c.dispatchOwed ? 2 : 1) : 0);
  out.push(c.dispatchCells.length);
  for (let j = 0; j < c.dispatchCells.length; j++) out.push(e.cellNumber(c.dispatchCells[j]!));
  out.push(c.ipiWatchers.length);
  for (let j = 0; j < c.ipiWatchers.length; j++) out.push(c.ipiWatchers[j]!.id);
}

/**
 * A cpu's scheduling state: current thread, run queues, queued IPI messages
 * (an "o" marks one sent before the change an idle cpu waits for, which it
 * sees first), owed IPIs, owed preemption, interrupt nesting, sleepers with
 * a timeout, idle-dispatch state, spinners woken by IPIs. `from` maps a
 * position to the cpu whose FIFO is written there (null: as is).
 */
export function writeCpu(c: Cpu, e: FieldEncoder, from: readonly number[] | null): string {
  const drm = c.dispatchReadyMsg;
  let runq = "";
  for (let p = 0; p < c.runq.length; p++) {
    if ((c.runqMask & (1 << p)) !== 0) runq += `${p}:${c.runq[p]!.map((t) => e.thread(t.id)).join(",")}|`;
  }
  const n = c.incoming.length;
  let incoming = "";
  let owed = "";
  for (let p = 0; p < n; p++) {
    const s = from === null ? p : from[p]!;
    owed += `${c.owed[s]},`;
    const q = c.incoming[s]!;
    if (q.length === 0) continue;
    incoming += `${from === null ? e.cpu(s) : p}:${q.map((m) => `${e.message(m)}${c.dispatchReady && m.id < drm ? "o" : ""}`).join(",")}|`;
  }
  return [
    c.current === null ? -1 : e.thread(c.current.id),
    runq,
    incoming,
    owed,
    c.intrOwed ? 1 : 0,
    c.intrLevel,
    c.timed.map((t) => e.thread(t.id)).join(","),
    c.dispatchWaiting ? 1 : 0,
    c.dispatchReady ? (c.dispatchOwed ? 2 : 1) : 0,
    c.dispatchCells.map((x) => e.cell(x)).join(","),
    c.ipiWatchers.map((t) => e.thread(t.id)).join(","),
  ].join(";");
}
