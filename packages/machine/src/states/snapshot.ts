/**
 * Snapshots of a run's state, and restoring one in place: what lets an
 * exhaustive search go back to a branch point instead of building a new
 * machine and replaying every step from the start.
 *
 * What is saved: the record's counters and logs (their lengths), a mark
 * in the cells' undo log (undo.ts: a cell is saved — value, cost
 * bookkeeping, watchers, cached key — when first touched after a mark, so
 * a snapshot copies no cell and a restore puts back only those that
 * changed), every cpu and thread field (record.ts; a cpu or thread still as
 * the previous snapshot — taken or restored — saved it shares that save
 * (saves.ts), and one whose change stamp — cpu.ts and thread.ts `ver` — has not moved
 * since the snapshot is not written back at a restore),
 * thread-locals (by key), layer extensions, each detector's own state
 * (`Detector.snapshot`) and the jitter PRNG. Mutable containers
 * reachable from cell values and extensions (arrays, plain objects, maps,
 * sets) are saved by content and written back into the same objects:
 * closures made by model code capture cells, threads, cpus and layer
 * objects by identity, so a restore never replaces one of them.
 *
 * What cannot be saved is a thread's suspended generator. A thread whose
 * generator moved on since the snapshot is rebuilt at the restore (before
 * the extensions are written back, so that layer bookkeeping its code
 * changes between yields — an interlock's `inside` count — ends as saved;
 * rebuilding a thread later, when it next ran, measured no faster and
 * changed that bookkeeping twice): a fresh body is resumed
 * with the values the thread was resumed with (the per-thread resume log
 * kept while restoring is on), in quiet mode — the kernel context's
 * services (critical sections, events, the console, search bookkeeping)
 * touch nothing but the thread's own counts while it replays — with the
 * thread's counts and, where a handler changed them while it waited, its
 * thread-locals set as they were at each resumption; an object its code
 * made between yields with `KernelContext.make` is handed back, not made
 * again (the restored state links the first one). Its pending op then
 * comes from the rebuilt generator (its closures capture the new
 * generator's locals); a rebuilt op that differs from the saved one in kind
 * or label — for a thread with none pending, from the op it stopped at
 * last — or rebuilt code that throws makes `restore` fail (the caller
 * replays instead): the code took another way than the first time.
 *
 * Not supported (a snapshot is refused, the caller replays): a thread whose
 * generator stack holds a machine continuation (an IPI FIFO drain), or
 * whose resumes went to one; a detector without `snapshot`/`restore`.
 *
 * Promises this rests on, beyond the fingerprint's (states/fingerprint.ts):
 * the code a thread runs between its yields changes nothing outside the
 * thread but through the kernel context's services (layer objects it
 * changes live in cells, thread-locals or extensions, and an object it
 * makes that outlives the step — a reference others will hold, a new
 * cell — is made with `KernelContext.make`, and what it reads there from
 * outside the thread — its preempted chain, another thread's locals — is
 * read with `KernelContext.observe`); a thread-local's
 * top-level value is an object changed in place (or never changed).
 *
 * Calling context: between steps of a run (an explorer's strategy), on the
 * machine the snapshot was taken of; restoring only to snapshots of the
 * current path's ancestors (a depth-first search's stack).
 */
import { coreOf } from "../drive.js";
import { MachineConfigError } from "../errors.js";
import type { Extension } from "../extension.js";
import type { Machine } from "../machine.js";
import { type Gen, type Op } from "../ops.js";
import type { Core } from "../runtime/core.js";
import { writableTrail } from "../runtime/trail.js";
import type { Thread } from "../thread.js";
import { applyLocals, Contents, type LocalsSave, resetLocalsForReplay, type Saved, saveLocals } from "./contents.js";
import { type CpuSave, restoreCpu, restoreThread, type ThreadSave, threadPrios } from "./record.js";
import { lastOpsOf, saveCpus, saveExtensions, saveThreads, stampsOf } from "./saves.js";
import { UndoLog, type UndoMark } from "./undo.js";

// ------------------------------------------------------------ resume log

/** Numbers logged per resumption. */
const COUNTS = 5;

/** What a thread was resumed with, in order, for rebuilding its generator. */
class ThreadLog {
  readonly values: unknown[] = [];
  /** crit, spinlocks, mpcount, history and call mark at each resumption (COUNTS of them): what the code reads. */
  readonly counts: number[] = [];
  /** Thread-locals at a resumption where they differed from when the thread stopped (by resumption index). */
  readonly locals = new Map<number, LocalsSave>();
  /** Its thread-locals at the start of the run. */
  start: LocalsSave = [];
  /** The op the thread's current generator stopped at last (a kept generator's pending op comes from it). */
  lastOp: Op | null = null;
  /** A resume went to a machine continuation (an IPI FIFO drain): the log cannot rebuild the body. */
  tainted = false;
  /** Objects the thread's code made between its yields (`KernelContext.make`), in order, and how many resumes came before each. */
  readonly made: unknown[] = [];
  readonly madeAt: number[] = [];
  /** While the generator is rebuilt: how many of `made` it has been handed back; `lost`: it asked for more. */
  remade = 0;
  lost = false;
}

/** Per-thread resume logs and the cells' undo log, kept while restoring is enabled (`enableRestore`). */
export class ResumeLog {
  readonly threads: ThreadLog[] = [];
  /** The cells' undo log (undo.ts): a snapshot is a mark in it. */
  readonly cells: UndoLog;
  /** Per cpu, the priorities of its threads (record.ts `restoreCpu`). */
  readonly prios: readonly (readonly number[])[];
  /** The latest snapshot taken (its saved contents may serve again). */
  last: Snapshot | null = null;
  /** `restore`'s scratch: each thread's rebuilt op (undefined: its generator was kept). */
  readonly ops: (Op | null | undefined)[] = [];
  /** `snapshot`'s scratch: each extension's state key. */
  readonly extKeys: (string | null)[] = [];
  /** What this log did, for measuring (`restoreTally`). */
  readonly tally: RestoreTally = { snapshots: 0, restores: 0, rebuilds: 0, replayed: 0 };

  constructor(private readonly core: Core) {
    this.cells = new UndoLog(core.cells, core.view);
    this.prios = threadPrios(core.cpus, core.threads);
  }

  /** `t` is resumed with `value`; `localsChanged`: a handler changed its thread-locals while it waited. */
  resumed(t: Thread, value: unknown, localsChanged: boolean): void {
    const log = this.threads[t.id]!;
    if (t.generators.length !== 1) log.tainted = true;
    if (localsChanged) log.locals.set(log.values.length, saveLocals(t));
    log.values.push(value);
    log.counts.push(t.crit, t.spinlocks, t.mpcount, t.hist, t.callMark);
  }

  /** `t` stopped at its next op. */
  suspended(t: Thread): void {
    this.threads[t.id]!.lastOp = t.op;
  }

  /** `t`'s code made `v` between its yields (`KernelContext.make`): its rebuilt generator gets it back. */
  made(t: Thread, v: unknown): void {
    const log = this.threads[t.id]!;
    log.made.push(v);
    log.madeAt.push(log.values.length);
  }

  /** While `t`'s generator is rebuilt: the object its code made here the first time (`build()` if none: the rebuild fails). */
  remade(t: Thread, build: () => unknown): unknown {
    const log = this.threads[t.id]!;
    if (log.remade < log.made.length) return log.made[log.remade++];
    log.lost = true;
    return build();
  }
}

/** What restoring states of a machine did so far (`restoreTally`). */
export interface RestoreTally {
  /** Snapshots taken. */
  snapshots: number;
  /** Restores (each puts the machine back in a snapshot's state). */
  restores: number;
  /** Threads whose generator a restore rebuilt. */
  rebuilds: number;
  /** Resumes replayed to rebuild them. */
  replayed: number;
}

/**
 * What restoring states of `m` did so far, for measuring (apps/bench
 * fresh/statefulCost.ts): null when restoring was never enabled on it.
 */
export function restoreTally(m: Machine): Readonly<RestoreTally> | null {
  return coreOf(m).resumes?.tally ?? null;
}

/**
 * Start logging resumes so that states of this run can be restored. Before
 * the run (after `trackStates` when there is one; without a state tracker,
 * a thread's thread-locals are logged at every resumption).
 */
export function enableRestore(core: Core): ResumeLog {
  if (core.started) throw new MachineConfigError("enableRestore: the machine has already started");
  const log = new ResumeLog(core);
  for (const t of core.threads) {
    const l = new ThreadLog();
    l.start = saveLocals(t);
    log.threads.push(l);
  }
  core.resumes = log;
  if (core.tracker !== null) core.tracker.log = log;
  return log;
}

/** Why states of this machine cannot be restored (a detector without snapshot/restore), or null. */
export function restoreBlocker(core: Core): string | null {
  for (const d of core.detectors) {
    if (d.snapshot === undefined || d.restore === undefined) return `detector ${d.name} has no snapshot/restore`;
  }
  return null;
}

// ---------------------------------------------------------------- saving

/** A run's state at a step boundary (see the module comment). */
export interface Snapshot {
  readonly core: Core;
  readonly step: number;
  readonly counts: readonly number[];
  readonly trail: Int32Array;
  /** How many event kinds had been emitted (-1: none yet); the set only grows, in order. */
  readonly kinds: number;
  /** The cells: a mark in their undo log (undo.ts), and how many there were. */
  readonly cells: UndoMark;
  readonly cellCount: number;
  readonly cpus: readonly CpuSave[];
  readonly threads: readonly ThreadSave[];
  /**
   * The op each thread's generator stopped at last (`ThreadLog.lastOp`): a thread
   * rebuilt for this state must stop there again, also when it has no op pending.
   */
  readonly lastOps: readonly (Op | null)[];
  /** The change stamps (`Cpu.ver` per cpu, then `Thread.ver` per thread) at which the record held this state (see `restamp`). */
  readonly stamps: number[];
  readonly extensions: readonly [unknown, unknown][] | null;
  /** Each extension's containers, and its state key when it declares one (equal key: the same contents). */
  readonly extSaved: readonly Saved[];
  readonly extKeys: readonly (string | null)[];
  readonly detectors: readonly unknown[];
  readonly prng: Record<string, unknown> | null;
}

/** The run's state now, or null when it cannot be restored later (see the module comment). */
export function snapshot(core: Core): Snapshot | null {
  const log = core.resumes;
  if (log === null) return null;
  for (const t of core.threads) if (t.generators.length > 1 || log.threads[t.id]!.tainted) return null;
  const prev = log.last;
  const exts = saveExtensions(core, log, prev);
  const detectors = core.detectors.map((d) => d.snapshot!());
  const snap: Snapshot = {
    core,
    step: core.stepCount,
    counts: [
      core.stepCount,
      core.nextCellId,
      core.nextLoop,
      core.nextMsgId,
      core.nextFlow,
      core.nextScopeId,
      core.seq,
      core.liveThreads,
      core.trailAt,
      core.trailChunks.length,
      core.consoleLines.length,
      core.traceLog?.length ?? 0,
    ],
    trail: core.trail,
    kinds: core.kindsEmitted === null ? -1 : core.kindsEmitted.size,
    cells: log.cells.mark(),
    cellCount: core.cells.length,
    cpus: saveCpus(core, prev),
    threads: saveThreads(core, log, prev),
    lastOps: lastOpsOf(log, prev),
    stamps: stampsOf(core),
    extensions: exts.extensions,
    extSaved: exts.extSaved,
    extKeys: exts.extKeys,
    detectors,
    prng: core.jitter === null ? null : { ...(core.jitter.prng as unknown as Record<string, unknown>) },
  };
  log.last = snap;
  log.tally.snapshots++;
  return snap;
}

// ------------------------------------------------------------- restoring

/**
 * Put the run back in the state `s` was taken in. False when a thread's
 * rebuilt generator did not come back to the saved op (a promise of the
 * module comment broken): the machine is then unusable, build a new one.
 */
export function restore(core: Core, s: Snapshot): boolean {
  if (s.core !== core) throw new Error("restore: a snapshot of another machine");
  const log = core.resumes!;
  log.tally.restores++;
  // The cells first (they need no rebuilding): refused when the search went back past this snapshot.
  if (!log.cells.undo(s.cells)) return false;
  if (core.cells.length !== s.cellCount) core.cells.length = s.cellCount;
  log.cells.cut(s.cellCount);
  // Generators first: rebuilding replays thread code that may change its locals and counts.
  const ops = log.ops;
  for (const t of core.threads) {
    const ts = s.threads[t.id]!;
    const tl = log.threads[t.id]!;
    if (tl.values.length !== ts.resumes || t.generators.length !== (ts.state === "done" ? 0 : 1)) {
      const o = rebuild(core, t, tl, ts, s.lastOps[t.id]!);
      if (o === false) return false;
      ops[t.id] = o;
    } else if (ts.op !== null) {
      // The generator was kept, but it may have been rebuilt since the snapshot: its own op.
      const o = tl.lastOp;
      if (!sameOp(o, ts.op)) return false;
      ops[t.id] = o;
    } else ops[t.id] = undefined;
    truncateLog(tl, ts.resumes);
  }
  const c = s.counts;
  // No IPI sent since the snapshot (the message ids did not move): a cpu with none queued at it has its FIFOs as saved.
  const sent = core.nextMsgId !== c[3]!;
  core.stepCount = c[0]!;
  core.nextCellId = c[1]!;
  core.nextLoop = c[2]!;
  core.nextMsgId = c[3]!;
  core.nextFlow = c[4]!;
  core.nextScopeId = c[5]!;
  core.seq = c[6]!;
  core.liveThreads = c[7]!;
  core.trail = writableTrail(s.trail);
  core.trailAt = c[8]!;
  // Lengths set only when they differ: setting an array's length is a slow builtin, even to the length it has.
  if (core.trailChunks.length !== c[9]!) core.trailChunks.length = c[9]!;
  if (core.consoleLines.length !== c[10]!) core.consoleLines.length = c[10]!;
  if (core.traceLog !== null && core.traceLog.length !== c[11]!) core.traceLog.length = c[11]!;
  restoreKinds(core, s.kinds);
  core.started = true;
  core.finished = false;
  core.outcome = null;
  core.scope = null;
  core.actor = null;
  core.readLog = null;
  // Fresh lists only where the run left something in them (as reset.ts).
  if (core.reports.length !== 0) core.reports = [];
  if (core.stepEvents.length !== 0) core.stepEvents = [];
  for (let i = 0; i < s.extSaved.length; i++) {
    const saved = s.extSaved[i]!;
    const key = s.extKeys[i]!;
    const [e, v] = s.extensions![i]! as [Extension<unknown>, unknown];
    // An extension that declares its state key, still the same object with the same key, has the saved contents.
    if (key !== null && core.extensions?.get(e) === v && e.stateKey!(v) === key) continue;
    Contents.apply(saved.objs, saved.data);
  }
  if (s.extensions === null) core.extensions = null;
  else if (!sameEntries(core.extensions, s.extensions)) {
    const exts = (core.extensions ??= new Map());
    exts.clear();
    for (const [e, v] of s.extensions) exts.set(e as never, v);
  }
  // A cpu whose stamp did not move since the snapshot is as saved (restamp).
  for (let i = 0; i < core.cpus.length; i++) {
    const c = core.cpus[i]!;
    if (c.ver === s.stamps[i]) continue;
    const saved = s.cpus[i]!;
    restoreCpu(c, saved, log.prios[i]!, sent || saved.inbox !== 0 || saved.owedTotal !== 0);
  }
  const n = core.cpus.length;
  for (const t of core.threads) {
    const ts = s.threads[t.id]!;
    const op = ops[t.id];
    // Unchanged since the snapshot (its and its cpu's stamps, its generator and op kept): its locals alone are written
    // back (they are compared by content, not trusted to a stamp: states/vector.ts).
    if (
      t.ver === s.stamps[n + t.id] &&
      t.cpu < n &&
      core.cpus[t.cpu]!.ver === s.stamps[t.cpu] &&
      (op === undefined || op === t.op)
    ) {
      if (ts.locals.length !== 0 || t.hasLocals()) applyLocals(t, ts.locals);
    } else restoreThread(t, ts, op);
  }
  restamp(core, s);
  for (let i = 0; i < core.detectors.length; i++) core.detectors[i]!.restore!(s.detectors[i]);
  if (s.prng !== null) Object.assign(core.jitter!.prng, s.prng);
  // The machine is as `s` saved it: the next snapshot compares with it.
  log.last = s;
  return true;
}

/**
 * After a restore: a cpu or thread whose stamp moved since the snapshot may
 * have been rewritten, so its stamp moves again (a state key of it is
 * written anew, states/vector.ts); the snapshot then keeps the new stamp,
 * at which the record holds what it saved. One whose stamp did not move
 * was not changed since: its key stands.
 */
function restamp(core: Core, s: Snapshot): void {
  const st = s.stamps;
  const cpus = core.cpus;
  for (let i = 0; i < cpus.length; i++) {
    const c = cpus[i]!;
    if (c.ver !== st[i]) st[i] = ++c.ver;
  }
  const n = cpus.length;
  for (const t of core.threads) if (t.ver !== st[n + t.id]) st[n + t.id] = ++t.ver;
}

/** Does `m` hold exactly `entries`, in that order? */
function sameEntries(m: ReadonlyMap<unknown, unknown> | null, entries: readonly [unknown, unknown][]): boolean {
  if (m === null || m.size !== entries.length) return false;
  let i = 0;
  for (const [k, v] of m) {
    const e = entries[i++]!;
    if (e[0] !== k || e[1] !== v) return false;
  }
  return true;
}

/** The event kinds emitted up to the snapshot: the first `n` of the set (it keeps insertion order). */
function restoreKinds(core: Core, n: number): void {
  const set = core.kindsEmitted;
  if (n < 0) core.kindsEmitted = null;
  else if (set !== null && set.size > n) {
    let i = 0;
    for (const k of set) if (i++ >= n) set.delete(k);
  }
}

function truncateLog(tl: ThreadLog, n: number): void {
  if (tl.values.length > n) {
    // By pop: setting an array's length is a slow builtin (the logs lose a few entries at a time).
    const values = tl.values;
    while (values.length > n) values.pop();
    const counts = tl.counts;
    while (counts.length > n * COUNTS) counts.pop();
    for (const k of tl.locals.keys()) if (k >= n) tl.locals.delete(k);
    const madeAt = tl.madeAt;
    while (madeAt.length > 0 && madeAt[madeAt.length - 1]! > n) {
      madeAt.pop();
      tl.made.pop();
    }
  }
}

/**
 * A fresh generator for `t`, resumed quietly with its first `ts.resumes`
 * logged values: the op it stopped at (null when the saved thread has none
 * pending), or false when that is not the saved op — nor, for a thread with
 * none pending (it blocked in its last op, or was preempted after it), the
 * op its generator stopped at last (`lastOp`): its code took another way
 * between its yields than the first time, and would run on differently.
 */
function rebuild(core: Core, t: Thread, tl: ThreadLog, ts: ThreadSave, lastOp: Op | null): Op | null | false {
  if (ts.state === "done") {
    t.generators.length = 0;
    return null;
  }
  core.resumes!.tally.rebuilds++;
  core.resumes!.tally.replayed += ts.resumes;
  const last = replay(core, t, tl, ts.resumes);
  if (last === false) return false;
  if (ts.op === null) return lastOp === null ? (last === null ? null : false) : sameOp(last, lastOp) ? null : false;
  return sameOp(last, ts.op) ? last : false;
}

/**
 * Put a fresh generator on `t`'s stack and resume it quietly with its first
 * `n` logged values: the last op it gave (null: none), or false when it
 * ended before. Leaves the thread's counts and thread-locals as they were
 * at its last resumption: the caller sets them.
 */
function replay(core: Core, t: Thread, tl: ThreadLog, n: number): Op | null | false {
  const stack = t.generators as Gen<unknown>[];
  // By pop: setting an array's length is a slow builtin.
  while (stack.length !== 0) stack.pop();
  resetLocalsForReplay(t, tl.start);
  t.crit = 0;
  t.spinlocks = 0;
  t.mpcount = 0;
  const g = core.respawn[t.id]!();
  stack.push(g);
  let last: unknown = undefined;
  tl.remade = 0;
  tl.lost = false;
  core.rebuilding = true;
  try {
    for (let i = 0; i < n; i++) {
      const at = i * COUNTS;
      t.crit = tl.counts[at]!;
      t.spinlocks = tl.counts[at + 1]!;
      t.mpcount = tl.counts[at + 2]!;
      t.hist = tl.counts[at + 3]!;
      t.callMark = tl.counts[at + 4]!;
      const l = tl.locals.get(i);
      if (l !== undefined) applyLocals(t, l);
      let r: IteratorResult<Op, unknown>;
      try {
        r = g.next(tl.values[i]);
      } catch {
        // Its code failed where it went on the first time (a promise of the module comment broken).
        return false;
      }
      if (r.done === true) return false;
      last = r.value;
    }
  } finally {
    core.rebuilding = false;
  }
  // Its code made other objects than the first time (a promise of the module comment broken).
  if (tl.lost) return false;
  // The generator's own last op, also where the saved thread has none pending (it blocked in it):
  // restoring later to a state before that step keeps this generator and takes its op from here.
  tl.lastOp = (last as Op | undefined) ?? null;
  return tl.lastOp;
}

function sameOp(o: Op | null, saved: Op): o is Op {
  // The kept generator's own op (the common case), or a rebuilt one's: the same kind and label.
  return o === saved || (o !== null && o.op === saved.op && label(o) === label(saved));
}

function label(o: Op): unknown {
  return "cell" in o ? o.cell : "label" in o ? o.label : undefined;
}
