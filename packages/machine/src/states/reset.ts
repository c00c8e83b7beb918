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
 * Calling context: `armReset` after set-up, before the first `run()`;
 * `resetRun` between runs, never during one.
 */
import type { Detector } from "../detector.js";
import { MachineConfigError } from "../errors.js";
import type { Core } from "../runtime/core.js";
import { FIRST_CHUNK } from "../runtime/trail.js";
import { Contents, type Saved } from "./contents.js";
import {
  type CpuSave,
  restoreCpu,
  restoreThread,
  saveCpu,
  saveThread,
  type ThreadSave,
  threadPrios,
} from "./record.js";
import { UndoLog, type UndoMark } from "./undo.js";

/** A machine's set-up state (see the module comment). */
export interface ResetPoint {
  readonly core: Core;
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

/** Put the machine back in its set-up state, ready to `run()` again (see the module comment). */
export function resetRun(core: Core, p: ResetPoint): void {
  if (p.core !== core) throw new MachineConfigError("resetRun: the reset point of another machine");
  const c = p.counts;
  // No message sent in the run (the message ids did not move) and none queued at set-up: the FIFOs are as saved.
  const ipis = p.queued || core.nextMsgId !== c[2];
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
    core.trail = new Int32Array(FIRST_CHUNK);
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
  // The set-up mark is the log's first and stays live (nothing else marks this log).
  if (!p.undo.undo(p.mark)) throw new Error("resetRun: the set-up mark was lost");
  if (core.cells.length !== p.cellCount) core.cells.length = p.cellCount;
  p.undo.cut(p.cellCount);
  for (const saved of p.extSaved) Contents.apply(saved.objs, saved.data);
  if (p.extensions === null) core.extensions = null;
  else {
    const exts = (core.extensions ??= new Map());
    exts.clear();
    for (const [e, v] of p.extensions) exts.set(e as never, v);
  }
  const cpus = core.cpus;
  const savedCpus = p.cpus;
  const prios = p.prios;
  for (let i = 0; i < cpus.length; i++) restoreCpu(cpus[i]!, savedCpus[i]!, prios[i]!, ipis);
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
  const detectors = p.detectors;
  for (let k = 0; k < detectors.length; k++) {
    const [i, state] = detectors[k]!;
    const d = core.detectors[i]!;
    if (state === NO_STATE) d.reset!();
    else d.restore!(state);
  }
  if (p.prng !== null) Object.assign(core.jitter!.prng, p.prng);
}
