/**
 * tsleep rewritten from @kprim/sleepq's exported helpers (the copy-on-write
 * bucket access `bucketToChange` — the empty bucket every bucket starts as is
 * shared and frozen —, the per-thread sleep state, the timeout's
 * `endtsleep`), as a plugin author would: one body, correct or with one
 * mistake. A layer that replaces only `tsleep` sleeps with it on every path
 * (the built-in msleep calls the layer's tsleep).
 *
 * `timeoutLeavesSleeperQueued` — broken on purpose: the timeout of a sleeper
 * schedules it and marks it timed out, but leaves it on its cpu's sleep
 * queue; tsleep, on the way out, takes itself off the queue if it is still
 * there — a step of its own, in its critical section. Between the timeout
 * and that clean-up the stale entry is still on the queue (and the cpu's bit
 * in the bucket's cpumask still set): a wakeup that reaches the cpu in the
 * window takes the stale entry for a sleeper, unlinks it and schedules a
 * thread that is already runnable — and wakeup_one stops there, so the
 * wakeup meant for a real sleeper is spent on one that had already given up.
 * Only something that runs on the sleeper's cpu between the timeout and the
 * sleeper's first step can see the window: an IPI handler while the cpu
 * waits to dispatch it.
 */
import type { Gen, KernelContext, Thread, Tx } from "@kprim/machine";
import {
  bucketOf,
  bucketToChange,
  endtsleep,
  EWOULDBLOCK,
  type Ident,
  type SleepHash,
  sleepHash,
  sleepqLayer,
  type SleepqLayer,
  sleepState,
  type TsleepFlags,
} from "@kprim/sleepq";

/** What the timeout does: the exported `endtsleep`, or (BUG) leave its sleeper queued. */
export type TimeoutMode = "endtsleep" | "leave-queued";

type Tsleep = SleepqLayer["tsleep"];

/** BUG: the timeout leaves its sleeper on the queue (no unlink, `queued` stays set). */
function endtsleepLeavesQueued(tx: Tx, t: Thread): void {
  const st = sleepState(t);
  if (!st.queued || st.wchan === null || st.timedOut) return;
  st.timedOut = true;
  tx.schedule(t);
}

function fireOf(mode: TimeoutMode, h: SleepHash, t: Thread): (ftx: Tx) => void {
  return mode === "endtsleep" ? (ftx) => endtsleep(ftx, h, t) : (ftx) => endtsleepLeavesQueued(ftx, t);
}

/** A tsleep made of the exported helpers, its timeout as `mode` says. */
export function rewrittenTsleep(mode: TimeoutMode): Tsleep {
  return function* tsleep(
    k: KernelContext,
    ident: Ident,
    flags: TsleepFlags,
    wmesg: string,
    timo: number,
  ): Gen<number> {
    const h = sleepHash(k.machine);
    const t = k.thread;
    const st = sleepState(t);
    const b = bucketOf(ident);
    const mask = h.masks[b]!;
    k.critEnter();
    yield* k.atomic(`tsleep ${ident.name}`, { writes: [mask] }, (tx) => {
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
          ? { ticks: timo, label: `endtsleep(${t.name})`, fire: fireOf(mode, h, t), fp: { writes: [mask] } }
          : undefined,
      );
    });
    if (mode === "leave-queued" && st.queued) {
      // The late clean-up: off the queue now, and the bit cleared if the bucket emptied.
      yield* k.atomic(`tsleep unlink ${ident.name}`, { writes: [mask] }, (tx) => {
        const q = bucketToChange(tx, h, b);
        const i = q.indexOf(t);
        if (i >= 0) q.splice(i, 1);
        st.queued = false;
        const bit = 1 << tx.cpu;
        if (q.length === 0 && (tx.read(mask) & bit) !== 0) tx.write(mask, (tx.read(mask) & ~bit) >>> 0);
      });
    }
    const error = st.timedOut ? EWOULDBLOCK : 0;
    st.timedOut = false;
    st.wchan = null;
    k.critExit();
    return error;
  };
}

export const timeoutLeavesSleeperQueued: SleepqLayer = Object.freeze({
  ...sleepqLayer("chain"),
  name: "test: the timeout leaves its sleeper queued",
  tsleep: rewrittenTsleep("leave-queued"),
});
