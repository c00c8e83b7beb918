/**
 * What the machine has pending, read from its read-only state: the op a
 * thread will perform next (a spin-until's watch set, a commutative RMW's
 * kind and cell), each cpu's current thread, and every choice still pending
 * when an execution ends — each thread's pending op, each interrupt thread's
 * arrival or preemption, each armed timeout, the head of each non-empty IPI
 * FIFO, an idle cpu's dispatch retry — with the footprint it declares.
 */
import { ChoiceKind, type Machine, type MachineView, makeChoice, type Op, type Thread } from "@kprim/machine";
import type { StepLog } from "./stepLog.js";

/** The watch set (cell ids) of a thread's pending spin-until op, or null. */
export function spinWatch(t: Readonly<Thread> | null | undefined): number[] | null {
  const o = t?.op;
  return o !== null && o !== undefined && o.op === "spin" ? o.watch.map((c) => c.id) : null;
}

const RMW_KIND = { add: 1, or: 2, and: 3 } as const;

/** The kind and cell of a thread's pending result-less add/or/and, or null. */
export function rmwOf(t: Readonly<Thread>): { kind: number; cell: number } | null {
  const o = t.op;
  if (o === null || (o.op !== "add" && o.op !== "or" && o.op !== "and")) return null;
  return { kind: RMW_KIND[o.op], cell: o.cell.id };
}

/**
 * Log every choice still pending when an execution ends as a virtual step
 * of `log`, with the footprint it declares: each thread's pending op (a
 * spinner whose test is false, a thread parked by a preemptor, a step cut
 * off by a panic); each interrupt thread's arrival or preemption; each armed
 * timeout; the head of each non-empty IPI FIFO; an idle cpu's dispatch
 * retry. They are what a run that ended here did not do (Flanagan &
 * Godefroid's "next transition of every process"), read from the machine's
 * read-only state. `commutative`: a thread's pending result-less add/or/and
 * is logged as such. Nothing is allocated per choice (it runs after every
 * execution).
 */
export function logPending(m: Machine, log: StepLog, commutative: boolean): void {
  const mplock = m.mplock.id;
  for (const t of m.threads) {
    if (t.state === "done" || t.op === null) continue;
    const r = commutative ? rmwOf(t) : null;
    log.openVirtual(makeChoice(t.cpu, ChoiceKind.step), t.id, r?.kind ?? 0, r?.cell ?? -1);
    logOpFootprint(t.op, mplock, log);
    log.closeVirtual();
  }
  for (const cpu of m.cpus) {
    for (const it of cpu.ithreads) {
      if (it.state === "armed" || it.state === "runnable") {
        log.openVirtual(makeChoice(cpu.index, ChoiceKind.interrupt, it.id), -1, 0, -1);
        log.virtualRead(mplock);
        log.endVirtualReads();
        if (it.irq !== null && it.state === "armed") log.virtualWrite(it.irq.id);
        log.closeVirtual();
      }
    }
    for (const t of cpu.timed) {
      const fp = t.wait?.timeout?.fp;
      log.openVirtual(makeChoice(cpu.index, ChoiceKind.timeout, t.id), -1, 0, -1);
      if (fp?.reads) for (const c of fp.reads) log.virtualRead(c.id);
      log.endVirtualReads();
      if (fp?.writes) for (const c of fp.writes) log.virtualWrite(c.id);
      log.closeVirtual();
    }
    for (let from = 0; from < cpu.incoming.length; from++) {
      const head = cpu.incoming[from]?.[0];
      if (head === undefined) continue;
      log.openVirtual(makeChoice(cpu.index, ChoiceKind.ipi, from), -1, 0, -1);
      if (head.fp?.reads) for (const c of head.fp.reads) log.virtualRead(c.id);
      log.endVirtualReads();
      const fifo = cpu.fifoCells[from];
      if (fifo) log.virtualWrite(fifo.id);
      if (head.fp?.writes) for (const c of head.fp.writes) log.virtualWrite(c.id);
      log.closeVirtual();
    }
    if (cpu.current === null && cpu.dispatchWaiting) {
      log.openVirtual(makeChoice(cpu.index, ChoiceKind.dispatch), -1, 0, -1);
      for (const c of cpu.dispatchCells) log.virtualRead(c.id);
      log.endVirtualReads();
      log.closeVirtual();
    }
  }
}

/** Log the footprint a thread's pending op declares (cell ids): its reads, then its writes. */
function logOpFootprint(o: Op, mplock: number, log: StepLog): void {
  if ("cell" in o) {
    if (o.op === "load") log.virtualRead(o.cell.id);
    log.endVirtualReads();
    if (o.op !== "load") log.virtualWrite(o.cell.id);
    return;
  }
  switch (o.op) {
    case "atomic": {
      // A footprint computed when the step runs: evaluated here, at the final state, where the virtual step would run.
      const fp = typeof o.fp === "function" ? o.fp() : o.fp;
      if (fp.reads) for (const c of fp.reads) log.virtualRead(c.id);
      log.endVirtualReads();
      if (fp.writes) for (const c of fp.writes) log.virtualWrite(c.id);
      return;
    }
    case "spin":
      for (const c of o.watch) log.virtualRead(c.id);
      log.endVirtualReads();
      return;
    case "mp-lock":
    case "mp-unlock":
      log.endVirtualReads();
      log.virtualWrite(mplock);
      return;
    case "yield":
    case "ipi-point":
    case "nop":
      log.endVirtualReads();
      return;
    default: {
      const never: never = o;
      return never;
    }
  }
}

/** Each cpu's current thread id (−1: idle), written into `out` (one entry per cpu). */
export function curInto(view: MachineView, out: Int32Array): void {
  for (let c = 0; c < view.ncpus; c++) out[c] = view.cpus[c]!.current?.id ?? -1;
}
