/**
 * The enabled set: at each step boundary, the choices a strategy may take,
 * in cpu order — step the current thread; take the head of one sender's IPI
 * FIFO (outside a critical section, or owed); an interrupt thread arrives or
 * preempts; a sleeper's timeout fires; an idle cpu retries its dispatch.
 * Everything else (the switch to the next runnable thread) is deterministic.
 * Also what a choice is: when it would happen in simulated time, and how it
 * reads.
 *
 * Calling context: between steps. Listing changes nothing a run depends on;
 * it only forgets flags that can no longer enable anything (a dispatch
 * retry that could not act, an owed preemption no longer possible, a cpu
 * with nothing but its thread to step).
 */
import { type Choice, choiceArg, choiceCpu, ChoiceKind, choiceKind, formatChoice, makeChoice } from "../choice.js";
import type { Cpu } from "../cpu.js";
import type { ResumeOutlook } from "../hooks.js";
import { describeOp } from "../ops.js";
import type { Thread } from "../thread.js";
import type { Core } from "./core.js";

/** Fill `core.choiceBuf` with the enabled choices, in cpu order; returns how many. */
export function collectChoices(core: Core): number {
  const buf = core.choiceBuf;
  const cpus = core.cpus;
  let n = 0;
  for (let i = 0; i < cpus.length; i++) {
    const cpu = cpus[i]!;
    // The common case, kept small enough to inline into the run loop: a cpu
    // with no IPI queued, no interrupt thread, no timeout armed and no
    // dispatch pending can only step its current thread.
    if (cpu.moreChoices) {
      n = collectCpuChoices(core, cpu, buf, n);
    } else if (cpu.current !== null && cpu.owedTotal === 0 && !cpu.current.spinning && cpu.current.op !== null) {
      buf[n++] = cpu.stepChoice;
    }
  }
  // Setting an array's length is a slow builtin: drop the extra entries by pop (filling went by index).
  while (buf.length > n) buf.pop();
  return n;
}

/** Append the enabled choices of one cpu to `buf` from index `n`; returns the new count. */
function collectCpuChoices(core: Core, cpu: Cpu, buf: Choice[], n: number): number {
  const i = cpu.index;
  const cur = cpu.current;
  // A change that cannot let any runnable thread run (nor make its check
  // do anything) is forgotten: the idle cpu keeps watching. An owed
  // dispatch (after a wake) is not: it is the switch that starts watching.
  if (cpu.dispatchReady && cur === null && !cpu.dispatchOwed && !dispatchMayAct(core, cpu)) cpu.dispatchReady = false;
  let stepAt = -1;
  if (cur !== null && cpu.owedTotal === 0 && !cur.spinning && cur.op !== null) {
    stepAt = n;
    buf[n++] = cpu.stepChoice;
  }
  if (cpu.inbox !== 0) {
    const open = cur === null || cur.crit === 0;
    const seen = cur === null && cpu.dispatchReady ? cpu.dispatchReadyMsg : Infinity;
    for (let m = cpu.inbox, s = 0; m !== 0; m >>>= 1, s++) {
      if ((m & 1) !== 0 && (open || cpu.owed[s]! > 0) && cpu.incoming[s]![0]!.id < seen) {
        buf[n++] = makeChoice(i, ChoiceKind.ipi, s);
      }
    }
  }
  if (cpu.ithreads.length !== 0) {
    // An armed interrupt may arrive at any boundary (inside a critical
    // section it becomes pending); a pending one preempts when allowed.
    let owedPreempt = false;
    for (const it of cpu.ithreads) {
      if (it.state === "armed") {
        buf[n++] = makeChoice(i, ChoiceKind.interrupt, it.id);
      } else if (
        it.state === "runnable" &&
        cur !== null &&
        cpu.owedTotal === 0 &&
        (cur.crit === 0 || cpu.intrOwed) &&
        preemptOk(core, cpu, it, cur)
      ) {
        buf[n++] = makeChoice(i, ChoiceKind.interrupt, it.id);
        if (cpu.intrOwed) owedPreempt = true;
      }
    }
    if (cpu.intrOwed && !owedPreempt) cpu.intrOwed = false;
    // The owed preemption comes before the thread's next step.
    if (owedPreempt && stepAt >= 0) {
      buf.splice(stepAt, 1);
      n--;
    }
  }
  if (cpu.timed.length !== 0 && (cur === null || (cur.crit === 0 && cpu.owedTotal === 0))) {
    for (const t of cpu.timed) buf[n++] = makeChoice(i, ChoiceKind.timeout, t.id);
  }
  if (cpu.dispatchReady && cur === null) buf[n++] = makeChoice(i, ChoiceKind.dispatch);
  cpu.moreChoices = cpu.inbox !== 0 || cpu.dispatchReady || cpu.ithreads.length !== 0 || cpu.timed.length !== 0;
  return n;
}

/**
 * Could a dispatch attempt on idle `cpu` do anything now — resume a thread,
 * or run a resume check that changes shared state? A thread needing the MP
 * lock another cpu holds fails having only read it.
 */
function dispatchMayAct(core: Core, cpu: Cpu): boolean {
  const owner = core.mplock;
  for (let mask = cpu.runqMask; mask !== 0;) {
    const pri = 31 - Math.clz32(mask);
    mask &= ~(1 << pri);
    for (const t of cpu.runq[pri]!) {
      if (t.mpcount > 0 && owner.v !== -1 && owner.v !== cpu.index) continue;
      if (resumeOutlook(core, t) !== "waits") return true;
    }
  }
  return false;
}

function resumeOutlook(core: Core, t: Thread): ResumeOutlook {
  for (const h of core.hooks) {
    if (!h.canResume) continue;
    const o = h.resumeOutlook ? h.resumeOutlook(core.view, t) : "acts";
    if (o !== "runs") return o;
  }
  return "runs";
}

/** `lwkt_preempt`'s conditions on the preemptor (priority, no tokens, MP lock), the critical section aside. */
export function preemptOk(core: Core, cpu: Cpu, it: Thread, cur: Thread): boolean {
  if (it.pri <= cur.pri) return false;
  for (const h of core.hooks) if (h.canPreempt && !h.canPreempt(it)) return false;
  if (it.mpcount > 0 && core.mplock.v !== -1 && core.mplock.v !== cpu.index) return false;
  return true;
}

/** May `it` preempt `cur` now: outside a critical section, or owed at its end. */
export function canPreempt(core: Core, cpu: Cpu, it: Thread, cur: Thread): boolean {
  if (cpu.owedTotal !== 0 || (cur.crit !== 0 && !cpu.intrOwed)) return false;
  return preemptOk(core, cpu, it, cur);
}

/** The simulated time at which a choice would happen (the timed strategy orders by it). */
export function choiceTime(core: Core, c: Choice): number {
  const cpu = core.cpus[choiceCpu(c)]!;
  switch (choiceKind(c)) {
    case ChoiceKind.step: {
      const t = cpu.current!;
      return t.op !== null && t.op.op === "spin" && t.spinSince > 0 ? Math.max(cpu.clock, t.spinReadyAt) : cpu.clock;
    }
    case ChoiceKind.ipi: {
      const head = cpu.incoming[choiceArg(c)]![0]!;
      return Math.max(cpu.clock, head.sentAt + core.cost.ipiLatency);
    }
    case ChoiceKind.timeout: {
      const t = core.threads[choiceArg(c)]!;
      const w = t.wait!;
      return Math.max(cpu.clock, w.since + (w.timeout?.ticks ?? 0) * core.cost.tick);
    }
    case ChoiceKind.dispatch:
      return Math.max(cpu.clock, cpu.dispatchReadyAt);
    case ChoiceKind.interrupt:
      return cpu.clock;
    default:
      return cpu.clock;
  }
}

/** "cpu0: step T_w (spin_lock L)" */
export function describeChoice(core: Core, c: Choice): string {
  const cpu = core.cpus[choiceCpu(c)]!;
  const arg = choiceArg(c);
  switch (choiceKind(c)) {
    case ChoiceKind.step: {
      const t = cpu.current;
      return `cpu${cpu.index}: step ${t?.name ?? "?"}${t?.op ? ` (${describeOp(t.op)})` : ""}`;
    }
    case ChoiceKind.ipi: {
      const head = cpu.incoming[arg]?.[0];
      return `cpu${cpu.index}: take IPI from cpu${arg}${head ? ` (${head.label})` : ""}`;
    }
    case ChoiceKind.interrupt:
      return `cpu${cpu.index}: interrupt thread ${core.threads[arg]?.name ?? arg}`;
    case ChoiceKind.timeout:
      return `cpu${cpu.index}: timeout of ${core.threads[arg]?.name ?? arg}`;
    case ChoiceKind.dispatch:
      return `cpu${cpu.index}: retry dispatch`;
    default:
      return formatChoice(c);
  }
}
