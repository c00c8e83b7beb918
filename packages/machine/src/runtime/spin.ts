/**
 * Spin-until waits (`k.spinUntil`, the spinlock's and the 2005 token's
 * contested loops): one step on watched cells with a test. The thread is
 * disabled while the test is false and re-enabled by a write to a watched
 * cell that makes it true (access.ts wakes it) or, for `wakeOnIpi`, by an
 * IPI queued on its cpu; taking the step re-tests. The cycles spent waiting
 * are charged as spin cycles.
 *
 * Calling context: `beginSpin` when the thread yields its spin op,
 * `finishSpin` when the step is taken, `notifyIpiWatchers` when an IPI is
 * queued on or taken from the cpu.
 */
import { addWatcher, removeWatcher } from "../cell.js";
import type { Cpu } from "../cpu.js";
import type { SpinOp } from "../ops.js";
import type { Thread } from "../thread.js";
import { reevaluateSpin, spinFootprint, withScope } from "./access.js";
import type { Core } from "./core.js";
import { emit } from "./events.js";

/** The thread yielded a spin op: watch its cells (and IPI arrivals), then test once. */
export function beginSpin(core: Core, cpu: Cpu, t: Thread, o: SpinOp): void {
  for (const c of o.watch) addWatcher(c, t);
  if (o.wakeOnIpi) cpu.ipiWatchers.push(t);
  t.spinSince = 0;
  reevaluateSpin(core, cpu, t, o, cpu.clock);
}

/** The spin step is taken: stop watching, test for real; its result is the step's. */
export function finishSpin(core: Core, cpu: Cpu, t: Thread, o: SpinOp): boolean {
  for (const c of o.watch) removeWatcher(c, t);
  if (o.wakeOnIpi) {
    const i = cpu.ipiWatchers.indexOf(t);
    if (i >= 0) cpu.ipiWatchers.splice(i, 1);
  }
  const ok = withScope(core, cpu, t, t, spinFootprint(core, o), false, false, o.test);
  if (t.spinSince > 0) {
    cpu.counters.spinCycles += Math.max(0, cpu.clock - t.spinSince);
    if (core.eventsOn) emit(core, cpu.index, t, "spin-done", o.label);
    t.spinSince = 0;
  }
  return ok;
}

/** The cpu's IPI queue changed at `at`: spinners that wake on IPIs re-test. */
export function notifyIpiWatchers(core: Core, cpu: Cpu, at: number): void {
  if (cpu.ipiWatchers.length === 0) return;
  for (const t of cpu.ipiWatchers.slice()) {
    const o = t.op;
    if (o !== null && o.op === "spin") reevaluateSpin(core, cpu, t, o, at);
  }
}
