/**
 * LWKT scheduling (`lwkt_thread.c`): resuming threads and switching between
 * them, run queues, `lwkt_schedule`, the MP lock, interrupt threads and
 * timeouts, critical sections. The one file of the machine whose functions
 * call each other in a circle — a dispatch resumes a thread, whose end
 * switches, which dispatches — as lwkt_switch, lwkt_schedule and crit_exit
 * do in the kernel. The rest of the machine calls in, never back.
 *
 * Rules kept here (spec §1):
 * - Each cpu runs its own threads: the highest-priority runnable one whose
 *   resources are all here (the MP lock if it needs it; the hooks' checks,
 *   the token layer's) is switched in; an idle cpu whose runnable threads
 *   all fail their checks watches the cells the checks read, and offers a
 *   dispatch retry when one changes. It notices that change before any IPI
 *   sent after it (its idle loop retries continuously, an IPI needs a
 *   latency to arrive): without this, two idle cpus could hand a token back
 *   and forth forever in an exhaustive search, a cycle real timing rules out.
 * - The MP lock is taken by the scheduler before resuming a thread that
 *   needs it, dropped when switching to one that does not; a contended
 *   `get_mplock` is a blocking point.
 * - Interrupt threads are the only preemptors. An interrupt may arrive at
 *   any step boundary; inside a critical section it stays pending, and its
 *   preemption is owed when the section ends (crit_exit → splz). The
 *   preempted thread is parked and resumes the instant the preemptor blocks
 *   or ends, without the switch-out hooks (preemption releases no tokens).
 * - Leaving the outermost critical section makes every waiting IPI owed
 *   before the thread's next step. A thread that blocks inside a section
 *   takes its count with it; the next thread's own count decides.
 * - Reaching a blocking point with spinlocks held is a `spinlock-blocking`
 *   violation; blocking at interrupt level, or ending holding spinlocks, a
 *   critical section or the MP lock, panics.
 *
 * Calling context: inside a step (step.ts), or at the start of the run.
 */
import { addWatcher, type Cell, removeWatcher } from "../cell.js";
import { type Cpu, NO_THREADS } from "../cpu.js";
import { KernelPanic, MachineConfigError, ModelError } from "../errors.js";
import type { Thread } from "../thread.js";
import { access, charge, NO_FOOTPRINT, store, withScope } from "./access.js";
import { canPreempt, preemptOk } from "./choices.js";
import type { Core } from "./core.js";
import { emit } from "./events.js";
import { checkActor, failed, report } from "./failure.js";
import { drainFifo, oweAll, sendIpi } from "./ipiq.js";
import { beginSpin } from "./spin.js";

// --------------------------------------------------------------- run queues

/** Put `t` at the tail of its priority's run queue. */
export function enqueue(cpu: Cpu, t: Thread): void {
  let q = cpu.runq[t.pri]!;
  if (q === NO_THREADS) cpu.runq[t.pri] = q = [];
  q.push(t);
  cpu.runqMask |= 1 << t.pri;
  cpu.runqGrew = true;
}

function dequeue(cpu: Cpu, t: Thread): void {
  const q = cpu.runq[t.pri]!;
  // By hand: run queues are short, and indexOf and splice are builtin calls that cost more than the loop.
  const n = q.length;
  let i = 0;
  while (i < n && q[i] !== t) i++;
  if (i < n) {
    for (let j = i + 1; j < n; j++) q[j - 1] = q[j]!;
    q.pop();
  }
  if (q.length === 0) cpu.runqMask &= ~(1 << t.pri);
}

// ------------------------------------------------------ resume and switch

/** The run starts: every cpu dispatches its first thread. */
export function startRun(core: Core): void {
  try {
    for (const cpu of core.cpus) if (cpu.current === null) dispatch(core, cpu);
  } catch (e) {
    failed(core, e, null);
  } finally {
    core.actor = null;
  }
}

/** Resume the thread's generator with `value` until its next op, or its end. */
export function advance(core: Core, cpu: Cpu, t: Thread, value: unknown): void {
  core.actor = t;
  if (t.fresh || t.drainTarget >= 0) value = beforeResume(core, cpu, t, value);
  if (core.resumeHooks.length !== 0) callResumeHooks(core, t);
  if (core.tracker !== null) core.tracker.resumed(t, value);
  else if (core.resumes !== null) core.resumes.resumed(t, value, t.hasLocals());
  const stack = t.generators;
  let r = stack[stack.length - 1]!.next(value);
  while (r.done === true) {
    stack.pop();
    if (stack.length === 0) {
      exit(core, cpu, t);
      return;
    }
    r = stack[stack.length - 1]!.next(r.value);
  }
  const o = r.value;
  if (core.checkMode) checkOp(core, t, o);
  t.op = o;
  if (core.tracker !== null) core.tracker.suspended(t);
  else if (core.resumes !== null) core.resumes.suspended(t);
  if (o.op === "spin") beginSpin(core, cpu, t, o);
}

function callResumeHooks(core: Core, t: Thread): void {
  for (const h of core.resumeHooks) h.onResume!(t);
}

/** First run of a thread, or a FIFO drain to push before it resumes. */
function beforeResume(core: Core, cpu: Cpu, t: Thread, value: unknown): unknown {
  if (t.fresh) {
    t.fresh = false;
    if (core.eventsOn) emit(core, cpu.index, t, "thread-start");
  }
  if (t.drainTarget >= 0) {
    t.generators.push(drainFifo(core, cpu.index, t.drainTarget, value));
    t.drainTarget = -1;
    return undefined;
  }
  return value;
}

function checkOp(core: Core, t: Thread, o: unknown): void {
  if (typeof o !== "object" || o === null || typeof (o as { op?: unknown }).op !== "string") {
    throw new ModelError(
      `${t.name} yielded ${String(o)}, which is not an op (did you mean yield* ?)`,
      t.name,
      core.stepCount,
    );
  }
}

/** The thread's body returned. */
function exit(core: Core, cpu: Cpu, t: Thread): void {
  t.state = "done";
  t.op = null;
  if (t.spinlocks > 0) throw new KernelPanic(`${t.name} exited holding ${t.spinlocks} spinlock(s)`);
  if (t.crit !== 0) throw new KernelPanic(`${t.name} exited inside a critical section (count ${t.crit})`);
  if (t.mpcount !== 0) throw new KernelPanic(`${t.name} exited holding the MP lock`);
  if (core.eventsOn) emit(core, cpu.index, t, "thread-exit");
  if (!t.daemon) core.liveThreads--;
  cpu.current = null;
  switchFrom(core, cpu, t);
}

/** The thread leaves its cpu at a blocking point. */
export function leave(core: Core, cpu: Cpu, t: Thread, why: string): void {
  if (core.eventsOn) emit(core, cpu.index, t, "block", undefined, why);
  if (t.spinlocks > 0) {
    report(
      core,
      "spinlock-blocking",
      `${t.name} reached a blocking point (${why}) holding ${t.spinlocks} spinlock(s)`,
      [t.id],
    );
  }
  if (cpu.intrLevel > 0) throw new KernelPanic(`${t.name} blocked at interrupt level (${why})`);
  cpu.current = null;
  switchFrom(core, cpu, t);
}

/** `lwkt_switch` after `t` left: back to the thread it preempted, or the next runnable one. */
function switchFrom(core: Core, cpu: Cpu, t: Thread): void {
  cpu.counters.switches++;
  charge(core, cpu, core.cost.contextSwitch);
  const p = t.preempted;
  if (p !== null) {
    t.preempted = null;
    p.state = "running";
    cpu.current = p;
    if (core.eventsOn) emit(core, cpu.index, p, "resume", undefined, `after ${t.name}`, t.id);
    switchedIn(core, cpu, p);
    return;
  }
  if (core.hooks.length !== 0) switchOutHooks(core, cpu, t);
  dispatch(core, cpu);
}

/**
 * The hooks' switch-out step scope. Apart from `switchFrom`: a function
 * that makes a closure allocates the closure's context on every call, even
 * one that does not make it.
 */
function switchOutHooks(core: Core, cpu: Cpu, t: Thread): void {
  withScope(core, cpu, t, null, null, false, false, (tx) => {
    for (const h of core.hooks) h.onSwitchOut?.(tx, t);
  });
}

/** The incoming thread leaves lwkt_switch's critical section: outside its own, what waited is owed. */
function switchedIn(core: Core, cpu: Cpu, t: Thread): void {
  if (t.crit === 0) oweAll(core, cpu);
}

/**
 * An IPI or timeout handler left runnable threads on idle `cpu`: its switch
 * to them is a choice of its own (the dispatch choice), which the idle cpu
 * owes whatever its resume checks would say. Messages already queued on the
 * cpu may be taken before it; those sent later arrive after it (see the
 * idle loop's rule above).
 */
export function oweDispatch(core: Core, cpu: Cpu): void {
  cpu.dispatchOwed = true;
  cpu.moreChoices = true;
  if (!cpu.dispatchReady) {
    cpu.dispatchReady = true;
    cpu.dispatchReadyAt = cpu.clock;
    cpu.dispatchReadyMsg = core.nextMsgId;
  }
}

/** Choose and resume the next thread on an idle cpu. */
export function dispatch(core: Core, cpu: Cpu): void {
  cpu.dispatchReady = false;
  cpu.dispatchOwed = false;
  cpu.intrOwed = false;
  cpu.runqGrew = false;
  cpu.dispatchStep = core.stepCount;
  unwatchDispatch(cpu);
  if (cpu.current !== null) return;
  const mplock = core.mplock;
  let chosen: Thread | null = null;
  // The resume checks' reads, logged only when hooks check (a thread's end on an emptied queue checks nothing).
  const readLog: Cell<unknown>[] = cpu.runqMask !== 0 && core.hooks.length !== 0 ? [] : NO_CELLS;
  for (let mask = cpu.runqMask; mask !== 0 && chosen === null;) {
    const pri = 31 - Math.clz32(mask);
    mask &= ~(1 << pri);
    for (const t of cpu.runq[pri]!) {
      if (canRun(core, cpu, t, readLog)) {
        chosen = t;
        break;
      }
    }
  }
  if (chosen === null) {
    if (mplock.v === cpu.index) releaseMp(core, cpu, null);
    if (cpu.runqMask !== 0) {
      cpu.dispatchWaiting = true;
      const watched = readLog === NO_CELLS ? [] : readLog;
      watched.push(mplock);
      cpu.dispatchCells = watched;
      for (const c of watched) addWatcher(c, cpu);
    }
    if (core.eventsOn) emit(core, cpu.index, null, "idle");
    return;
  }
  dequeue(cpu, chosen);
  if (chosen.mpcount > 0) {
    if (mplock.v !== cpu.index) {
      access(core, cpu, mplock, true, core.cost.atomic);
      store(core, cpu, mplock, cpu.index);
      if (core.eventsOn) emit(core, cpu.index, chosen, "mp-acquire", "mplock");
    }
  } else if (mplock.v === cpu.index) {
    releaseMp(core, cpu, chosen);
  }
  chosen.state = "running";
  cpu.current = chosen;
  if (core.eventsOn) {
    emit(
      core,
      cpu.index,
      chosen,
      "switch",
      undefined,
      undefined,
      chosen.id,
      chosen.wakeFlow >= 0 ? chosen.wakeFlow : undefined,
    );
  }
  chosen.wakeFlow = -1;
  switchedIn(core, cpu, chosen);
  if (chosen.op === null) {
    const v = chosen.resumeValue;
    chosen.resumeValue = undefined;
    advance(core, cpu, chosen, v);
  }
}

/** The read log of a dispatch whose checks log nothing: never written. */
const NO_CELLS: Cell<unknown>[] = [];

/** Are `t`'s resources here: the MP lock if it needs it, and every hook's check (which may send requests)? */
function canRun(core: Core, cpu: Cpu, t: Thread, readLog: Cell<unknown>[]): boolean {
  if (t.mpcount > 0) {
    access(core, cpu, core.mplock, false, 0);
    const owner = core.mplock.v;
    if (owner !== -1 && owner !== cpu.index) return false;
  }
  return core.hooks.length === 0 || hooksResume(core, cpu, t, readLog);
}

/** Every hook's resume check, in a step scope (apart from `canRun`: see `switchOutHooks`). */
function hooksResume(core: Core, cpu: Cpu, t: Thread, readLog: Cell<unknown>[]): boolean {
  let ok = true;
  withScope(
    core,
    cpu,
    t,
    null,
    null,
    false,
    false,
    (tx) => {
      for (const h of core.hooks) {
        if (h.canResume && !h.canResume(tx, t)) {
          ok = false;
          return;
        }
      }
    },
    readLog,
  );
  return ok;
}

function unwatchDispatch(cpu: Cpu): void {
  cpu.dispatchWaiting = false;
  if (cpu.dispatchCells.length === 0) return;
  for (const c of cpu.dispatchCells) removeWatcher(c, cpu);
  cpu.dispatchCells = [];
}

// ---------------------------------------------------------------- MP lock

function releaseMp(core: Core, cpu: Cpu, next: Thread | null): void {
  access(core, cpu, core.mplock, true, 0);
  store(core, cpu, core.mplock, -1);
  if (core.eventsOn) emit(core, cpu.index, next, "mp-release", "mplock");
}

/** `get_mplock`: true when contended — the thread left its cpu (a blocking point). */
export function mpLock(core: Core, cpu: Cpu, t: Thread): boolean {
  t.mpcount++;
  if (t.mpcount > 1) return false;
  const owner = access(core, cpu, core.mplock, true, core.cost.atomic) as number;
  if (owner === cpu.index) return false;
  if (owner === -1) {
    store(core, cpu, core.mplock, cpu.index);
    if (core.eventsOn) emit(core, cpu.index, t, "mp-acquire", "mplock");
    return false;
  }
  if (core.eventsOn) emit(core, cpu.index, t, "mp-contended", "mplock", `held by cpu${owner}`);
  t.state = "runnable";
  enqueue(cpu, t);
  leave(core, cpu, t, "get_mplock contended");
  return true;
}

/** `rel_mplock`: the lock goes when no thread of this cpu's preempted chain needs it. */
export function mpUnlock(core: Core, cpu: Cpu, t: Thread): void {
  if (t.mpcount <= 0) throw new KernelPanic(`rel_mplock: ${t.name} does not hold the MP lock`);
  t.mpcount--;
  if (t.mpcount !== 0 || core.mplock.v !== cpu.index) return;
  for (let p = t.preempted; p !== null; p = p.preempted) if (p.mpcount > 0) return;
  releaseMp(core, cpu, t);
}

// ---------------------------------------------------------- lwkt_schedule

/** `lwkt_schedule` from a step on `from`: a blocked thread becomes runnable (on another cpu, by IPI). */
export function schedule(core: Core, from: Cpu, t: Thread): void {
  if (t.cpu !== from.index) {
    scheduleRemote(core, from, t);
    return;
  }
  if (t.state !== "blocked") return;
  t.state = "runnable";
  if (t.wait?.timeout) removeFrom(from.timed, t);
  t.wait = null;
  t.wakeFlow = core.nextFlow++;
  enqueue(from, t);
  if (core.eventsOn) emit(core, from.index, core.scope?.thread ?? null, "wake", t.name, undefined, t.id, t.wakeFlow);
}

/** The IPI that schedules `t` on its own cpu (apart from `schedule`: see `switchOutHooks`). */
function scheduleRemote(core: Core, from: Cpu, t: Thread): void {
  sendIpi(core, from, t.cpu, `lwkt_schedule(${t.name})`, (tx) => tx.schedule(t), undefined, false);
}

// ------------------------------------------------ interrupts and timeouts

/** `tx.arm`: a dormant interrupt thread's interrupt may now arrive. */
export function arm(core: Core, from: Cpu, it: Thread): void {
  if (it.kind !== "interrupt") throw new MachineConfigError(`arm ${it.name}: not an interrupt thread`);
  if (it.state !== "dormant") return;
  access(core, from, it.irq!, true, 0);
  store(core, from, it.irq!, 1);
  it.state = "armed";
  core.cpus[it.cpu]!.ver++;
  if (core.eventsOn) emit(core, from.index, core.scope?.thread ?? null, "interrupt", it.name, "armed", it.id);
}

/** An interrupt thread's interrupt arrives (or, pending, may now preempt). */
export function fireInterrupt(core: Core, cpu: Cpu, it: Thread): void {
  if (it.state === "armed") {
    access(core, cpu, it.irq!, true, 0);
    store(core, cpu, it.irq!, 0);
    it.state = "runnable";
    enqueue(cpu, it);
    if (core.eventsOn) emit(core, cpu.index, it, "interrupt", it.name);
  }
  const cur = cpu.current;
  if (cur === null) {
    dispatch(core, cpu);
    return;
  }
  if (!canPreempt(core, cpu, it, cur)) {
    // Inside a critical section (or behind owed IPIs): pending until it ends.
    if (core.eventsOn) emit(core, cpu.index, it, "interrupt", it.name, "pending");
    return;
  }
  cpu.intrOwed = false;
  dequeue(cpu, it);
  cur.state = "preempted";
  it.preempted = cur;
  it.state = "running";
  cpu.current = it;
  cpu.counters.preemptions++;
  charge(core, cpu, core.cost.contextSwitch);
  if (core.eventsOn) emit(core, cpu.index, it, "preempt", cur.name, undefined, cur.id);
  switchedIn(core, cpu, it);
  if (it.op === null) {
    const v = it.resumeValue;
    it.resumeValue = undefined;
    advance(core, cpu, it, v);
  }
}

/** A sleeper's timeout fires: its handler runs on its cpu at interrupt level. */
export function fireTimeout(core: Core, cpu: Cpu, t: Thread): void {
  const w = t.wait!;
  const spec = w.timeout!;
  w.timeout = null;
  removeFrom(cpu.timed, t);
  if (core.eventsOn) emit(core, cpu.index, cpu.current, "timeout", spec.label, t.name, t.id);
  cpu.intrLevel++;
  try {
    withScope(core, cpu, cpu.current, null, spec.fp ?? NO_FOOTPRINT, true, false, spec.fire);
  } finally {
    cpu.intrLevel--;
  }
}

// ------------------------------------------------------- critical sections

/** `crit_enter`. */
export function critEnter(core: Core, t: Thread): void {
  checkActor(core, t, "crit_enter");
  t.crit++;
  const cpu = core.cpus[t.cpu]!;
  charge(core, cpu, core.cost.critSection);
  if (core.eventsOn) emit(core, t.cpu, t, "crit-enter", undefined, String(t.crit));
}

/** `crit_exit`; at zero, what waited is owed before the thread's next step (splz). */
export function critExit(core: Core, t: Thread): void {
  checkActor(core, t, "crit_exit");
  t.crit--;
  const cpu = core.cpus[t.cpu]!;
  charge(core, cpu, core.cost.critSection);
  if (core.eventsOn) emit(core, t.cpu, t, "crit-exit", undefined, String(t.crit));
  if (t.crit < 0) {
    report(core, "crit-count", `${t.name}: crit_exit without a matching crit_enter (count ${t.crit})`, [t.id]);
    t.crit = 0;
  } else if (t.crit === 0 && cpu.current === t) {
    oweAll(core, cpu);
    // splz: a pending interrupt that may preempt now does so before the next step.
    for (const it of cpu.ithreads) {
      if (it.state === "runnable" && preemptOk(core, cpu, it, t)) cpu.intrOwed = true;
    }
  }
}

function removeFrom<T>(arr: T[], x: T): void {
  const i = arr.indexOf(x);
  if (i >= 0) arr.splice(i, 1);
}
