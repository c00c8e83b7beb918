/**
 * Resetting a machine to the state its set-up left it in, so that one
 * machine serves many runs: what lets random, PCT and other sampling run
 * schedule after schedule without building a machine (scenario set-up,
 * cells, cpus, threads, detectors) for each.
 *
 * `armReset` saves the set-up state of a machine that has not run: the
 * record's counters, every cell (value, cost bookkeeping, watchers, cached
 * key; the mutable containers reachable from a value by content, to be
 * written back into the same objects, as snapshot.ts does), every cpu and
 * thread field, thread-locals, layer extensions, the machine's own
 * detectors (`Detector.snapshot`) and the jitter PRNG. `resetRun` puts it
 * all back after a run (finished, failed or cut short), gives each thread
 * a fresh generator from its body (no resume log: a thread at set-up has
 * not run), and starts new logs — the trail, console and trace arrays a
 * previous run's result holds are left to it. The machine then runs again
 * with `run()`, under the strategy set with `setStrategy`.
 *
 * Detectors: those the caller passes as `shared` (an explorer's own, handed
 * to every machine it builds, such as the lock-order graph) are left as
 * they are — a fresh machine would get the same objects in the same state.
 * Every other detector (the scenario's, made by its set-up) must have
 * `snapshot`/`restore` or `reset`; `resetBlocker` names the first that has
 * neither, and such a machine is not reset (the caller builds one per run).
 *
 * Promises this rests on: the snapshot's (snapshot.ts) — layer objects keep
 * what a run changes in cells, thread-locals or extensions, and a thread's
 * body, called again, gives a generator that behaves as the first did.
 * Not for a machine that tracks states (`trackStates`): stateful search
 * restores states of its own (snapshot.ts).
 *
 * Calling context: `armReset` after set-up, before the first `run()`;
 * `resetRun` between runs, never during one.
 */
import type { CellWatcher } from "../cell.js";
import type { Counters } from "../cost.js";
import type { Detector } from "../detector.js";
import { MachineConfigError } from "../errors.js";
import type { Core } from "../runtime/core.js";
import type { Thread } from "../thread.js";
import { Contents, type Saved } from "./contents.js";
import { type Cpu, NO_MESSAGES, NO_THREADS } from "../cpu.js";
import { type CpuSave, restoreThread, saveCpu, saveThread, type ThreadSave } from "./snapshot.js";

/** A machine's set-up state (see the module comment). */
export interface ResetPoint {
  readonly core: Core;
  /** nextCellId, nextLoop, nextMsgId, nextFlow, nextScopeId, seq, liveThreads. */
  readonly counts: readonly number[];
  readonly kinds: readonly string[] | null;
  readonly cellV: readonly unknown[];
  /** lastWriter, sharers, writeTime of each cell. */
  readonly cellNum: Float64Array;
  readonly cellKey: readonly (string | null)[];
  readonly cellKeyRefs: readonly boolean[];
  readonly cellWatchers: readonly (CellWatcher[] | null)[];
  /** The containers of each cell value that has any (by cell index). */
  readonly cellSaved: readonly (readonly [number, Saved])[];
  readonly cpus: readonly CpuSave[];
  /** Per cpu, the run queues of its threads' priorities: the only ones a run can touch (`enqueue` uses the thread's). */
  readonly runqs: readonly (readonly RunqReset[])[];
  readonly threads: readonly ThreadSave[];
  readonly extensions: readonly (readonly [unknown, unknown])[] | null;
  readonly extSaved: readonly Saved[];
  /** The machine's own detectors (by index in the record) and their saved state (NO_STATE: reset with `reset()`). */
  readonly detectors: readonly (readonly [number, unknown])[];
  readonly prng: Record<string, unknown> | null;
}

/** A run queue as set-up left it: the queue at `pri` (the shared empty one if unused) and its contents. */
interface RunqReset {
  readonly pri: number;
  readonly q: Thread[];
  /** Null for the shared empty queue. */
  readonly data: readonly Thread[] | null;
}

/** The run queues `resetCpu` puts back on `c` (saved as `s`): one per priority its threads have. */
function runqResets(core: Core, c: Cpu, s: CpuSave): RunqReset[] {
  const prios = [...new Set(core.threads.filter((t) => t.cpu === c.index).map((t) => t.pri))];
  return prios.map((pri) => {
    // The save lists only the queues in use (runqAt: their priorities); any other is the shared empty one.
    const i = s.runqAt.indexOf(pri);
    return i < 0 ? { pri, q: NO_THREADS, data: null } : { pri, q: s.runq[i]!, data: s.runqData[i]! };
  });
}

/** Why this machine cannot be reset (`shared`: detectors left as they are), or null. */
export function resetBlocker(core: Core, shared: readonly Detector[]): string | null {
  if (core.tracker !== null || core.resumes !== null) return "the machine tracks states";
  for (const d of core.detectors) {
    if (shared.includes(d)) continue;
    if (d.reset === undefined && (d.snapshot === undefined || d.restore === undefined)) {
      return `detector ${d.name} has no snapshot/restore or reset`;
    }
  }
  return null;
}

/** Save the set-up state of a machine that has not run yet (see the module comment). */
export function armReset(core: Core, shared: readonly Detector[] = []): ResetPoint {
  if (core.started) throw new MachineConfigError("armReset: the machine has already started");
  const blocker = resetBlocker(core, shared);
  if (blocker !== null) throw new MachineConfigError(`armReset: ${blocker}`);
  const machine = core.view;
  const cells = core.cells;
  const n = cells.length;
  const cellV = new Array<unknown>(n);
  const cellNum = new Float64Array(n * 3);
  const cellKey = new Array<string | null>(n);
  const cellKeyRefs = new Array<boolean>(n);
  const cellWatchers = new Array<CellWatcher[] | null>(n);
  const cellSaved: [number, Saved][] = [];
  for (let i = 0; i < n; i++) {
    const c = cells[i]!;
    cellV[i] = c.v;
    if (typeof c.v === "object" && c.v !== null) {
      const saved = Contents.of(c.v, machine);
      if (saved.objs.length !== 0) cellSaved.push([i, saved]);
    }
    cellNum[i * 3] = c.lastWriter;
    cellNum[i * 3 + 1] = c.sharers;
    cellNum[i * 3 + 2] = c.writeTime;
    cellKey[i] = c.key;
    cellKeyRefs[i] = c.keyRefs;
    cellWatchers[i] = c.watchers === null ? null : c.watchers.slice();
  }
  let extensions: [unknown, unknown][] | null = null;
  const extSaved: Saved[] = [];
  if (core.extensions !== null) {
    extensions = [];
    for (const [e, v] of core.extensions) {
      extensions.push([e, v]);
      extSaved.push(Contents.of(v, machine));
    }
  }
  const detectors: [number, unknown][] = [];
  core.detectors.forEach((d, i) => {
    if (!shared.includes(d))
      detectors.push([i, d.snapshot !== undefined && d.restore !== undefined ? d.snapshot() : NO_STATE]);
  });
  const cpus = core.cpus.map(saveCpu);
  return {
    core,
    counts: [
      core.nextCellId,
      core.nextLoop,
      core.nextMsgId,
      core.nextFlow,
      core.nextScopeId,
      core.seq,
      core.liveThreads,
    ],
    kinds: core.kindsEmitted === null ? null : Array.from(core.kindsEmitted),
    cellV,
    cellNum,
    cellKey,
    cellKeyRefs,
    cellWatchers,
    cellSaved,
    cpus,
    runqs: core.cpus.map((c, i) => runqResets(core, c, cpus[i]!)),
    threads: core.threads.map((t) => saveThread(t, 0)),
    extensions,
    extSaved,
    detectors,
    prng: core.jitter === null ? null : { ...(core.jitter.prng as unknown as Record<string, unknown>) },
  };
}

/** A detector reset with `reset()` (it has no snapshot/restore). */
const NO_STATE: unique symbol = Symbol("reset");

/** The record's logs, replaced (not emptied) at a reset: a previous run's result holds the old ones. */
type Logs = { trailChunks: Int32Array[]; consoleLines: unknown[]; traceLog: unknown[] | null };

/** Put the machine back in its set-up state, ready to `run()` again (see the module comment). */
export function resetRun(core: Core, p: ResetPoint): void {
  if (p.core !== core) throw new MachineConfigError("resetRun: the reset point of another machine");
  const c = p.counts;
  core.started = false;
  core.finished = false;
  core.outcome = null;
  core.stepCount = 0;
  core.nextCellId = c[0]!;
  core.nextLoop = c[1]!;
  core.nextMsgId = c[2]!;
  core.nextFlow = c[3]!;
  core.nextScopeId = c[4]!;
  core.seq = c[5]!;
  core.liveThreads = c[6]!;
  core.scope = null;
  core.actor = null;
  core.readLog = null;
  core.rebuilding = false;
  // A run that stayed in its first chunk had its schedule copied (runtime/trail.ts): the chunk is free.
  if (core.trailChunks.length !== 0) {
    core.trail = new Int32Array(16);
    (core as unknown as Logs).trailChunks = [];
  }
  core.trailAt = 0;
  const logs = core as unknown as Logs;
  // A run that printed nothing handed out a shared empty list, not this one (machine.ts): it can be kept.
  if (core.consoleLines.length !== 0) logs.consoleLines = [];
  logs.traceLog = core.tracing ? [] : null;
  if (core.stepEvents.length !== 0) core.stepEvents = [];
  if (core.fpReads.length !== 0) core.fpReads.length = 0;
  if (core.fpWrites.length !== 0) core.fpWrites.length = 0;
  if (core.reports.length !== 0) core.reports = [];
  core.kindsEmitted = p.kinds === null ? null : new Set(p.kinds);
  const cells = core.cells;
  if (cells.length !== p.cellV.length) cells.length = p.cellV.length;
  const { cellV, cellNum, cellKey, cellKeyRefs, cellWatchers } = p;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    cell.v = cellV[i];
    cell.lastWriter = cellNum[i * 3]!;
    cell.sharers = cellNum[i * 3 + 1]!;
    cell.writeTime = cellNum[i * 3 + 2]!;
    cell.key = cellKey[i]!;
    cell.keyRefs = cellKeyRefs[i]!;
    const w = cellWatchers[i]!;
    cell.watchers = w === null ? null : w.slice();
  }
  for (const [, saved] of p.cellSaved) Contents.apply(saved.objs, saved.data);
  for (const saved of p.extSaved) Contents.apply(saved.objs, saved.data);
  if (p.extensions === null) core.extensions = null;
  else {
    const exts = (core.extensions ??= new Map());
    exts.clear();
    for (const [e, v] of p.extensions) exts.set(e as never, v);
  }
  const cpus = core.cpus;
  const savedCpus = p.cpus;
  const runqs = p.runqs;
  for (let i = 0; i < cpus.length; i++) resetCpu(cpus[i]!, savedCpus[i]!, runqs[i]!);
  const threads = core.threads;
  const savedThreads = p.threads;
  const respawn = core.respawn;
  for (let i = 0; i < threads.length; i++) {
    const t = threads[i]!;
    restoreThread(t, savedThreads[t.id]!, undefined);
    const stack = t.generators;
    // A thread that ended left its stack empty (by pop: setting an array's length is a slow builtin).
    while (stack.length > 1) stack.pop();
    if (stack.length === 1) stack[0] = respawn[t.id]!();
    else stack.push(respawn[t.id]!());
  }
  for (const [i, state] of p.detectors) {
    const d = core.detectors[i]!;
    if (state === NO_STATE) d.reset!();
    else d.restore!(state);
  }
  if (p.prng !== null) Object.assign(core.jitter!.prng, p.prng);
}

/**
 * A cpu as set-up left it (snapshot.ts's `restoreCpu`, for a state that
 * holds few threads and no messages: what is already as saved is not
 * written — changing an array's length is the costly part).
 */
function resetCpu(c: Cpu, s: CpuSave, runqs: readonly RunqReset[]): void {
  c.current = s.current;
  const runq = c.runq;
  for (let j = 0; j < runqs.length; j++) {
    const r = runqs[j]!;
    if (runq[r.pri] !== r.q) runq[r.pri] = r.q;
    if (r.data !== null) refill(r.q, r.data);
  }
  c.runqMask = s.runqMask;
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
  const fifo = c.fifoCells;
  const savedFifo = s.fifoCells;
  for (let i = 0; i < fifo.length; i++) if (fifo[i] !== savedFifo[i]) fifo[i] = savedFifo[i];
  c.runqGrew = s.runqGrew;
  c.dispatchStep = s.dispatchStep;
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
