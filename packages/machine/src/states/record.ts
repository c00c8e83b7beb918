/**
 * The record's cpus and threads saved field by field and put back: the one
 * routine both restored states (snapshot.ts) and resets to the set-up state
 * (reset.ts) use. Cells go back through their undo log (undo.ts);
 * thread-locals by content into the same objects (contents.ts).
 *
 * Calling context: between steps, on the machine the save was taken of.
 */
import type { Cell } from "../cell.js";
import type { Counters } from "../cost.js";
import { type Cpu, type IpiMessage, NO_MESSAGES, NO_THREADS } from "../cpu.js";
import type { Op } from "../ops.js";
import type { Thread, ThreadState, TimeoutSpec, WaitInfo } from "../thread.js";
import { applyLocals, type LocalsSave, sameLocals, saveLocals } from "./contents.js";

export interface CpuSave {
  current: Thread | null;
  /** The run queues in use (not the shared empty one): priorities, the queues, their contents. */
  runqAt: number[];
  runq: Thread[][];
  runqData: Thread[][];
  runqMask: number;
  incoming: IpiMessage[][];
  incomingData: (IpiMessage[] | null)[];
  inbox: number;
  owed: Int32Array;
  owedTotal: number;
  intrOwed: boolean;
  clock: number;
  intrLevel: number;
  timed: Thread[];
  dispatchWaiting: boolean;
  dispatchReady: boolean;
  dispatchOwed: boolean;
  moreChoices: boolean;
  dispatchReadyAt: number;
  dispatchReadyMsg: number;
  dispatchCells: Cell<unknown>[];
  ipiWatchers: Thread[];
  counters: Counters;
  fifoCells: (Cell<number> | undefined)[];
  runqGrew: boolean;
  dispatchStep: number;
}

export interface ThreadSave {
  state: ThreadState;
  op: Op | null;
  resumeValue: unknown;
  fresh: boolean;
  crit: number;
  spinlocks: number;
  mpcount: number;
  preempted: Thread | null;
  wait: WaitInfo | null;
  waitTimeout: TimeoutSpec | null;
  spinning: boolean;
  spinSince: number;
  spinReadyAt: number;
  wakeFlow: number;
  drainTarget: number;
  performed: number;
  hist: number;
  localsAtSuspend: string;
  callMark: number;
  loop: number;
  locals: LocalsSave;
  /** Resumptions logged so far: where the thread's generator is. */
  resumes: number;
}

export function saveCpu(c: Cpu): CpuSave {
  return {
    current: c.current,
    ...saveRunq(c.runq),
    runqMask: c.runqMask,
    incoming: c.incoming.slice(),
    incomingData: c.incoming.map((q) => (q === NO_MESSAGES ? null : q.slice())),
    inbox: c.inbox,
    owed: c.owed.slice(),
    owedTotal: c.owedTotal,
    intrOwed: c.intrOwed,
    clock: c.clock,
    intrLevel: c.intrLevel,
    timed: c.timed.length === 0 ? NONE : c.timed.slice(),
    dispatchWaiting: c.dispatchWaiting,
    dispatchReady: c.dispatchReady,
    dispatchOwed: c.dispatchOwed,
    moreChoices: c.moreChoices,
    dispatchReadyAt: c.dispatchReadyAt,
    dispatchReadyMsg: c.dispatchReadyMsg,
    dispatchCells: c.dispatchCells.length === 0 ? NONE : c.dispatchCells.slice(),
    ipiWatchers: c.ipiWatchers.length === 0 ? NONE : c.ipiWatchers.slice(),
    counters: { ...c.counters },
    fifoCells: c.fifoCells.slice(),
    runqGrew: c.runqGrew,
    dispatchStep: c.dispatchStep,
  };
}

/** Saved empty lists (never changed: restoring copies them). */
const NONE: never[] = Object.freeze([]) as never[];

function saveRunq(runq: readonly Thread[][]): Pick<CpuSave, "runqAt" | "runq" | "runqData"> {
  // Lists made at their size (pushing onto a literal allocates room for 17: a snapshot saves cpus often).
  let n = 0;
  for (let p = 0; p < runq.length; p++) if (runq[p] !== NO_THREADS) n++;
  const at = new Array<number>(n);
  const qs = new Array<Thread[]>(n);
  const data = new Array<Thread[]>(n);
  let i = 0;
  for (let p = 0; p < runq.length; p++) {
    const q = runq[p]!;
    if (q === NO_THREADS) continue;
    at[i] = p;
    qs[i] = q;
    data[i++] = q.slice();
  }
  return { runqAt: at, runq: qs, runqData: data };
}

export function saveThread(t: Thread, resumes: number): ThreadSave {
  return {
    state: t.state,
    op: t.op,
    resumeValue: t.resumeValue,
    fresh: t.fresh,
    crit: t.crit,
    spinlocks: t.spinlocks,
    mpcount: t.mpcount,
    preempted: t.preempted,
    wait: t.wait,
    waitTimeout: t.wait?.timeout ?? null,
    spinning: t.spinning,
    spinSince: t.spinSince,
    spinReadyAt: t.spinReadyAt,
    wakeFlow: t.wakeFlow,
    drainTarget: t.drainTarget,
    performed: t.performed,
    hist: t.hist,
    localsAtSuspend: t.localsAtSuspend,
    callMark: t.callMark,
    loop: t.loop,
    locals: saveLocals(t),
    resumes,
  };
}

/**
 * Put a cpu back as saved. `prios`: the priorities of the cpu's threads, the
 * only run queues a run can touch (`enqueue` uses the thread's, which never
 * changes). What is already as saved is not written — changing an array's
 * length is the costly part. `ipis` false: no IPI was sent since the save
 * and none was queued at it, so the FIFOs are as saved (left unwritten).
 */
export function restoreCpu(c: Cpu, s: CpuSave, prios: readonly number[], ipis = true): void {
  c.current = s.current;
  const runq = c.runq;
  const runqAt = s.runqAt;
  for (let k = 0; k < prios.length; k++) {
    const p = prios[k]!;
    // The save lists only the queues in use (runqAt: their priorities); any other is the shared empty one.
    // By hand: indexOf is a builtin call that costs more than the loop over a list this short.
    let i = 0;
    while (i < runqAt.length && runqAt[i] !== p) i++;
    if (i === runqAt.length) {
      if (runq[p] !== NO_THREADS) runq[p] = NO_THREADS;
      continue;
    }
    const q = s.runq[i]!;
    if (runq[p] !== q) runq[p] = q;
    refill(q, s.runqData[i]!);
  }
  c.runqMask = s.runqMask;
  if (ipis) restoreIpis(c, s);
  c.intrOwed = s.intrOwed;
  c.clock = s.clock;
  c.intrLevel = s.intrLevel;
  if (c.timed.length !== 0 || s.timed.length !== 0) refill(c.timed, s.timed);
  c.dispatchWaiting = s.dispatchWaiting;
  c.dispatchReady = s.dispatchReady;
  c.dispatchOwed = s.dispatchOwed;
  c.moreChoices = s.moreChoices;
  c.dispatchReadyAt = s.dispatchReadyAt;
  c.dispatchReadyMsg = s.dispatchReadyMsg;
  if (c.dispatchCells.length !== 0 || s.dispatchCells.length !== 0) c.dispatchCells = s.dispatchCells.slice();
  if (c.ipiWatchers.length !== 0 || s.ipiWatchers.length !== 0) c.ipiWatchers = s.ipiWatchers.slice();
  copyCounters(c.counters, s.counters);
  c.runqGrew = s.runqGrew;
  c.dispatchStep = s.dispatchStep;
}

/**
 * The cpu's IPI FIFOs, owed counts and FIFO cells as saved (`restoreCpu`
 * leaves them out when no message was sent since the save and none was
 * queued at it: then nothing changed them).
 */
function restoreIpis(c: Cpu, s: CpuSave): void {
  // The save's fields read once each (out of the loops: a save is read field by field, not as a hot object).
  const incoming = c.incoming;
  const savedIncoming = s.incoming;
  for (let p = 0; p < incoming.length; p++) {
    const q = savedIncoming[p]!;
    if (incoming[p] !== q) incoming[p] = q;
    if (q !== NO_MESSAGES) refill(q, s.incomingData[p]!);
  }
  c.inbox = s.inbox;
  const owed = c.owed;
  const savedOwed = s.owed;
  for (let i = 0; i < owed.length; i++) if (owed[i] !== savedOwed[i]) owed[i] = savedOwed[i]!;
  c.owedTotal = s.owedTotal;
  const fifo = c.fifoCells;
  const savedFifo = s.fifoCells;
  for (let i = 0; i < fifo.length; i++) if (fifo[i] !== savedFifo[i]) fifo[i] = savedFifo[i];
}

/** `k` = `z`, field by field (a loop over the keys is several times slower). */
function copyCounters(k: Counters, z: Counters): void {
  k.steps = z.steps;
  k.ipisSent = z.ipisSent;
  k.ipisTaken = z.ipisTaken;
  k.switches = z.switches;
  k.preemptions = z.preemptions;
  k.spinCycles = z.spinCycles;
  k.transfers = z.transfers;
  k.atomics = z.atomics;
  k.idleCycles = z.idleCycles;
}

/** The counters copyCounters copies: the type below fails to compile when Counters gains one not listed. */
const _COUNTERS = [
  "steps",
  "ipisSent",
  "ipisTaken",
  "switches",
  "preemptions",
  "spinCycles",
  "transfers",
  "atomics",
  "idleCycles",
] as const satisfies readonly (keyof Counters)[];
const ALL_COUNTERS: Exclude<keyof Counters, (typeof _COUNTERS)[number]> extends never ? true : never = true;
void ALL_COUNTERS;

/** `q` with the contents `d` (by pop and push: setting an array's length is slow). */
function refill<T>(q: T[], d: readonly T[]): void {
  while (q.length > d.length) q.pop();
  for (let j = 0; j < q.length; j++) if (q[j] !== d[j]) q[j] = d[j]!;
  for (let j = q.length; j < d.length; j++) q.push(d[j]!);
}

/** `op`: the pending op of a rebuilt generator (undefined: the generator was kept). */
export function restoreThread(t: Thread, s: ThreadSave, op: Op | null | undefined): void {
  t.state = s.state;
  t.op = op === undefined ? s.op : op;
  t.resumeValue = s.resumeValue;
  t.fresh = s.fresh;
  t.crit = s.crit;
  t.spinlocks = s.spinlocks;
  t.mpcount = s.mpcount;
  t.preempted = s.preempted;
  t.wait = s.wait;
  if (s.wait !== null) s.wait.timeout = s.waitTimeout;
  t.spinning = s.spinning;
  t.spinSince = s.spinSince;
  t.spinReadyAt = s.spinReadyAt;
  t.wakeFlow = s.wakeFlow;
  t.drainTarget = s.drainTarget;
  t.performed = s.performed;
  t.hist = s.hist;
  t.localsAtSuspend = s.localsAtSuspend;
  t.callMark = s.callMark;
  t.loop = s.loop;
  // Most threads make no thread-local: no call (applyLocals is too large to inline).
  if (s.locals.length !== 0 || t.hasLocals()) applyLocals(t, s.locals);
}

/**
 * Is the cpu exactly as `s` saved it (every field `restoreCpu` writes)? A
 * snapshot then shares the earlier save instead of copying the cpu again
 * (saves are never changed once made).
 */
export function sameCpu(c: Cpu, s: CpuSave, prios: readonly number[]): boolean {
  if (
    c.current !== s.current ||
    c.runqMask !== s.runqMask ||
    c.inbox !== s.inbox ||
    c.owedTotal !== s.owedTotal ||
    c.intrOwed !== s.intrOwed ||
    c.clock !== s.clock ||
    c.intrLevel !== s.intrLevel ||
    c.dispatchWaiting !== s.dispatchWaiting ||
    c.dispatchReady !== s.dispatchReady ||
    c.dispatchOwed !== s.dispatchOwed ||
    c.moreChoices !== s.moreChoices ||
    c.dispatchReadyAt !== s.dispatchReadyAt ||
    c.dispatchReadyMsg !== s.dispatchReadyMsg ||
    c.runqGrew !== s.runqGrew ||
    c.dispatchStep !== s.dispatchStep ||
    !sameCounters(c.counters, s.counters) ||
    !sameList(c.timed, s.timed) ||
    !sameList(c.dispatchCells, s.dispatchCells) ||
    !sameList(c.ipiWatchers, s.ipiWatchers)
  ) {
    return false;
  }
  const runq = c.runq;
  for (const p of prios) {
    const i = s.runqAt.indexOf(p);
    const q = runq[p]!;
    if (i < 0) {
      if (q !== NO_THREADS) return false;
    } else if (q !== s.runq[i] || !sameList(q, s.runqData[i]!)) return false;
  }
  const incoming = c.incoming;
  for (let p = 0; p < incoming.length; p++) {
    const q = incoming[p]!;
    if (q !== s.incoming[p]) return false;
    if (q !== NO_MESSAGES && !sameList(q, s.incomingData[p]!)) return false;
  }
  const owed = c.owed;
  for (let i = 0; i < owed.length; i++) if (owed[i] !== s.owed[i]) return false;
  const fifo = c.fifoCells;
  for (let i = 0; i < fifo.length; i++) if (fifo[i] !== s.fifoCells[i]) return false;
  return true;
}

function sameCounters(k: Counters, z: Counters): boolean {
  return (
    k.steps === z.steps &&
    k.ipisSent === z.ipisSent &&
    k.ipisTaken === z.ipisTaken &&
    k.switches === z.switches &&
    k.preemptions === z.preemptions &&
    k.spinCycles === z.spinCycles &&
    k.transfers === z.transfers &&
    k.atomics === z.atomics &&
    k.idleCycles === z.idleCycles
  );
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Is the thread exactly as `s` saved it, `resumes` resumptions in, its
 * thread-locals with the saved contents? (See `sameCpu`.)
 */
export function sameThread(t: Thread, s: ThreadSave, resumes: number): boolean {
  return (
    t.state === s.state &&
    t.op === s.op &&
    Object.is(t.resumeValue, s.resumeValue) &&
    t.fresh === s.fresh &&
    t.crit === s.crit &&
    t.spinlocks === s.spinlocks &&
    t.mpcount === s.mpcount &&
    t.preempted === s.preempted &&
    t.wait === s.wait &&
    (t.wait === null || t.wait.timeout === s.waitTimeout) &&
    t.spinning === s.spinning &&
    t.spinSince === s.spinSince &&
    t.spinReadyAt === s.spinReadyAt &&
    t.wakeFlow === s.wakeFlow &&
    t.drainTarget === s.drainTarget &&
    t.performed === s.performed &&
    t.hist === s.hist &&
    t.localsAtSuspend === s.localsAtSuspend &&
    t.callMark === s.callMark &&
    t.loop === s.loop &&
    resumes === s.resumes &&
    sameLocals(t, s.locals)
  );
}

/** Per cpu, the priorities of its threads (see `restoreCpu`). */
export function threadPrios(cpus: readonly Cpu[], threads: readonly Thread[]): number[][] {
  return cpus.map((c) => [...new Set(threads.filter((t) => t.cpu === c.index).map((t) => t.pri))]);
}
