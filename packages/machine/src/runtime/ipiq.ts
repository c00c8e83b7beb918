/**
 * IPI queues (`lwkt_ipiq.c`): one FIFO per (sender, target) pair, 32 deep.
 *
 * - A send to oneself runs the function at once, inside the sender's step.
 * - Otherwise the message is queued on the target; each non-empty FIFO's
 *   head is a choice of the target cpu, taken outside a critical section or
 *   when owed. Taking it runs the handler at interrupt level (above zero
 *   while it runs: blocking there panics).
 * - A message owed is one that must run before the current thread's next
 *   step: every queued message when the thread leaves its outermost critical
 *   section or reaches an explicit IPI-processing point.
 * - A thread whose send leaves the FIFO over half full drains it: before it
 *   resumes, it processes its own incoming IPIs until the FIFO is down to a
 *   quarter (`drainFifo`). `sendIpiNowait` fails instead; a handler that
 *   would overflow a FIFO panics.
 * - Each FIFO stands as a shared cell (its value: the queued count), written
 *   by a send and a take, so that explorers see a send and a take conflict.
 *
 * Calling context: `sendIpi` inside a step scope (the sender's cpu),
 * `takeIpi` as a choice of the target cpu.
 */
import type { Cell, Footprint } from "../cell.js";
import { type Cpu, IPI_FIFO_CAPACITY, type IpiMessage, NO_MESSAGES } from "../cpu.js";
import { KernelPanic, MachineConfigError } from "../errors.js";
import { type Gen, op } from "../ops.js";
import type { Tx } from "../tx.js";
import { access, NO_FOOTPRINT, store, withScope } from "./access.js";
import { type Core, newCell } from "./core.js";
import { emit } from "./events.js";
import { notifyIpiWatchers } from "./spin.js";

/** `lwkt_send_ipiq` (`nowait`: `lwkt_send_ipiq_nowait`, false when the FIFO is half full) from `from` to cpu `to`. */
export function sendIpi(
  core: Core,
  from: Cpu,
  to: number,
  label: string,
  fn: (tx: Tx) => void,
  fp: Footprint | undefined,
  nowait: boolean,
): boolean {
  if (!Number.isInteger(to) || to < 0 || to >= core.ncpus) {
    throw new MachineConfigError(`IPI to cpu ${String(to)} on a ${core.ncpus}-cpu machine`);
  }
  const scope = core.scope!;
  if (to === from.index) {
    withScope(core, from, scope.thread, scope.stepping, fp ?? null, scope.intr, false, fn);
    return true;
  }
  const target = core.cpus[to]!;
  const q = fifoFrom(target, from.index);
  const half = IPI_FIFO_CAPACITY / 2;
  if (nowait && q.length + 1 > half) return false;
  if (q.length >= IPI_FIFO_CAPACITY) {
    throw new KernelPanic(`lwkt_send_ipiq: FIFO cpu${from.index}->cpu${to} overflow`);
  }
  const origin = core.tracker === null ? null : core.tracker.sent(to);
  const msg: IpiMessage = { id: core.nextMsgId++, from: from.index, to, label, fn, fp, sentAt: from.clock, origin };
  q.push(msg);
  target.ver++;
  target.inbox |= 1 << from.index;
  target.moreChoices = true;
  const fc = fifoCell(core, from.index, to);
  access(core, from, fc, true, core.cost.ipiSend);
  store(core, from, fc, q.length);
  from.counters.ipisSent++;
  core.stepSends |= 1 << to;
  if (core.eventsOn) emit(core, from.index, scope.thread, "ipi-send", label, `to cpu${to}`, to, msg.id);
  notifyIpiWatchers(core, target, from.clock);
  const stepping = scope.stepping;
  if (!nowait && q.length > half && stepping !== null && !scope.intr) stepping.drainTarget = to;
  return true;
}

/** The FIFO from cpu `s` to `cpu`, made on its first message. */
function fifoFrom(cpu: Cpu, s: number): IpiMessage[] {
  let q = cpu.incoming[s]!;
  if (q === NO_MESSAGES) cpu.incoming[s] = q = [];
  return q;
}

/** The shared cell standing for the FIFO from `from` to `to` (its value: the queued count), made on first use. */
export function fifoCell(core: Core, from: number, to: number): Cell<number> {
  const target = core.cpus[to]!;
  let c = target.fifoCells[from];
  if (c === undefined) {
    c = newCell(core, `ipiq${from}->${to}`, 0, -1);
    c.fifo = { from, to };
    target.fifoCells[from] = c;
  }
  return c;
}

/** Take the head of the FIFO from `from` on `cpu` and run its handler at interrupt level. */
export function takeIpi(core: Core, cpu: Cpu, from: number): void {
  const q = cpu.incoming[from]!;
  const msg = q.shift()!;
  if (q.length === 0) cpu.inbox &= ~(1 << from);
  if (cpu.owed[from]! > 0) {
    cpu.owed[from]!--;
    cpu.owedTotal--;
  }
  const fc = fifoCell(core, from, cpu.index);
  access(core, cpu, fc, true, core.cost.ipiTake);
  store(core, cpu, fc, q.length);
  cpu.counters.ipisTaken++;
  if (core.eventsOn) emit(core, cpu.index, cpu.current, "ipi-take", msg.label, `from cpu${from}`, from, msg.id);
  cpu.intrLevel++;
  try {
    withScope(core, cpu, cpu.current, null, msg.fp ?? NO_FOOTPRINT, true, false, msg.fn);
  } finally {
    cpu.intrLevel--;
  }
  notifyIpiWatchers(core, cpu, cpu.clock);
}

/** Every message queued on `cpu` now must run before its current thread's next step. */
export function oweAll(core: Core, cpu: Cpu): void {
  if (cpu.inbox === 0) return;
  let total = 0;
  for (let s = 0; s < core.ncpus; s++) {
    const n = cpu.incoming[s]!.length;
    cpu.owed[s] = n;
    total += n;
  }
  cpu.owedTotal = total;
}

/** `lwkt_send_ipiq` over half full: process own incoming IPIs until the FIFO drains to a quarter. */
export function* drainFifo(core: Core, me: number, target: number, value: unknown): Gen<unknown> {
  const fc = fifoCell(core, me, target);
  for (;;) {
    yield op.ipiPoint(`lwkt_send_ipiq: FIFO to cpu${target} over half full`);
    const len = (yield op.load(fc)) as number;
    if (len <= IPI_FIFO_CAPACITY / 4) return value;
    yield op.spin(`ipiq${me}->${target} drain`, [fc], (tx) => tx.read(fc) <= IPI_FIFO_CAPACITY / 4, {
      wakeOnIpi: true,
    });
  }
}
