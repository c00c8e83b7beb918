/**
 * `kprim demo`: for now the machine-level story — why shared state needs an
 * interlock. Two cpus update a counter; without a lock a random search finds
 * the lost update and prints the schedule that reproduces it; with a
 * test-and-set lock inside a critical section, a thousand runs stay exact.
 */
import {
  type Cell,
  createMachine,
  type Detector,
  describeOutcome,
  formatSchedule,
  type Machine,
  random,
  replay,
  type RunResult,
  type Strategy,
} from "@kprim/machine";
import type { Out } from "../out.js";

const THREADS = 4;
const ROUNDS = 2;

function counterRun(locked: boolean, strategy: Strategy): { m: Machine; r: RunResult; counter: Cell<number> } {
  const m = createMachine({
    cpus: 2,
    strategy,
    header: { scenario: locked ? "counter-locked" : "counter-racy", variant: "", options: {}, params: {} },
  });
  const counter = m.cell("counter", 0);
  const lock = m.cell("L", 0);
  const exact: Detector = {
    name: "lost-update",
    atQuiescence: (v) => {
      const got = v.peek(counter);
      return got === THREADS * ROUNDS ? undefined : { message: `counter is ${got}, expected ${THREADS * ROUNDS}` };
    },
  };
  m.addDetector(exact);
  for (let i = 0; i < THREADS; i++) {
    m.spawn({
      cpu: i % 2,
      name: `T${i}`,
      *body(k) {
        for (let j = 0; j < ROUNDS; j++) {
          if (locked) {
            k.critEnter();
            while ((yield* k.swap(lock, 1)) !== 0) yield* k.spinUntil("L", [lock], (tx) => tx.read(lock) === 0);
          }
          const v = yield* k.load(counter);
          yield* k.store(counter, v + 1);
          if (locked) {
            yield* k.store(lock, 0);
            k.critExit();
          }
          yield* k.yieldCpu();
        }
      },
    });
  }
  return { m, r: m.run(), counter };
}

export function demo(out: Out): number {
  out.heading("kprim demo — the machine");
  out.line(`${THREADS} threads on 2 cpus each add 1 to a shared counter ${ROUNDS} times (load, then store).`);
  out.line("");
  out.line("Without a lock:");
  let found: RunResult | undefined;
  let tries = 0;
  for (let seed = 1; seed <= 1000 && !found; seed++) {
    tries = seed;
    const { r } = counterRun(false, random({ seed }));
    if (r.outcome.kind !== "ok") found = r;
  }
  if (!found) {
    out.line("  no lost update found in 1000 random schedules");
    return 1;
  }
  const text = formatSchedule(found.schedule);
  out.line(`  random schedule ${tries}: ${describeOutcome(found.outcome)}`);
  out.line(`  schedule: ${text}`);
  const again = counterRun(false, replay(found.schedule.choices));
  out.line(`  replayed: ${describeOutcome(again.r.outcome)}`);
  out.line("");
  out.line("With a test-and-set lock inside a critical section:");
  let failures = 0;
  for (let seed = 1; seed <= 1000; seed++) if (counterRun(true, random({ seed })).r.outcome.kind !== "ok") failures++;
  out.line(`  1000 random schedules, ${failures} failure(s)`);
  return failures === 0 && again.r.outcome.kind !== "ok" ? 0 : 1;
}
