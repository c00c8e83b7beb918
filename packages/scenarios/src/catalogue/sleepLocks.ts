/**
 * Adapters: a spinlock as the lock a lock-releasing sleep releases and takes
 * again (the msleep contract).
 */
import type { SleepLock } from "@kprim/sleepq";
import type { Spinlock } from "@kprim/spinlock";
import type { Kernel } from "../kernel.js";

export function spinSleepLock(kernel: Kernel, s: Spinlock): SleepLock {
  return {
    name: s.name,
    release: (k) => kernel.spinlock.unlock(k, s),
    acquire: (k) => kernel.spinlock.lock(k, s),
  };
}
