/**
 * How a run fails, and how it ends when nothing is left to do.
 *
 * - A `KernelPanic` thrown by kernel code ends the run with a `panic`
 *   outcome naming the thread. Anything else thrown inside a step is a bug
 *   in model code: a `ModelError` naming the thread and the step and
 *   carrying the choices taken up to it, thrown out of the run.
 * - Detectors and machine rules report violations during a step; after the
 *   step every detector has seen it, and the run ends with a `violation`
 *   listing every report of that step.
 * - With no choice enabled, detectors get one more look (a report there
 *   replaces a deadlock); then the run is `ok` if every non-daemon thread is
 *   done, else a `deadlock` naming what each one waits for.
 *
 * Calling context: `failed` from the step (or the start) that threw;
 * `report` during a step; `afterStep` after it; `quiesce` when nothing is
 * enabled.
 */
import type { Choice } from "../choice.js";
import type { Cpu } from "../cpu.js";
import { reportOf } from "../detector.js";
import { FootprintError, KernelPanic, MachineConfigError, ModelError } from "../errors.js";
import { unreachable } from "../ops.js";
import type { Outcome, Waiter } from "../outcome.js";
import type { Thread } from "../thread.js";
import type { Core } from "./core.js";
import { emit } from "./events.js";
import { choicesTaken } from "./trail.js";

/** A kernel panic becomes the panic outcome; anything else is a ModelError carrying the choices taken. */
export function failed(core: Core, e: unknown, stepper: Thread | null): void {
  const who = core.actor?.name ?? stepper?.name ?? (core.scope ? `cpu${core.scope.cpu.index}` : "machine");
  core.scope = null;
  if (e instanceof KernelPanic) {
    emit(core, core.actor?.cpu ?? 0, core.actor, "panic", undefined, e.message);
    core.outcome = { kind: "panic", message: e.message, thread: who, step: core.stepCount };
    return;
  }
  const choices = choicesTaken(core);
  const step = core.stepCount;
  if (e instanceof ModelError) throw new ModelError(e.message, e.thread, e.step, { cause: e.cause, choices });
  if (e instanceof FootprintError || e instanceof MachineConfigError) {
    throw new ModelError(`${e.message} (thread ${who}, step ${step})`, who, step, { cause: e, choices });
  }
  const msg = e instanceof Error ? e.message : String(e);
  throw new ModelError(`${who} threw at step ${step}: ${msg}`, who, step, { cause: e, choices });
}

/** A kernel context used by another thread than its own (or outside the run) is a model bug. */
export function checkActor(core: Core, t: Thread, what: string): void {
  if (core.actor !== t) {
    throw new ModelError(
      `${what} called for ${t.name} while ${core.actor?.name ?? "no thread"} is running (a kernel context was used outside its thread)`,
      t.name,
      core.stepCount,
    );
  }
}

/** A machine rule reports a violation at the current step. */
export function report(core: Core, detector: string, message: string, threads: readonly number[]): void {
  core.reports.push({ detector, message, threads });
}

/** After a step: every detector sees it; any report ends the run with a violation. */
export function afterStep(core: Core, choice: Choice, cpu: Cpu, stepper: Thread | null): void {
  if (core.detectors.length !== 0) {
    // One record for every step (a step's would be garbage at once).
    const rec = core.stepRecord;
    rec.index = core.stepCount;
    rec.choice = choice;
    rec.cpu = cpu.index;
    rec.thread = stepper?.id ?? -1;
    rec.events = core.stepEvents;
    rec.reads = core.fpReads;
    rec.writes = core.fpWrites;
    rec.sends = core.stepSends;
    for (const d of core.detectors) {
      const f = d.onStep?.(rec, core.view);
      if (f) core.reports.push(reportOf(d.name, f));
    }
  }
  if (core.reports.length !== 0) endWithViolation(core);
}

function endWithViolation(core: Core): void {
  const reports = core.reports;
  core.reports = [];
  const first = reports[0]!;
  const threads = [...new Set(reports.flatMap((r) => r.threads))];
  for (const r of reports) emit(core, 0, null, "violation", r.detector, r.message);
  core.outcome = {
    kind: "violation",
    detector: first.detector,
    message: first.message,
    step: core.stepCount,
    threads,
    reports,
  };
}

/** Nothing is enabled: detectors look once more, then the run is ok or a deadlock. */
export function quiesce(core: Core): void {
  for (const d of core.detectors) {
    const f = d.atQuiescence?.(core.view);
    if (f) core.reports.push(reportOf(d.name, f));
  }
  if (core.reports.length !== 0) {
    endWithViolation(core);
    return;
  }
  let waiters: Waiter[] | null = null;
  for (const t of core.threads) {
    if (t.state === "done" || t.daemon) continue;
    (waiters ??= []).push({ thread: t.id, name: t.name, cpu: t.cpu, waitsOn: describeWaiter(core, t) });
  }
  core.outcome = waiters === null ? OK : { kind: "deadlock", waiters, step: core.stepCount };
}

/** The outcome of every run that ended well (one object: most runs do). */
const OK: Outcome = Object.freeze({ kind: "ok" });

function describeWaiter(core: Core, t: Thread): string {
  switch (t.state) {
    case "running": {
      const o = t.op;
      if (o !== null && o.op === "spin") {
        const more = o.describe?.(core.view);
        return `spinning on ${o.label}${more ? ` ${more}` : ""}`;
      }
      return "running with nothing enabled";
    }
    case "blocked":
      return t.wait?.waitsOn ?? "blocked";
    case "runnable": {
      for (const h of core.hooks) {
        const d = h.describeWait?.(t);
        if (d) return d;
      }
      if (t.mpcount > 0 && core.mplock.v !== t.cpu) return `waiting for the MP lock held by cpu${core.mplock.v}`;
      return "runnable but never dispatched";
    }
    case "preempted":
      return "preempted";
    case "armed":
      return "interrupt pending while its cpu stays in a critical section";
    case "dormant":
      return "interrupt never armed";
    case "done":
      return "done";
    default:
      return unreachable(t.state as never);
  }
}
