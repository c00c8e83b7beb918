/**
 * The contested path of `spin_lock` (kern_spinlock.c rev 1.1, 2005).
 *
 * Precondition: entered after a swap found the lock held; the caller is in a
 * critical section (spin_lock entered it) and holds no claim on the lock.
 *
 * The 2005 loop: busy-wait 1, 2, 4 … 256 no-op iterations between attempts;
 * each attempt first reads the word (no bus lock) and only then swaps. No IPI
 * processing, no interrupt processing, no timeout, no message: a spinner
 * whose holder never releases spins forever (the machine reports a deadlock
 * naming spinner and holder).
 *
 * Modelled as: one spin-until step (the thread takes no steps while the word
 * is non-zero; the machine charges the backoff window that was running when
 * the release happened), then the locked compare-and-swap; repeat if another
 * cpu won.
 */
import { type Gen, type KernelContext, op } from "@kprim/machine";
import type { Spinlock } from "./spinlock.js";

export function* spinLockContested(k: KernelContext, s: Spinlock, me: number): Gen<void> {
  s.stats.contended++;
  const start = k.now;
  const describe = (): string => {
    const v = k.machine.peek(s.word);
    return v === 0 ? "(free)" : `held by ${k.machine.thread(v - 1).name}`;
  };
  for (;;) {
    // Who held the lock and how many tries failed change nothing from here on.
    k.settle("spin");
    yield op.spin(`spinlock ${s.name}`, [s.word], (tx) => tx.read(s.word) === 0, { describe });
    if ((yield op.cas(s.word, 0, me)) as boolean) break;
  }
  s.stats.spinCycles += k.now - start;
}
