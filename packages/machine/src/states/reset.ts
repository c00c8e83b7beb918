/**
 * Resetting a machine to the state its set-up left it in, so that one
 * machine serves many runs: what lets random, PCT and other sampling run
 * schedule after schedule without building a machine (scenario set-up,
 * cells, cpus, threads, detectors) for each.
 *
 * `armReset` saves the set-up state of a machine that has not run: the
 * record's counters, a mark in the cells' undo log (undo.ts: each cell is
 * saved when first touched in a run — value, cost bookkeeping, watchers,
 * cached key, its value's containers by content — and put back from there,
 * as restored states are), every cpu and thread field (record.ts),
 * thread-locals, layer extensions, the machine's own detectors
 * (`Detector.snapshot`) and the jitter PRNG. `resetRun` puts it all back
 * after a run (finished, failed or cut short), gives each thread
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
 * `resetStarted` puts back the state after the start instead (the cpus'
 * first threads dispatched and resumed to their first ops): the start is
 * not redone but for each thread's first resume (see its comment).
 *
 * Calling context: `armReset` after set-up, before the first `run()`;
 * `resetRun` and `resetStarted` between runs, never during one.
 */
import type { Detector } from "../detector.js";
import { MachineConfigError } from "../errors.js";
import type { Machine, RunResult } from "../machine.js";
import type { Op } from "../ops.js";
import type { Outcome } from "../outcome.js";
import type { Core } from "../runtime/core.js";
import { startRun } from "../runtime/lwkt.js";
import { FIRST_CHUNK } from "../runtime/trail.js";
import { applyLocals, Contents, type Saved } from "./contents.js";
import {
  type CpuSave,
  restoreCpu,
  restoreThread,
  saveCpu,
  saveThread,
  type ThreadSave,
  threadPrios,
} from "./record.js";
import type { Strategy } from "../strategy.js";
import type { TraceEvent } from "../trace.js";
import { UndoLog, type UndoMark } from "./undo.js";

/** A machine's set-up state (see the module comment). */
export interface ResetPoint {
  readonly core: Core;
  /** The state after start (`resetStarted`), once taken; null before, or when it cannot serve. */
  started: StartPoint | null;
  /** No state after start will be taken again (it could not serve, or a rebuilt thread differed). */
  startRefused: boolean;
  /** nextCellId, nextLoop, nextMsgId, nextFlow, nextScopeId, seq, liveThreads. */
  readonly counts: readonly number[];
  readonly kinds: readonly string[] | null;
  /** The cells: their undo log, its mark at set-up, and how many cells set-up made. */
  readonly undo: UndoLog;
  readonly mark: UndoMark;
  readonly cellCount: number;
  readonly cpus: readonly CpuSave[];
  /** Some IPI was queued at set-up (a run may take it: every reset then restores the FIFOs). */
  readonly queued: boolean;
  /** Per cpu, the priorities of its threads: the only run queues a run can touch (`enqueue` uses the thread's). */
  readonly prios: readonly (readonly number[])[];
  readonly threads: readonly ThreadSave[];
  readonly extensions: readonly (readonly [unknown, unknown])[] | null;
  readonly extSaved: readonly Saved[];
  /** The machine's own detectors (by index in the record) and their saved state (NO_STATE: reset with `reset()`). */
  readonly detectors: readonly (readonly [number, unknown])[];
  readonly prng: Record<string, unknown> | null;
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
  const undo = new UndoLog(core.cells, machine);
  // No state vectors are written here: nothing reads the changed cells.
  undo.dirty = null;
  const { extensions, extSaved } = copyExtensions(core, machine);
  const detectors: [number, unknown][] = [];
  core.detectors.forEach((d, i) => {
    if (!shared.includes(d))
      detectors.push([i, d.snapshot !== undefined && d.restore !== undefined ? d.snapshot() : NO_STATE]);
  });
  return {
    core,
    started: null,
    startRefused: false,
    counts: countsOf(core),
    kinds: core.kindsEmitted === null ? null : Array.from(core.kindsEmitted),
    undo,
    mark: undo.mark(),
    cellCount: core.cells.length,
    cpus: core.cpus.map(saveCpu),
    queued: core.cpus.some((c) => c.inbox !== 0),
    prios: threadPrios(core.cpus, core.threads),
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

/**
 * Every extension with a whole copy of its contents as they are now: what
 * `putBack` puts back (unlike saves.ts `saveExtensions`, which shares the
 * previous snapshot's saves and keeps the extensions' state keys).
 */
function copyExtensions(
  core: Core,
  machine: Core["view"],
): { extensions: [unknown, unknown][] | null; extSaved: Saved[] } {
  if (core.extensions === null) return { extensions: null, extSaved: [] };
  const extensions: [unknown, unknown][] = [];
  const extSaved: Saved[] = [];
  for (const [e, v] of core.extensions) {
    extensions.push([e, v]);
    extSaved.push(Contents.of(v, machine));
  }
  return { extensions, extSaved };
}

/** The saved extensions (their contents, then the map) and cpus back (`prios`, `ipis`: restoreCpu's). */
function putBack(
  core: Core,
  from: {
    readonly extensions: readonly (readonly [unknown, unknown])[] | null;
    readonly extSaved: readonly Saved[];
    readonly cpus: readonly CpuSave[];
  },
  prios: readonly (readonly number[])[],
  ipis: boolean,
): void {
  for (const saved of from.extSaved) Contents.apply(saved.objs, saved.data);
  if (from.extensions === null) core.extensions = null;
  else {
    const exts = (core.extensions ??= new Map());
    exts.clear();
    for (const [e, v] of from.extensions) exts.set(e as never, v);
  }
  const cpus = core.cpus;
  for (let i = 0; i < cpus.length; i++) restoreCpu(cpus[i]!, from.cpus[i]!, prios[i]!, ipis);
}

/** The machine's counters a reset puts back (`backToStep0`), in that order. */
function countsOf(core: Core): number[] {
  return [core.nextCellId, core.nextLoop, core.nextMsgId, core.nextFlow, core.nextScopeId, core.seq, core.liveThreads];
}

/** Step 0 again: the counters `c` (countsOf) back, no scope or actor, an empty schedule and console. */
function backToStep0(core: Core, c: readonly number[]): void {
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
  // A run that stayed in its first chunk had its schedule copied (runtime/trail.ts): the chunk is free.
  if (core.trailChunks.length !== 0) {
    core.trail = new Int32Array(FIRST_CHUNK);
    (core as unknown as Logs).trailChunks = [];
  }
  core.trailAt = 0;
  // A run that printed nothing handed out a shared empty list, not this one (machine.ts): it can be kept.
  if (core.consoleLines.length !== 0) (core as unknown as Logs).consoleLines = [];
}

/** The last step's events, footprint and reports emptied (lists a result holds are replaced, not emptied). */
function emptyStepLogs(core: Core): void {
  if (core.stepEvents.length !== 0) core.stepEvents = [];
  if (core.fpReads.length !== 0) core.fpReads.length = 0;
  if (core.fpWrites.length !== 0) core.fpWrites.length = 0;
  if (core.reports.length !== 0) core.reports = [];
}

/** Put the machine back in its set-up state, ready to `run()` again (see the module comment). */
export function resetRun(core: Core, p: ResetPoint): void {
  if (p.core !== core) throw new MachineConfigError("resetRun: the reset point of another machine");
  const c = p.counts;
  // No message sent in the run (the message ids did not move) and none queued at set-up: the FIFOs are as saved.
  const ipis = p.queued || core.nextMsgId !== c[2];
  core.started = false;
  core.finished = false;
  core.outcome = null;
  core.rebuilding = false;
  backToStep0(core, c);
  (core as unknown as Logs).traceLog = core.tracing ? [] : null;
  emptyStepLogs(core);
  restoreKinds(core, p.kinds);
  // The set-up mark is the log's first and stays live (nothing else marks this log).
  if (!p.undo.undo(p.mark)) throw new Error("resetRun: the set-up mark was lost");
  if (core.cells.length !== p.cellCount) core.cells.length = p.cellCount;
  p.undo.cut(p.cellCount);
  putBack(core, p, p.prios, ipis);
  const threads = core.threads;
  const savedThreads = p.threads;
  const respawn = core.respawn;
  for (let i = 0; i < threads.length; i++) {
    const t = threads[i]!;
    const stack = t.generators;
    // A generator the run never resumed has run no code: it serves again as it is.
    if (!(t.fresh && stack.length === 1)) {
      // A thread that ended left its stack empty (by pop: setting an array's length is a slow builtin).
      while (stack.length > 1) stack.pop();
      if (stack.length === 1) stack[0] = respawn[t.id]!();
      else stack.push(respawn[t.id]!());
    }
    restoreThread(t, savedThreads[t.id]!, undefined);
  }
  const detectors = p.detectors;
  for (let k = 0; k < detectors.length; k++) {
    const [i, state] = detectors[k]!;
    const d = core.detectors[i]!;
    if (state === NO_STATE) d.reset!();
    else d.restore!(state);
  }
  if (p.prng !== null) Object.assign(core.jitter!.prng, p.prng);
}

// ------------------------------------------------------ the state after start

/** How a thread stood after start: not resumed yet, resumed to its first op, or ended before one. */
const FRESH = 0;
const RESUMED = 1;
const ENDED = 2;

/**
 * A machine's state after start (`resetStarted`): what `ResetPoint` saves,
 * taken once the cpus dispatched their first threads — and, per thread, how
 * start left it and the value it was first resumed with.
 */
export interface StartPoint {
  readonly counts: readonly number[];
  readonly kinds: readonly string[] | null;
  readonly mark: UndoMark;
  readonly cellCount: number;
  readonly cpus: readonly CpuSave[];
  readonly queued: boolean;
  readonly threads: readonly ThreadSave[];
  /** FRESH, RESUMED or ENDED, by thread id. */
  readonly how: Uint8Array;
  /** The value each RESUMED thread was first resumed with. */
  readonly values: readonly unknown[];
  readonly extensions: readonly (readonly [unknown, unknown])[] | null;
  readonly extSaved: readonly Saved[];
  readonly detectors: readonly (readonly [number, unknown])[];
  readonly prng: Record<string, unknown> | null;
  /** The events start emitted (copied into every reset run's logs). */
  readonly events: readonly TraceEvent[];
}

/**
 * Put the machine in the state its start left it in — threads spawned, the
 * cpus' first threads dispatched and resumed to their first ops — with
 * `strategy` set, ready for `runStarted`/`outcomeStarted`: a reset that
 * does not redo the start. The first call resets to the set-up state and
 * starts the machine, then saves what start left (`StartPoint`); later
 * calls put that back. A thread's suspended generator cannot be put back:
 * each thread that start resumed gets a fresh body resumed quietly (as a
 * restored state's threads are, states/snapshot.ts) with the value it was
 * first resumed with, which must give an op of the same kind on the same
 * cell or label — else, and when start did more than a reset can put back
 * (it ended the run, printed, or left a machine continuation on a thread),
 * every later call resets to the set-up state and starts the machine again.
 * A generator the previous run left at its first op is kept.
 */
export function resetStarted(core: Core, p: ResetPoint, strategy: Strategy): void {
  const s = p.started;
  if (s === null || !backToStart(core, p, s)) {
    resetRun(core, p);
    core.strategy = strategy;
    core.started = true;
    startRun(core);
    if (!p.startRefused) {
      p.started = saveStart(core, p);
      if (p.started === null) p.startRefused = true;
    }
    return;
  }
  core.strategy = strategy;
}

/** After `resetStarted`: the run on to its end, and its result. */
export function runStarted(m: Machine): RunResult {
  m["steps"]();
  return m["result"]();
}

/** After `resetStarted`: the run on to its end, and its outcome (`runOutcome` after a reset). */
export function outcomeStarted(m: Machine): Outcome {
  m["steps"]();
  return m["core"].outcome!;
}

/**
 * The event kinds emitted by the start: the run's set, cut back (a run only
 * adds to it, and a set keeps insertion order) — or a new one when the run
 * made it.
 */
function restoreKinds(core: Core, kinds: readonly string[] | null): void {
  const set = core.kindsEmitted;
  if (kinds === null) core.kindsEmitted = null;
  else if (set === null || set.size < kinds.length) core.kindsEmitted = new Set(kinds);
  else if (set.size > kinds.length) {
    let i = 0;
    for (const k of set) if (i++ >= kinds.length) set.delete(k);
  }
}

/** What start left, or null when a reset cannot put it back (see `resetStarted`). */
function saveStart(core: Core, p: ResetPoint): StartPoint | null {
  if (core.outcome !== null || core.consoleLines.length !== 0) return null;
  const threads = core.threads;
  const how = new Uint8Array(threads.length);
  const values: unknown[] = [];
  for (const t of threads) {
    const n = t.generators.length;
    if (t.fresh) how[t.id] = FRESH;
    else if (t.state === "done" && n === 0) how[t.id] = ENDED;
    else if (n === 1 && t.op !== null) how[t.id] = RESUMED;
    else return null;
    if (n > 1) return null;
    // Set-up's resume value: what dispatch handed the thread's first resume.
    values.push(p.threads[t.id]!.resumeValue);
  }
  const machine = core.view;
  const { extensions, extSaved } = copyExtensions(core, machine);
  const detectors: [number, unknown][] = [];
  for (const [i, state] of p.detectors) {
    const d = core.detectors[i]!;
    detectors.push([i, state === NO_STATE ? NO_STATE : d.snapshot!()]);
  }
  const events = core.traceLog ?? core.stepEvents;
  return {
    counts: countsOf(core),
    kinds: core.kindsEmitted === null ? null : Array.from(core.kindsEmitted),
    mark: p.undo.mark(),
    cellCount: core.cells.length,
    cpus: core.cpus.map(saveCpu),
    queued: core.cpus.some((c) => c.inbox !== 0),
    threads: threads.map((t) => saveThread(t, 0)),
    how,
    values,
    extensions,
    extSaved,
    detectors,
    prng: core.jitter === null ? null : { ...(core.jitter.prng as unknown as Record<string, unknown>) },
    events: events.slice(),
  };
}

/** The ops of the threads `backToStart` gave a new generator (undefined: the generator was kept). */
const rebuilt: (Op | null | undefined)[] = [];

/** Put back the state after start (see `resetStarted`): false when that cannot be done (`p.started` is then dropped). */
function backToStart(core: Core, p: ResetPoint, s: StartPoint): boolean {
  const c = s.counts;
  // No message sent in the run (the message ids did not move) and none queued after start: the FIFOs are as saved.
  const ipis = s.queued || core.nextMsgId !== c[2];
  // The cells first: the mark is gone when a reset to set-up came in between (taken again at the next start).
  if (!p.undo.undo(s.mark)) {
    p.started = null;
    return false;
  }
  if (core.cells.length !== s.cellCount) core.cells.length = s.cellCount;
  p.undo.cut(s.cellCount);
  if (!rebuildThreads(core, p, s)) {
    p.started = null;
    p.startRefused = true;
    return false;
  }
  core.finished = false;
  core.outcome = null;
  backToStep0(core, c);
  // Copies of the start's events for the trace (a previous run's result holds those of its own start). The
  // step's events are left empty: the first step starts a list of its own before any detector reads one.
  (core as unknown as Logs).traceLog = core.tracing ? s.events.map((e) => ({ ...e })) : null;
  emptyStepLogs(core);
  restoreKinds(core, s.kinds);
  putBack(core, s, p.prios, ipis);
  const threads = core.threads;
  const savedThreads = s.threads;
  for (let i = 0; i < threads.length; i++) restoreThread(threads[i]!, savedThreads[i]!, rebuilt[i]);
  const detectors = s.detectors;
  for (let k = 0; k < detectors.length; k++) {
    const [i, state] = detectors[k]!;
    const d = core.detectors[i]!;
    if (state === NO_STATE) d.reset!();
    else d.restore!(state);
  }
  if (s.prng !== null) Object.assign(core.jitter!.prng, s.prng);
  return true;
}

/**
 * Each thread's generator as start left it (into `rebuilt`, the ops of
 * those given a new one): false when a rebuilt thread did not come back to
 * its op, or its code made a cell (nothing can put that back).
 */
function rebuildThreads(core: Core, p: ResetPoint, s: StartPoint): boolean {
  const threads = core.threads;
  const respawn = core.respawn;
  const how = s.how;
  const cells = core.cells.length;
  while (rebuilt.length > threads.length) rebuilt.pop();
  for (let i = 0; i < threads.length; i++) {
    const t = threads[i]!;
    const stack = t.generators;
    rebuilt[i] = undefined;
    const h = how[i]!;
    if (h === FRESH) {
      // A generator the run never resumed has run no code: it serves again as it is.
      if (t.fresh && stack.length === 1) continue;
      while (stack.length !== 0) stack.pop();
      stack.push(respawn[i]!());
    } else if (h === ENDED) {
      while (stack.length !== 0) stack.pop();
    } else {
      // Still at its first op (resumed once, no op performed): the same generator, the same op.
      if (t.performed === 0 && !t.fresh && stack.length === 1 && t.op !== null) {
        rebuilt[i] = t.op;
        continue;
      }
      while (stack.length !== 0) stack.pop();
      const g = respawn[i]!();
      stack.push(g);
      const saved = s.threads[i]!;
      // The thread's counts as its first resume found them (its code may read them).
      const first = p.threads[i]!;
      t.crit = first.crit;
      t.spinlocks = first.spinlocks;
      t.mpcount = first.mpcount;
      t.hist = first.hist;
      t.callMark = first.callMark;
      if (first.locals.length !== 0 || t.hasLocals()) applyLocals(t, first.locals);
      core.rebuilding = true;
      let r: IteratorResult<Op, unknown>;
      try {
        r = g.next(s.values[i]) as IteratorResult<Op, unknown>;
      } catch {
        // Its code did not do what it did at the start: the start is run again, and fails there as a fresh one would.
        return false;
      } finally {
        core.rebuilding = false;
      }
      if (r.done === true || !sameOp(r.value, saved.op!)) return false;
      rebuilt[i] = r.value;
    }
  }
  return core.cells.length === cells;
}

/** An op of the same kind on the same cell or with the same label. */
function sameOp(o: Op, saved: Op): boolean {
  return o !== null && typeof o === "object" && o.op === saved.op && label(o) === label(saved);
}

function label(o: Op): unknown {
  return "cell" in o ? o.cell : "label" in o ? o.label : undefined;
}
