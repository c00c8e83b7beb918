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
 *
 * With the lock's `wait: "rev1.3"` (the May 2006 path, an option: spec §8.7)
 * the waiter also runs its cpu's IPIs while it spins — the splz() of rev
 * 1.3's "indefinite wait" — even inside the critical section spin_lock
 * entered: an explicit IPI-processing point at each IPI that arrives. The
 * second count that starts that path, and its once-a-second message, are
 * clock matters the model does not decide on: it processes IPIs from the
 * first contended try and prints nothing.
 *
 * Calling context: inside spin_lock/spin_lock_quick, in a critical section.
 */
import { type Cell, type Gen, type KernelContext, type MachineView, op, type Tx } from "@kprim/machine";
import type { Spinlock } from "./spinlock.js";

export function* spinLockContested(k: KernelContext, s: Spinlock, me: number): Gen<void> {
  s.stats.contended++;
  const start = k.now;
  const w = waitingOn(s);
  for (;;) {
    // Who held the lock and how many tries failed change nothing from here on.
    k.settle("spin");
    const free = (yield op.spin(w.label, w.watch, w.test, w.opts)) as boolean;
    // rev 1.3: an IPI reached this cpu while the lock is still held; run it (splz) and wait on.
    if (!free) {
      yield op.ipiPoint(w.splz);
      continue;
    }
    if ((yield op.cas(s.word, 0, me)) as boolean) break;
  }
  s.stats.spinCycles += k.now - start;
}

/**
 * What every contested wait on one lock spins with — its label, the word it
 * watches, the test, the deadlock report's description, whether IPIs wake
 * it — made on the lock's first contested acquire and kept on the lock (its
 * `WAITING` slot). A wait gives a fresh op made of these rather than making
 * them again: they depend on the lock alone (its word, name and wait), and
 * a wait is a step that a thread rebuilt for a restored state replays too.
 *
 * Kept on the lock, in a symbol-keyed slot (which a restored state's saved
 * contents, walking string keys, leave alone), and holding nothing the lock
 * does not (the description reads the machine it is given). Not in a
 * module-level WeakMap: V8's young-generation collector frees no weak map
 * entry whose value leads back to its key, and a description that held the
 * machine did — so a queue worker, which builds a machine per run, carried
 * every run's machine into the old generation (~1.6x its CPU per run). Nor
 * holding the machine on the lock: a small two-thread machine built per run
 * then had V8 allocate a third of its locks straight in the old generation
 * (allocation-site pretenuring), and dropped machines were promoted again.
 */
export interface Waiting {
  readonly label: string;
  readonly splz: string;
  readonly watch: readonly Cell<number>[];
  readonly test: (tx: Tx) => boolean;
  readonly opts: { readonly wakeOnIpi: boolean; readonly describe: (view: MachineView) => string };
}

/** The lock's slot for its `Waiting` (null until its first contested acquire). */
export const WAITING: unique symbol = Symbol("spinlock waiting");

function waitingOn(s: Spinlock): Waiting {
  let w = s[WAITING];
  if (!w) {
    const word = s.word;
    w = {
      label: `spinlock ${s.name}`,
      splz: `spin_lock ${s.name}: splz`,
      watch: [word],
      test: (tx) => tx.read(word) === 0,
      opts: {
        wakeOnIpi: s.wait === "rev1.3",
        describe: (view) => {
          const v = view.peek(word);
          return v === 0 ? "(free)" : `held by ${view.thread(v - 1).name}`;
        },
      },
    };
    s[WAITING] = w;
  }
  return w;
}
