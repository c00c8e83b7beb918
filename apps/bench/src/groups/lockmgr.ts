/**
 * The lockmgr workload of the interlock comparison (interlock.ts): every cpu
 * runs one thread doing PAIRS lock/unlock pairs on one lock, a fixed share
 * of them shared, holding it a while and thinking between pairs.
 */
import { createMachine } from "@kprim/machine";
import { type InterlockKind, lockinit, lockmgr } from "@kprim/lockmgr";
import { sleepqLayer } from "@kprim/sleepq";
import { spinlockLayer } from "@kprim/spinlock";
import { tokenLayer } from "@kprim/token";
import type { Workload } from "../sim.js";

export const PAIRS = 12;
const deps = { spinlock: spinlockLayer, token: tokenLayer("yield"), sleepq: sleepqLayer("chain") };

export function lockmgrWorkload(
  interlock: InterlockKind,
  cpus: number,
  sharedPercent: number,
  cost?: Record<string, number>,
): Workload {
  return {
    ops: cpus * PAIRS,
    build({ strategy, jitter }) {
      const m = createMachine({ cpus, strategy, jitter, check: false, maxSteps: 5_000_000, ...(cost ? { cost } : {}) });
      const L = lockinit(m, "L", { deps, interlock, wmesg: "lwait", cpu: 0 });
      for (let c = 0; c < cpus; c++) {
        m.spawn({
          cpu: c,
          name: `T${c}`,
          *body(k) {
            for (let i = 0; i < PAIRS; i++) {
              // A fixed pattern per thread: `sharedPercent`% of its requests are shared.
              const shared = ((i * 7 + c * 3) % 10) * 10 < sharedPercent;
              yield* lockmgr(k, L, shared ? "shared" : "exclusive");
              yield* k.nop("hold", 60);
              yield* lockmgr(k, L, "release");
              yield* k.nop("think", 300);
            }
          },
        });
      }
      return m;
    },
  };
}
