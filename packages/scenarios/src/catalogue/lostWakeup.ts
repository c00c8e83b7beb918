/**
 * The classic lost wakeup (spec §5.6) and the seed's fix.
 *
 * Each sleeper takes spinlock L, tests a flag, and sleeps on X until it is
 * set. The waker takes L, sets the flag, releases L and calls wakeup(X).
 *
 * The parameter `sleep` says how the sleeper goes to sleep (it was once
 * called `interlock`, a word that belongs to lockmgr's interlock, which this
 * scenario does not use; old schedules are read with the new name):
 *
 * - `sleep=unlock-then-tsleep`: the sleeper releases L, then calls tsleep. A wakeup
 *   that runs between the release and the queue insertion finds nobody — the
 *   sleeper's bit is not set yet — and the sleeper then sleeps forever.
 * - `sleep=tsleep_interlock` (default): the sleeper sets its cpu's bit
 *   first, inside a critical section, then releases L and sleeps; a wakeup
 *   from another cpu sends its IPI here and the critical section holds it off
 *   until the sleeper is queued. Nothing is lost, for any number of sleepers.
 * - `sleep=no-crit` (no critical section, R6's shape): the sleeper takes
 *   L with spin_trylock, which enters no critical section, and calls
 *   tsleep_interlock, releases L (spin_unlock_quick) and sleeps with its
 *   count at zero — an early wakeup IPI can run in between. The
 *   `interlock-discipline` detector reports it at tsleep_interlock.
 * - `sleep=test-before-interlock`: the sleeper tests under L, releases
 *   L, and only then interlocks (in a critical section) and sleeps: a waker
 *   that sets the flag and wakes between the release and the interlock finds
 *   no bit set, and the sleeper sleeps forever.
 *
 * Sleep-queue scenarios run without the MP lock under every variant.
 */
import { type Cell, type Gen, type KernelContext, param, type Thread } from "@kprim/machine";
import type { Ident, SleepLock } from "@kprim/sleepq";
import type { Spinlock } from "@kprim/spinlock";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { flagCondition, setAndWake, sleepUntilSet } from "./flags.js";
import { spinSleepLock } from "./sleepLocks.js";
import { SLEEPQ_OPTIONS } from "../dependsOn.js";

export const lostWakeup = kernelScenario({
  name: "lost-wakeup",
  description: "test a flag under a spinlock, then sleep until a waker sets it (with or without tsleep_interlock)",
  specId: null,
  dependsOn: SLEEPQ_OPTIONS,
  params: {
    sleepers: param.int({ default: 1, min: 1, max: 7, description: "sleeping threads, one per cpu" }),
    sleep: param.oneOf(["tsleep_interlock", "unlock-then-tsleep", "no-crit", "test-before-interlock"], {
      default: "tsleep_interlock",
      description: "how the sleeper goes to sleep: the patch's tsleep_interlock, or one of three broken ways",
    }),
  },
  renamed: {
    interlock: {
      to: "sleep",
      values: { none: "unlock-then-tsleep" },
      why: "how the sleeper goes to sleep; --interlock chooses the lockmgr interlock",
    },
  },
  cpus: (p) => p.sleepers + 1,
  setup({ machine: m, kernel, params }) {
    const L = kernel.spinlock.create(m, "L");
    const { flag, ident: X } = flagCondition(m, kernel);
    const lock = spinSleepLock(kernel, L);
    const w: World = { kernel, L, flag, X, lock, sleep: params.sleep };
    const sleepers: Thread[] = [];
    for (let i = 0; i < params.sleepers; i++) {
      const name = params.sleepers === 1 ? "T_S" : `T_S${i}`;
      sleepers.push(m.spawn({ cpu: i, name, body: (k) => sleeper(k, w) }));
    }
    m.spawn({ cpu: params.sleepers, name: "T_W", body: (k) => setAndWake(k, kernel, L, X, flag) });
    // The sleepers run the same code, one per cpu. They are interchangeable
    // only if a wakeup treats every cpu alike: the multicast form does; the
    // chain visits cpus in index order, so swapping two sleepers' cpus
    // changes which one it reaches first. Only the built-in layers are known
    // to keep thread numbers where symmetry can rename them.
    const builtIn = kernel.spinlock.name === "dragonfly-2005" && kernel.sleepq.name.startsWith("dragonfly-2005-");
    if (kernel.sleepq.form === "multicast" && builtIn) m.symmetric(sleepers);
  },
});

type Sleep = "tsleep_interlock" | "unlock-then-tsleep" | "no-crit" | "test-before-interlock";

/** What the threads share (set up once per machine). */
interface World {
  readonly kernel: Kernel;
  readonly L: Spinlock;
  readonly flag: Cell<number>;
  readonly X: Ident;
  readonly lock: SleepLock;
  readonly sleep: Sleep;
}

// The bodies are module-level generator functions: one made per execution
// would cost V8 a hidden class per execution (stateful search builds
// hundreds of thousands of machines).

/** no-crit takes L without entering a critical section (spin_trylock). */
function* acquire(k: KernelContext, w: World): Gen<void> {
  if (w.sleep !== "no-crit") return yield* w.kernel.spinlock.lock(k, w.L);
  while (!(yield* w.kernel.spinlock.trylock(k, w.L))) yield* k.nop("retry");
}

function* sleeper(k: KernelContext, w: World): Gen<void> {
  const { kernel, L, flag, X } = w;
  // The patch's way: the lock-releasing sleep (tsleep_interlock inside msleep).
  if (w.sleep === "tsleep_interlock") return yield* sleepUntilSet(k, kernel, L, w.lock, X, flag);
  yield* acquire(k, w);
  while ((yield* k.load(flag)) === 0) {
    switch (w.sleep) {
      case "unlock-then-tsleep":
        yield* kernel.spinlock.unlock(k, L);
        yield* kernel.sleepq.tsleep(k, X, {}, "flag", 0);
        break;
      case "no-crit":
        yield* kernel.sleepq.tsleepInterlock(k, X); // critical count 0: meaningless
        yield* kernel.spinlock.unlockQuick(k, L);
        yield* kernel.sleepq.tsleep(k, X, { interlocked: true }, "flag", 0);
        break;
      case "test-before-interlock":
        yield* kernel.spinlock.unlock(k, L);
        k.critEnter();
        yield* kernel.sleepq.tsleepInterlock(k, X); // too late: the test was under L
        yield* kernel.sleepq.tsleep(k, X, { interlocked: true }, "flag", 0);
        k.critExit();
        break;
    }
    yield* acquire(k, w);
  }
  if (w.sleep === "no-crit") yield* kernel.spinlock.unlockQuick(k, L);
  else yield* kernel.spinlock.unlock(k, L);
}
