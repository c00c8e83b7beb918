/**
 * lockmgr under contention: simulated cycles per lock/unlock pair with the
 * token interlock (pre-patch) and the spinlock interlock (the patch), at 1,
 * 2, 4 and 8 cpus, exclusive-only and with 80% shared requests; the figure
 * is the ratio token ÷ spin, with IPIs and spin cycles per pair beside it.
 */
import { createMachine } from "@kprim/machine";
import { type InterlockKind, lockinit, lockmgr, spinInterlock, tokenInterlock } from "@kprim/lockmgr";
import { sleepqLayer } from "@kprim/sleepq";
import { spinlockLayer } from "@kprim/spinlock";
import { tokenLayer } from "@kprim/token";
import { fmt, simulate, table, type Workload } from "../sim.js";

const PAIRS = 12;
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

export function lockmgrCost(quick: boolean): string {
  const rows: string[][] = [];
  for (const shared of [0, 80]) {
    for (const cpus of quick ? [1, 2] : [1, 2, 4, 8]) {
      const tok = simulate(lockmgrWorkload(tokenInterlock, cpus, shared), quick ? 1 : 5);
      const spin = simulate(lockmgrWorkload(spinInterlock, cpus, shared), quick ? 1 : 5);
      rows.push([
        shared === 0 ? "exclusive" : "80% shared",
        String(cpus),
        fmt(tok.cyclesPerOp),
        fmt(spin.cyclesPerOp),
        (tok.cyclesPerOp / spin.cyclesPerOp).toFixed(2),
        fmt(tok.ipisPerOp, 2),
        fmt(spin.ipisPerOp, 2),
        fmt(tok.spinPerOp),
        fmt(spin.spinPerOp),
      ]);
    }
  }
  return [
    `lockmgr: simulated cycles per lock/unlock pair, token vs spin interlock (timed strategy, median of seeded jitter; ${PAIRS} pairs per cpu)`,
    table(
      ["mix", "cpus", "token", "spin", "token÷spin", "IPIs tok", "IPIs spin", "spin cyc tok", "spin cyc spin"],
      rows,
    ),
  ].join("\n");
}
