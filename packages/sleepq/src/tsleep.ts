/**
 * tsleep and tsleep_interlock (spec §5.3, §5.5), as DragonFly's per-cpu sleep
 * queues have them (kern_synch.c of 2006, which the November 2005 post
 * describes).
 *
 * Protects: nothing by itself — the caller's condition is protected by the
 * caller's lock; tsleep only guarantees that a wakeup issued after the
 * caller's interlock point reaches it.
 *
 * `tsleep(ident, flags, wmesg, timo)`: inside a critical section, in one
 * step: append this thread to its cpu's bucket, set the cpu's bit in the
 * bucket's cpumask, arm the timeout (timo > 0) and switch out. From the
 * critical section's start to the switch there is no blocking point, so no
 * wakeup IPI can run on this cpu before the thread is queued. On resumption:
 * 0 if woken, EWOULDBLOCK if the timeout fired first; then leave the critical
 * section — where the IPIs deferred on this cpu run.
 *
 * `tsleep_interlock(ident)`: set this cpu's bit in the bucket's cpumask.
 * Nothing else: no queueing, no assertion. It only means something if the
 * caller stays in a critical section, with no blocking point and no explicit
 * IPI processing, until tsleep has queued it — the `interlock-discipline`
 * detector reports a violation of that at the faulty step.
 *
 * Calling context: thread context, not at interrupt level. tsleep blocks.
 */
import { type Gen, type KernelContext, type Thread, type Tx } from "@kprim/machine";
import { EWOULDBLOCK } from "./errno.js";
import { bucketOf, bucketToChange, type Ident, type SleepHash, sleepState, writesMask } from "./hash.js";
import { sleepHash } from "./system.js";

export interface TsleepFlags {
  /** The caller used tsleep_interlock(ident) first (PINTERLOCKED). */
  readonly interlocked?: boolean;
}

/**
 * `tsleep(ident, flags, wmesg, timo)`: sleep on `ident` until a wakeup of it
 * (0) or, with `timo` > 0, until `timo` ticks pass (EWOULDBLOCK). Queue
 * insertion, the cpumask bit, the timeout and the switch are one step inside
 * a critical section; the deferred IPIs of this cpu run when that section
 * ends, after the thread is back. Spurious returns (0 without the awaited
 * condition) are normal: callers loop. `flags.interlocked`: the caller used
 * tsleep_interlock(ident) first and is still in that critical section
 * (PINTERLOCKED).
 *
 * Calling context: thread context, not at interrupt level (lwkt_switch
 * panics there, as DragonFly's does), no spinlock held (a blocking point:
 * the machine reports `spinlock-blocking`). Blocks. Asserts on return, as
 * DragonFly does, that it is off the sleep queue.
 */
export function* tsleep(k: KernelContext, ident: Ident, flags: TsleepFlags, wmesg: string, timo: number): Gen<number> {
  if (k.intrNestingLevel > 0) k.panic("lwkt_switch: cannot switch from within a fast interrupt, yet");
  const h = sleepHash(k.machine);
  const t = k.thread;
  const st = sleepState(t);
  const b = bucketOf(ident);
  const mask = h.masks[b]!;
  k.critEnter();
  yield* k.atomic(`tsleep ${ident.name}`, writesMask(h, b), (tx) => {
    bucketToChange(tx, h, b).push(t);
    st.queued = true;
    st.timedOut = false;
    st.wchan = ident;
    st.wmesg = wmesg;
    tx.write(mask, (tx.read(mask) | (1 << tx.cpu)) >>> 0);
    tx.event("sleepq.tsleep", ident.name, `${wmesg}${flags.interlocked ? " interlocked" : ""}`);
    tx.block(
      `asleep on ${ident.name} (${wmesg})`,
      timo > 0
        ? { ticks: timo, label: `endtsleep(${t.name})`, fire: (ftx) => endtsleep(ftx, h, t), fp: writesMask(h, b) }
        : undefined,
    );
  });
  // Still on a queue after getting the cpu back: TDF_TSLEEPQ set.
  if (st.queued) k.panic("tsleep: impossible thread flags (TDF_TSLEEPQ set)");
  const error = st.timedOut ? EWOULDBLOCK : 0;
  st.timedOut = false;
  st.wchan = null;
  k.critExit();
  return error;
}

/**
 * `endtsleep`: the timeout of a sleeper, run on its cpu at interrupt level
 * when its ticks pass: if it is still queued, take it off (clearing this
 * cpu's bit if the bucket empties), mark it timed out and schedule it; if a
 * wakeup took it off first, nothing. Exported for tsleep rewrites: pass
 * `(ftx) => endtsleep(ftx, h, t)` as the `fire` of `tx.block`'s timeout,
 * with the footprint `{ writes: [the bucket's mask cell] }`.
 */
export function endtsleep(tx: Tx, h: SleepHash, t: Thread): void {
  const st = sleepState(t);
  if (!st.queued || st.wchan === null) return;
  const b = bucketOf(st.wchan);
  const q = bucketToChange(tx, h, b);
  q.splice(q.indexOf(t), 1);
  st.queued = false;
  st.timedOut = true;
  const maskCell = h.masks[b]!;
  const bit = 1 << tx.cpu;
  if (q.length === 0 && (tx.read(maskCell) & bit) !== 0) tx.write(maskCell, (tx.read(maskCell) & ~bit) >>> 0);
  tx.schedule(t);
}

/**
 * `tsleep_interlock(ident)`: set this cpu's bit in the bucket's cpumask, so
 * that a wakeup of `ident` from here on sends its IPI to this cpu. Nothing
 * else: no queueing, no state in the thread.
 *
 * Calling context: thread context, in a critical section that lasts, with
 * no blocking point and no explicit IPI processing, until tsleep(ident) has
 * queued the thread (the `interlock-discipline` detector reports a breach at
 * its step; DragonFly asserts nothing here). Never blocks.
 */
export function* tsleepInterlock(k: KernelContext, ident: Ident): Gen<void> {
  const h = sleepHash(k.machine);
  const b = bucketOf(ident);
  const mask = h.masks[b]!;
  yield* k.atomic(`tsleep_interlock ${ident.name}`, writesMask(h, b), (tx) => {
    tx.write(mask, (tx.read(mask) | (1 << tx.cpu)) >>> 0);
    tx.event("sleepq.interlock", ident.name, `crit ${k.crit}`);
  });
}
