/**
 * One step: taking a choice, and the op interpreter. A thread's step
 * performs its pending op indivisibly — a memory op, an atomic closure, the
 * end of a spin wait, a yield, an IPI-processing point, the MP lock, a nop —
 * records it, charges it and resumes the thread with the result until its
 * next op (lwkt.ts). Any other choice takes an IPI, fires an interrupt or a
 * timeout, or retries an idle cpu's dispatch. An atomic closure that asked
 * to block ends the step with its thread switched out.
 *
 * Calling context: `take` from the run loop, with a choice the machine
 * listed (choices.ts); nothing else is running.
 */
import type { Footprint } from "../cell.js";
import { type Choice, choiceArg, choiceCpu, ChoiceKind, type ChoiceKindCode, choiceKind } from "../choice.js";
import type { Cpu } from "../cpu.js";
import { KernelPanic, MachineConfigError, ModelError } from "../errors.js";
import { describeOp, isCellOp, type LoadOp, type Op, type RmwOp, type StoreOp, unreachable } from "../ops.js";
import type { Thread, TimeoutSpec } from "../thread.js";
import type { Tx } from "../tx.js";
import { access, charge, failedRmw, store, withScope } from "./access.js";
import { choiceTime } from "./choices.js";
import type { Core, Scope } from "./core.js";
import { emit } from "./events.js";
import { afterStep, failed } from "./failure.js";
import { oweAll, takeIpi } from "./ipiq.js";
import {
  advance,
  dispatch,
  enqueue,
  fireInterrupt,
  fireTimeout,
  leave,
  mpLock,
  mpUnlock,
  oweDispatch,
} from "./lwkt.js";
import { finishSpin } from "./spin.js";
import { pushChoice } from "./trail.js";

/** Returned by `perform` when the thread left its cpu (no resume this step). */
const LEFT: unique symbol = Symbol("left");

/** Take one enabled choice: a step of the run. */
export function take(core: Core, choice: Choice): void {
  const cpu = core.cpus[choiceCpu(choice)]!;
  const kind = choiceKind(choice);
  const stepper = kind === ChoiceKind.step ? cpu.current! : null;
  // A thread's step happens now; anything else (and a woken spinner's
  // re-test) may have to wait for its time.
  if (stepper === null || stepper.spinSince !== 0) waitFor(cpu, choiceTime(core, choice));
  core.stepCount++;
  core.stepSends = 0;
  // The step may change its cpu and the cpu's threads (other cpus are stamped where they are written).
  cpu.ver++;
  pushChoice(core, choice);
  if (core.eventsOn || core.recording) newStepRecord(core, cpu, stepper);
  cpu.counters.steps++;
  if (core.tracker !== null) core.tracker.step(kind, cpu, choice, stepper, core.threads);
  try {
    if (stepper !== null) stepThread(core, cpu, stepper);
    else takeOther(core, cpu, kind, choice);
    // An idle cpu whose run queue gained a thread during this step (an IPI
    // or timeout handler made one runnable) switches to it in a step of its
    // own: in 2005 the callout ran in the softclock thread and the IPI in
    // the idle loop, and whatever was pending on the cpu could run before
    // the woken thread resumed. A handler that woke nobody (a token
    // request served) is followed by the idle loop's retry in its step.
    // Under the same-step model (replaying kprim1/kprim2 schedules) the
    // handler's step resumes the woken thread, as the machine did then.
    if (cpu.current === null && cpu.runqMask !== 0 && (cpu.runqGrew || cpu.dispatchStep !== core.stepCount)) {
      if (stepper === null && cpu.runqGrew && !core.sameStepDispatch) oweDispatch(core, cpu);
      else dispatch(core, cpu);
    }
    core.actor = null;
  } catch (e) {
    failed(core, e, stepper);
    core.actor = null;
  }
  if (core.outcome === null && (core.detectors.length !== 0 || core.reports.length !== 0)) {
    afterStep(core, choice, cpu, stepper);
  }
}

/** Fresh per-step event and footprint logs (for detectors; a trace alone needs no step's events); a thread step's op event. */
function newStepRecord(core: Core, cpu: Cpu, stepper: Thread | null): void {
  if (core.eventsOn && core.detectors.length !== 0) core.stepEvents = [];
  if (core.recording) {
    // Emptied by pops: `length = 0` gives up the arrays' storage (every step would allocate it again) and is a slow builtin.
    const reads = core.fpReads;
    while (reads.length !== 0) reads.pop();
    const writes = core.fpWrites;
    while (writes.length !== 0) writes.pop();
  }
  if (stepper !== null && core.eventsOn) emitOp(core, cpu, stepper, stepper.op!);
}

/** Move the cpu's clock on to `t0` if that is later (idle cycles if it has no thread). */
function waitFor(cpu: Cpu, t0: number): void {
  if (t0 > cpu.clock) {
    if (cpu.current === null) cpu.counters.idleCycles += t0 - cpu.clock;
    cpu.clock = t0;
  }
}

/** A choice other than a thread step. */
function takeOther(core: Core, cpu: Cpu, kind: ChoiceKindCode, choice: Choice): void {
  switch (kind) {
    case ChoiceKind.ipi:
      takeIpi(core, cpu, choiceArg(choice));
      break;
    case ChoiceKind.interrupt:
      fireInterrupt(core, cpu, core.threads[choiceArg(choice)]!);
      break;
    case ChoiceKind.timeout:
      fireTimeout(core, cpu, core.threads[choiceArg(choice)]!);
      break;
    case ChoiceKind.dispatch:
      cpu.dispatchReady = false;
      dispatch(core, cpu);
      break;
    default:
      throw new MachineConfigError(`bad choice ${choice}`);
  }
}

// ------------------------------------------------------------ thread steps

function stepThread(core: Core, cpu: Cpu, t: Thread): void {
  const o = t.op!;
  t.op = null;
  t.performed++;
  core.actor = t;
  const r = perform(core, cpu, t, o);
  if (r !== LEFT) advance(core, cpu, t, r);
}

function emitOp(core: Core, cpu: Cpu, t: Thread, o: Op): void {
  if (isCellOp(o)) emit(core, cpu.index, t, "op", o.cell.name, o.op);
  else emit(core, cpu.index, t, "op", undefined, describeOp(o));
}

/** The plain accesses here, small enough for V8 to inline into the step; every other op in `performOther`. */
function perform(core: Core, cpu: Cpu, t: Thread, o: Op): unknown {
  switch (o.op) {
    case "load":
      return access(core, cpu, o.cell, false, 0);
    case "store":
      access(core, cpu, o.cell, true, 0);
      store(core, cpu, o.cell, o.value);
      return undefined;
    case "add":
    case "or":
    case "and": {
      const old = access(core, cpu, o.cell, true, core.cost.atomic) as number;
      const v = o.op === "add" ? old + o.operand : o.op === "or" ? (old | o.operand) >>> 0 : (old & o.operand) >>> 0;
      store(core, cpu, o.cell, v);
      return undefined;
    }
    default:
      return performOther(core, cpu, t, o);
  }
}

function performOther(core: Core, cpu: Cpu, t: Thread, o: Exclude<Op, LoadOp | StoreOp | RmwOp>): unknown {
  switch (o.op) {
    case "cas": {
      const cur = access(core, cpu, o.cell, true, core.cost.atomic) as number;
      if (cur === o.expect) {
        store(core, cpu, o.cell, o.value);
        return true;
      }
      failedRmw(core, o.cell);
      return false;
    }
    case "cmpxchg": {
      const old = access(core, cpu, o.cell, true, core.cost.atomic) as number;
      if (old === o.expect) store(core, cpu, o.cell, o.value);
      else failedRmw(core, o.cell);
      return old;
    }
    case "swap": {
      const old = access(core, cpu, o.cell, true, core.cost.atomic);
      store(core, cpu, o.cell, o.value);
      return old;
    }
    case "fetch-add": {
      const old = access(core, cpu, o.cell, true, core.cost.atomic) as number;
      store(core, cpu, o.cell, old + o.delta);
      return old;
    }
    case "atomic":
      return runAtomic(core, cpu, t, typeof o.fp === "function" ? o.fp() : o.fp, o.fn);
    case "spin":
      return finishSpin(core, cpu, t, o);
    case "yield":
      t.state = "runnable";
      enqueue(cpu, t);
      leave(core, cpu, t, o.label ?? "lwkt_yield");
      return LEFT;
    case "ipi-point":
      oweAll(core, cpu);
      if (core.eventsOn) emit(core, cpu.index, t, "ipi-point", undefined, o.label);
      return undefined;
    case "mp-lock":
      return mpLock(core, cpu, t) ? LEFT : undefined;
    case "mp-unlock":
      mpUnlock(core, cpu, t);
      return undefined;
    case "nop":
      charge(core, cpu, o.cycles);
      return undefined;
    default:
      return unreachable(o);
  }
}

// -------------------------------------------------------- atomic closures

/**
 * The block request of the atomic step whose scope just closed: set by
 * `keepBlock` as `runAtomic`'s scope closes, read and cleared by it at once
 * (null at every other moment, so no run's state). A closure over a local
 * instead would cost every atomic step a closure and its context.
 */
let closedBlock: Scope["block"] = null;

function keepBlock(s: Scope): void {
  closedBlock = s.block;
}

/** Run an atomic closure as the thread's step; one that asked to block leaves the cpu with its result kept. */
function runAtomic(core: Core, cpu: Cpu, t: Thread, fp: Footprint, fn: (tx: Tx) => unknown): unknown {
  const r = withScope(core, cpu, t, t, fp, false, false, fn, undefined, keepBlock);
  const b = closedBlock;
  if (b !== null) {
    closedBlock = null;
    t.state = "blocked";
    t.wait = { waitsOn: b.waitsOn, timeout: b.timeout ?? null, since: cpu.clock };
    if (b.timeout) {
      cpu.timed.push(t);
      cpu.moreChoices = true;
    }
    t.resumeValue = r;
    leave(core, cpu, t, b.waitsOn);
    return LEFT;
  }
  return r;
}

/** `tx.block`: the stepping thread blocks when its closure returns. */
export function requestBlock(core: Core, waitsOn: string, timeout: TimeoutSpec | undefined): void {
  const s = core.scope!;
  if (s.intr || s.cpu.intrLevel > 0) {
    throw new KernelPanic(`blocking (${waitsOn}) at interrupt level ${s.cpu.intrLevel}`);
  }
  if (s.stepping === null) throw new ModelError(`only a thread step may block (${waitsOn})`, null, core.stepCount);
  s.block = { waitsOn, timeout };
}
