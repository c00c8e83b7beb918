/**
 * The classic lost wakeup (spec §5.6) and the seed's fix.
 *
 * Each sleeper takes spinlock L, tests a flag, and sleeps on X until it is
 * set. The waker takes L, sets the flag, releases L and calls wakeup(X).
 *
 * - `interlock=none`: the sleeper releases L, then calls tsleep. A wakeup
 *   that runs between the release and the queue insertion finds nobody — the
 *   sleeper's bit is not set yet — and the sleeper then sleeps forever.
 * - `interlock=tsleep_interlock` (default): the sleeper sets its cpu's bit
 *   first, inside a critical section, then releases L and sleeps; a wakeup
 *   from another cpu sends its IPI here and the critical section holds it off
 *   until the sleeper is queued. Nothing is lost, for any number of sleepers.
 *
 * Sleep-queue scenarios run without the MP lock under every variant.
 */
import { param } from "@kprim/machine";
import { kernelScenario } from "../define.js";
import { spinSleepLock } from "./sleepLocks.js";

export const lostWakeup = kernelScenario({
  name: "lost-wakeup",
  description: "test a flag under a spinlock, then sleep until a waker sets it (with or without tsleep_interlock)",
  specId: null,
  params: {
    sleepers: param.int({ default: 1, min: 1, max: 7, description: "sleeping threads, one per cpu" }),
    interlock: param.oneOf(["tsleep_interlock", "none"], {
      default: "tsleep_interlock",
      description: "how the sleeper releases the lock before tsleep",
    }),
  },
  cpus: (p) => p.sleepers + 1,
  setup({ machine: m, kernel, params }) {
    const L = kernel.spinlock.create(m, "L");
    const flag = m.cell("flag", 0);
    const X = kernel.sleepq.ident(m, "X");
    kernel.sleepq.declareCondition(m, X, {
      cells: [flag],
      holds: (v) => v.peek(flag) !== 0,
      describe: "the flag is set",
    });
    const lock = spinSleepLock(kernel, L);
    for (let i = 0; i < params.sleepers; i++) {
      m.spawn({
        cpu: i,
        name: params.sleepers === 1 ? "T_S" : `T_S${i}`,
        *body(k) {
          yield* kernel.spinlock.lock(k, L);
          while ((yield* k.load(flag)) === 0) {
            if (params.interlock === "tsleep_interlock") {
              yield* kernel.sleepq.msleep(k, X, lock, "flag", 0);
            } else {
              yield* kernel.spinlock.unlock(k, L);
              yield* kernel.sleepq.tsleep(k, X, {}, "flag", 0);
              yield* kernel.spinlock.lock(k, L);
            }
          }
          yield* kernel.spinlock.unlock(k, L);
        },
      });
    }
    m.spawn({
      cpu: params.sleepers,
      name: "T_W",
      *body(k) {
        yield* kernel.spinlock.lock(k, L);
        yield* k.store(flag, 1);
        yield* kernel.spinlock.unlock(k, L);
        yield* kernel.sleepq.wakeup(k, X);
      },
    });
  },
});
