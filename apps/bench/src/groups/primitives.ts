/**
 * Spinlock vs token (both 2005 modes): simulated cycles per acquire/release
 * pair at 1, 2, 4 and 8 cpus, uncontended (a lock per cpu) and contended (one
 * lock), under the timed strategy. Each of a cpu's thread's pairs holds the
 * lock for a short critical section and thinks a while between pairs.
 */
import { createMachine } from "@kprim/machine";
import { createSpinlock, spinLock, spinUnlock } from "@kprim/spinlock";
import { createToken, lwktGettoken, lwktReltoken, type TokenMode } from "@kprim/token";
import type { Section } from "../report/types.js";
import { simulate, type Workload } from "../sim.js";

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

export function primitivesSection(quick: boolean): Section {
  const cpuList = quick ? [1, 2] : [1, 2, 4, 8];
  const seeds = quick ? 1 : 5;
  const rows: (string | number)[][] = [];
  for (const contended of [false, true]) {
    for (const cpus of cpuList) {
      for (const kind of ["spinlock", "token yield", "token spin2005"] as Kind[]) {
        const c = simulate(workload(kind, cpus, contended), seeds);
        rows.push([
          contended ? "contended" : "uncontended",
          cpus,
          kind,
          c.cyclesPerOp,
          c.ipisPerOp,
          c.switchesPerOp,
          c.spinPerOp,
        ]);
      }
    }
  }
  return {
    id: "primitives",
    title: "Spinlock vs token",
    text: [
      `Simulated cycles per acquire/release pair (timed strategy, median over ${seeds} seeded jitter run${seeds === 1 ? "" : "s"}; ${PAIRS} pairs per cpu, critical section ${CS} cycles, think ${THINK}), uncontended (a lock per cpu) and contended (one lock).`,
    ],
    tables: [
      {
        header: ["", "cpus", "primitive", "cycles/pair", "IPIs/pair", "switches/pair", "spin cycles/pair"],
        rows,
      },
    ],
    charts: [],
    data: { pairs: PAIRS, cs: CS, think: THINK, seeds, rows },
    errors: [],
  };
}
