/**
 * msleep and wakeup on this plugin's own sleep queue (FreeBSD's contract,
 * spec §5.7), for sleepers that hold a sleep mutex.
 *
 * Protects: one sleep queue per machine — (thread, ident) pairs, in arrival
 * order — under its own spin mutex, the sleep-queue lock (one chain: the
 * scenarios have few idents).
 *
 * msleep(ident, mtx, wmesg, timo), entered holding `mtx`:
 *   1. take the sleep-queue lock (critical section + spin);
 *   2. queue this thread on the ident;
 *   3. release `mtx` (this never blocks; it may wake the mutex's turnstile);
 *   4. in ONE step: drop the sleep-queue lock and switch out (with a timeout
 *      armed if timo > 0);
 *   5. when scheduled again: leave the critical section, take `mtx` again;
 *      return 0 if woken, EWOULDBLOCK if the timeout fired first.
 * wakeup(ident): take the sleep-queue lock; in one step take every sleeper
 * of the ident off the queue and schedule it (on another cpu that is an
 * IPI, lwkt_schedule's); drop the lock. Never blocks.
 *
 * Why no wakeup is lost: a waker changes the sleeper's condition only under
 * `mtx`, so after step 3; it then needs the sleep-queue lock, which the
 * sleeper holds from before step 3 until the step that switches it out. So
 * every wakeup that follows a change of the condition finds the sleeper
 * queued and blocked. No cpumask, no IPI held off: the lock excludes the
 * wakeup instead of delaying it (compare @kprim/sleepq's tsleep_interlock).
 *
 * Invariants:
 * - A thread is on the queue only from step 2 until a wakeup or its timeout
 *   takes it off; it is blocked whenever another thread can see it there
 *   (the queue changes only under the lock, and the sleeper holds the lock
 *   from step 2 to its switch).
 * - The queued thread's `sleepState` (@kprim/sleepq's td_wchan record) says
 *   so, so the `lost-wakeup` detector (I6) covers these sleepers too: a
 *   thread queued here without a timeout, whose declared condition holds at
 *   quiescence, is a lost wakeup.
 * - A timeout removes its thread only if it is still queued. The handler is
 *   one atomic step on the queue (the machine's handlers are atomic); in
 *   FreeBSD it would take the sleep-queue lock first. Every interleaving of
 *   the step with a lock holder is one where the handler held the lock: the
 *   sleeper's queue insertion precedes the arming of its timeout, and a
 *   waker's removals are one step.
 *
 * Calling context: thread context, not inside an IPI or timeout handler.
 * msleep blocks (and the caller must hold `mtx` and no spinlock); wakeup
 * never blocks.
 */
import {
  type Cell,
  defineExtension,
  defineThreadLocal,
  type Gen,
  type KernelContext,
  type Thread,
  type Tx,
} from "@kprim/machine";
import { EWOULDBLOCK, type Ident, sleepState } from "@kprim/sleepq";
import { mtxLock, mtxUnlock, type SleepMutex } from "./mutex.js";
import { createSpinMutex, releaseAndBlock, type SpinMutex, spinMutexLock, spinMutexUnlock } from "./spinMutex.js";

declare module "@kprim/machine" {
  interface TraceEventKinds {
    /** msleep queued the thread (obj = ident, detail = wmesg). */
    "mtx.sleep": true;
    /** A wakeup through the mtx sleep queue started (obj = ident). */
    "mtx.wakeup": true;
    /** A sleeper left the mtx sleep queue (obj = ident, target = thread, detail = "woken" or "timeout"). */
    "mtx.woken": true;
  }
}

export interface Sleeper {
  readonly tid: number;
  /** The ident's address (what a wakeup matches). */
  readonly addr: number;
}

export interface MtxSleepQueue {
  readonly lock: SpinMutex;
  readonly queue: Cell<Sleeper[]>;
}

/** The machine's mtx sleep queue, created on first use. */
export const MTX_SLEEPQ = defineExtension<MtxSleepQueue>("mtx-sleepq", (m) => ({
  lock: createSpinMutex(m, "mtx sleepq lock", "mtx sleepq"),
  queue: m.cell<Sleeper[]>("mtx sleepq", []),
}));

/** Per thread: did the timeout end the last sleep? */
const TIMED_OUT = defineThreadLocal<{ timedOut: boolean }>("mtx-msleep", () => ({ timedOut: false }));

/** Take `t` off the queue if it is there (in a step or handler that declares the queue). */
function dequeue(tx: Tx, sq: MtxSleepQueue, t: Readonly<Thread>, ident: string, why: "woken" | "timeout"): boolean {
  const q = tx.mutate(sq.queue);
  const i = q.findIndex((s) => s.tid === t.id);
  if (i < 0) return false;
  q.splice(i, 1);
  sleepState(t as Thread).queued = false;
  tx.event("mtx.woken", ident, why, t.id);
  tx.schedule(t as Thread);
  return true;
}

/** `msleep(ident, mtx, wmesg, timo)`: entered holding `mtx`; returns holding it. 0 or EWOULDBLOCK. */
export function* msleep(k: KernelContext, ident: Ident, mtx: SleepMutex, wmesg: string, timo: number): Gen<number> {
  if (k.intrNestingLevel > 0) k.panic(`msleep(${ident.name}): called from an interrupt handler`);
  const sq = k.machine.ext(MTX_SLEEPQ);
  const t = k.thread;
  const st = sleepState(t);
  const mine = k.local(TIMED_OUT);
  yield* spinMutexLock(k, sq.lock); // sleep-queue lock: held (critical section)
  yield* k.atomic(`sleepq_add ${ident.name}`, { writes: [sq.queue] }, (tx) => {
    tx.mutate(sq.queue).push({ tid: t.id, addr: ident.addr });
    st.wchan = ident;
    st.wmesg = wmesg;
    st.queued = true;
    mine.timedOut = false;
    tx.event("mtx.sleep", ident.name, wmesg);
  });
  yield* mtxUnlock(k, mtx); // mutex: released; sleep-queue lock: still held
  yield* releaseAndBlock(
    k,
    sq.lock,
    `asleep on ${ident.name} (${wmesg})`,
    timo > 0
      ? {
          ticks: timo,
          label: `sleepq_timeout(${t.name})`,
          fp: { writes: [sq.queue] },
          fire: (ftx) => {
            if (dequeue(ftx, sq, t, ident.name, "timeout")) mine.timedOut = true;
          },
        }
      : undefined,
  ); // sleep-queue lock: released at the switch; critical section: left on resumption
  if (st.queued) k.panic(`msleep(${ident.name}): ${t.name} resumed while still on the mtx sleep queue`);
  const error = mine.timedOut ? EWOULDBLOCK : 0;
  mine.timedOut = false;
  st.wchan = null;
  st.wmesg = "";
  yield* mtxLock(k, mtx); // mutex: held again
  return error;
}

/** `wakeup(ident)` for sleepers of the mtx sleep queue: every one of them is taken off and scheduled. */
export function* wakeup(k: KernelContext, ident: Ident): Gen<void> {
  const sq = k.machine.ext(MTX_SLEEPQ);
  yield* spinMutexLock(k, sq.lock); // sleep-queue lock: held
  yield* k.atomic(`sleepq_broadcast ${ident.name}`, { writes: [sq.queue] }, (tx) => {
    tx.event("mtx.wakeup", ident.name);
    const tids = tx
      .read(sq.queue)
      .filter((s) => s.addr === ident.addr)
      .map((s) => s.tid);
    for (const tid of tids) dequeue(tx, sq, tx.view.thread(tid), ident.name, "woken");
  });
  yield* spinMutexUnlock(k, sq.lock); // sleep-queue lock: released
}
