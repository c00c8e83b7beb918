/**
 * wakeup / wakeup_one (spec §5.4).
 *
 * `_wakeup` on a cpu: scan this cpu's bucket for threads sleeping on the
 * ident; for each, clear its queued flag, unlink it, and schedule it (if the
 * bucket is now empty, clear this cpu's bit — only a cpu clears its own bit);
 * with ONE, stop after the first. Then, unless ONE was satisfied, reach the
 * other cpus whose bit is set:
 * - chain (default): IPI `_wakeup` to the next cpu with a set bit after this
 *   one, wrapping around but not past the starting cpu; that cpu repeats —
 *   one asynchronous hop per cpu;
 * - multicast: the starting cpu sends `_wakeup` (this-cpu-only) to every cpu
 *   whose bit is set. wakeup_one always chains (a multicast cannot stop at
 *   the first match).
 *
 * Calling context: any; never blocks; returns before remote sleepers are
 * scheduled. Runs inside one atomic step (or one IPI handler) per cpu.
 */
import { type Gen, type KernelContext, maskHas, maskNextAfter, type Tx } from "@kprim/machine";
import { bucketOf, bucketToChange, type Ident, type SleepHash, sleepState, writesMask } from "./hash.js";
import { sleepHash } from "./system.js";

interface WakeMode {
  readonly one: boolean;
  /** The cpu the wakeup started on (the chain stops before returning to it). */
  readonly start: number;
  /** Handle this cpu only (multicast hops). */
  readonly mycpu: boolean;
}

/**
 * `wakeup(ident)`: make every thread sleeping on `ident` runnable — this
 * cpu's at once, other cpus' by the chain (or multicast) of `_wakeup` IPIs,
 * which run there after this returns.
 *
 * Calling context: any thread, with or without locks or a critical section
 * (a spinlock holder may call it); never blocks.
 */
export function* wakeup(k: KernelContext, ident: Ident): Gen<void> {
  yield* startWakeup(k, ident, false);
}

/**
 * `wakeup_one(ident)`: make one thread sleeping on `ident` runnable — the
 * first found on this cpu, else the first on the next cpu along the chain
 * whose bit is set (a cpu whose bit is set but has no such sleeper passes
 * the wakeup on).
 *
 * Calling context: as wakeup; never blocks.
 */
export function* wakeupOne(k: KernelContext, ident: Ident): Gen<void> {
  yield* startWakeup(k, ident, true);
}

function* startWakeup(k: KernelContext, ident: Ident, one: boolean): Gen<void> {
  const h = sleepHash(k.machine);
  yield* k.atomic(`${one ? "wakeup_one" : "wakeup"} ${ident.name}`, writesMask(h, bucketOf(ident)), (tx) => {
    tx.event("sleepq.wakeup", ident.name, one ? "wakeup_one" : "wakeup");
    wakeupHere(tx, h, ident, { one, start: tx.cpu, mycpu: false });
  });
}

/**
 * `_wakeup` on the current cpu, then onward: inside one atomic step or one
 * IPI handler (at interrupt level). Asserts, as DragonFly does, that every
 * matching thread found in the bucket is marked as queued.
 */
export function wakeupHere(tx: Tx, h: SleepHash, ident: Ident, mode: WakeMode): void {
  const b = bucketOf(ident);
  const maskCell = h.masks[b]!;
  const q = bucketToChange(tx, h, b);
  let woke = false;
  for (let i = 0; i < q.length;) {
    const t = q[i]!;
    const st = sleepState(t);
    if (st.wchan !== ident) {
      i++;
      continue;
    }
    if (!st.queued) tx.panic("assertion: td->td_flags & TDF_TSLEEPQ in _wakeup");
    q.splice(i, 1);
    st.queued = false;
    tx.event("sleepq.woken", ident.name, t.name, t.id);
    tx.schedule(t);
    woke = true;
    if (mode.one) break;
  }
  const bit = 1 << tx.cpu;
  if (q.length === 0 && (tx.read(maskCell) & bit) !== 0) tx.write(maskCell, (tx.read(maskCell) & ~bit) >>> 0);
  if (mode.mycpu || (mode.one && woke)) return;
  const mask = tx.read(maskCell);
  const fp = writesMask(h, b);
  if (h.form === "multicast" && !mode.one) {
    for (let c = 0; c < h.machine.ncpus; c++) {
      if (c === tx.cpu || !maskHas(mask as never, c)) continue;
      tx.sendIpi(c, `_wakeup_mycpu(${ident.name})`, (itx) => wakeupHere(itx, h, ident, { ...mode, mycpu: true }), fp);
    }
    return;
  }
  const next = maskNextAfter(mask as never, tx.cpu, mode.start, h.machine.ncpus);
  if (next >= 0) tx.sendIpi(next, `_wakeup(${ident.name})`, (itx) => wakeupHere(itx, h, ident, mode), fp);
}
