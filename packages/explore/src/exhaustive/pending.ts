/**
 * What the machine has pending, read from its read-only state: the op a
 * thread will perform next (a spin-until's watch set, a commutative RMW's
 * kind and cell), each cpu's current thread, and every choice still pending
 * when an execution ends — each thread's pending op, each interrupt thread's
 * arrival or preemption, each armed timeout, the head of each non-empty IPI
 * FIFO, an idle cpu's dispatch retry — with the footprint it declares.
 */
import { type Choice, ChoiceKind, type Machine, type MachineView, makeChoice, type Thread } from "@kprim/machine";

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

export interface Pending {
  readonly choice: Choice;
  readonly thread: number;
  readonly reads: readonly number[];
  readonly writes: readonly number[];
}

const ids = (cells: readonly { readonly id: number }[] | undefined): number[] => (cells ?? []).map((c) => c.id);

/**
 * Every choice still pending when an execution ends, with the footprint it
 * declares: each thread's pending op (a spinner whose test is false, a thread
 * parked by a preemptor, a step cut off by a panic); each interrupt thread's
 * arrival or preemption; each armed timeout; the head of each non-empty IPI
 * FIFO; an idle cpu's dispatch retry. They are what a run that ended here
 * did not do (Flanagan & Godefroid's "next transition of every process"),
 * read from the machine's read-only state.
 */
export function pendingChoices(m: Machine): Pending[] {
  const out: Pending[] = [];
  const mplock = m.mplock.id;
  for (const t of m.threads) {
    const fp = pendingFootprint(t, mplock);
    if (fp !== null) out.push({ choice: makeChoice(t.cpu, ChoiceKind.step), thread: t.id, ...fp });
  }
  for (const cpu of m.cpus) {
    for (const it of cpu.ithreads) {
      if (it.state === "armed" || it.state === "runnable") {
        out.push({
          choice: makeChoice(cpu.index, ChoiceKind.interrupt, it.id),
          thread: -1,
          reads: [mplock],
          writes: it.irq !== null && it.state === "armed" ? [it.irq.id] : [],
        });
      }
    }
    for (const t of cpu.timed) {
      const fp = t.wait?.timeout?.fp;
      out.push({
        choice: makeChoice(cpu.index, ChoiceKind.timeout, t.id),
        thread: -1,
        reads: ids(fp?.reads),
        writes: ids(fp?.writes),
      });
    }
    cpu.incoming.forEach((q, from) => {
      const head = q[0];
      if (head === undefined) return;
      const fifo = cpu.fifoCells[from];
      out.push({
        choice: makeChoice(cpu.index, ChoiceKind.ipi, from),
        thread: -1,
        reads: ids(head.fp?.reads),
        writes: [...(fifo ? [fifo.id] : []), ...ids(head.fp?.writes)],
      });
    });
    if (cpu.current === null && cpu.dispatchWaiting) {
      out.push({
        choice: makeChoice(cpu.index, ChoiceKind.dispatch),
        thread: -1,
        reads: ids(cpu.dispatchCells),
        writes: [],
      });
    }
  }
  return out;
}

/**
 * The footprint a thread's pending op declares (cell ids), or null when it
 * has none pending (done, asleep, not started).
 */
function pendingFootprint(
  t: Readonly<Thread>,
  mplock: number,
): { reads: readonly number[]; writes: readonly number[] } | null {
  const o = t.op;
  if (t.state === "done" || o === null) return null;
  if ("cell" in o) return o.op === "load" ? { reads: [o.cell.id], writes: [] } : { reads: [], writes: [o.cell.id] };
  switch (o.op) {
    case "atomic": {
      // A footprint computed when the step runs: evaluated here, at the final state, where the virtual step would run.
      const fp = typeof o.fp === "function" ? o.fp() : o.fp;
      return { reads: ids(fp.reads), writes: ids(fp.writes) };
    }
    case "spin":
      return { reads: o.watch.map((c) => c.id), writes: [] };
    case "mp-lock":
    case "mp-unlock":
      return { reads: [], writes: [mplock] };
    case "yield":
    case "ipi-point":
    case "nop":
      return { reads: [], writes: [] };
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
