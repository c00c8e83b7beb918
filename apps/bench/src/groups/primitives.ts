/**
 * Spinlock vs token (both 2005 modes): simulated cycles per acquire/release
 * pair at 1, 2, 4 and 8 cpus, uncontended (a lock per cpu) and contended (one
 * lock), under the timed strategy. Each of a cpu's thread's pairs holds the
 * lock for a short critical section and thinks a while between pairs.
 */
import { createMachine } from "@kprim/machine";
import { createSpinlock, spinLock, spinUnlock } from "@kprim/spinlock";
import { createToken, lwktGettoken, lwktReltoken, type TokenMode } from "@kprim/token";
import { fmt, simulate, table, type Workload } from "../sim.js";

const PAIRS = 20;
const CS = 40;
const THINK = 200;

type Kind = "spinlock" | "token yield" | "token spin2005";

function workload(kind: Kind, cpus: number, contended: boolean): Workload {
  return {
    ops: cpus * PAIRS,
    build({ strategy, jitter }) {
      const m = createMachine({ cpus, strategy, jitter, check: false, maxSteps: 5_000_000 });
      const locks = Array.from({ length: contended ? 1 : cpus }, (_, i) =>
        kind === "spinlock"
          ? createSpinlock(m, `S${i}`)
          : createToken(m, `T${i}`, { cpu: i % cpus, mode: kind.slice(6) as TokenMode }),
      );
      for (let c = 0; c < cpus; c++) {
        const lock = locks[contended ? 0 : c]!;
        m.spawn({
          cpu: c,
          name: `T${c}`,
          *body(k) {
            for (let i = 0; i < PAIRS; i++) {
              if ("word" in lock) {
                yield* spinLock(k, lock);
                yield* k.nop("critical section", CS);
                yield* spinUnlock(k, lock);
              } else {
                const ref = yield* lwktGettoken(k, lock);
                yield* k.nop("critical section", CS);
                yield* lwktReltoken(k, ref);
              }
              yield* k.nop("think", THINK);
            }
          },
        });
      }
      return m;
    },
  };
}

export function primitives(quick: boolean): string {
  const cpuList = quick ? [1, 2] : [1, 2, 4, 8];
  const rows: string[][] = [];
  for (const contended of [false, true]) {
    for (const cpus of cpuList) {
      for (const kind of ["spinlock", "token yield", "token spin2005"] as Kind[]) {
        const c = simulate(workload(kind, cpus, contended), quick ? 1 : 5);
        rows.push([
          contended ? "contended" : "uncontended",
          String(cpus),
          kind,
          fmt(c.cyclesPerOp),
          fmt(c.ipisPerOp, 2),
          fmt(c.switchesPerOp, 2),
          fmt(c.spinPerOp),
        ]);
      }
    }
  }
  return [
    `Spinlock vs token: simulated cycles per acquire/release pair (timed strategy, median of seeded jitter; ${PAIRS} pairs per cpu, critical section ${CS}, think ${THINK})`,
    table(["", "cpus", "primitive", "cycles/pair", "IPIs/pair", "switches/pair", "spin cycles/pair"], rows),
  ].join("\n");
}
