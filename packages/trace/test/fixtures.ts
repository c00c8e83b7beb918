/**
 * Traced runs for the exporter tests, built on a real machine:
 * - `counterRun`: two cpus bump a shared counter with load + store; a
 *   detector reports the lost update at the store that loses it.
 * - `busyRun`: one run that touches every structural kind — critical
 *   sections, a sleep and a cross-cpu wakeup (IPI, then wake and switch),
 *   a spin-wait, an interrupt thread preempting, the MP lock, lock.* events
 *   and a console line.
 * - `panicRun`: thread A takes a step on its cpu and panics.
 */
import {
  type Cell,
  createMachine,
  type Detector,
  type Machine,
  type RunResult,
  random,
  type Strategy,
} from "@kprim/machine";
import "../src/locks.js";

/** The detector the counter runs use: a store that leaves the counter below the stores so far lost an update. */
export function lostUpdate(counter: Cell<number>): Detector {
  let stores = 0;
  let lastWriter = -1;
  return {
    name: "lost-update",
    onStep(step, view) {
      const store = step.events.find((e) => e.kind === "op" && e.obj === counter.name && e.detail === "store");
      if (store === undefined) return undefined;
      stores++;
      const previous = lastWriter;
      lastWriter = store.thread;
      const got = view.peek(counter);
      if (got === stores) return undefined;
      return { message: `counter is ${got} after ${stores} stores`, threads: [store.thread, previous] };
    },
  };
}

/** A traced 2-cpu machine whose schedule header names `scenario` (and `variant`). */
function tracedMachine(scenario: string, variant: string, strategy: Strategy): Machine {
  return createMachine({ cpus: 2, strategy, trace: true, header: { scenario, variant, options: {}, params: {} } });
}

export function counterRun(strategy: Strategy, rounds = 2): RunResult {
  const m = tracedMachine("counter", "none", strategy);
  const counter = m.cell("counter", 0);
  m.addDetector(lostUpdate(counter));
  for (let i = 0; i < 2; i++) {
    m.spawn({
      cpu: i,
      name: `T${i}`,
      *body(k) {
        for (let j = 0; j < rounds; j++) {
          k.critEnter();
          const v = yield* k.load(counter);
          yield* k.store(counter, v + 1);
          k.critExit();
        }
      },
    });
  }
  return m.run();
}

/** The first failing counter run among random seeds 1.., with its seed. */
export function failingCounterRun(): { seed: number; result: RunResult } {
  for (let seed = 1; seed < 500; seed++) {
    const result = counterRun(random({ seed }));
    if (result.outcome.kind === "violation") return { seed, result };
  }
  throw new Error("no lost update in 500 seeds");
}

export function busyRun(strategy: Strategy): RunResult {
  const m = tracedMachine("busy", "", strategy);
  const flag = m.cell("flag", 0);
  const data = m.cell("data", 0);
  const sleeper = m.spawn({
    cpu: 1,
    name: "S",
    *body(k) {
      yield* k.atomic("tsleep go", { reads: [], writes: [] }, (tx) => tx.block("go"));
      k.printf("S: woken");
      yield* k.store(flag, 1);
    },
  });
  m.spawn({
    cpu: 0,
    name: "T",
    *body(k) {
      k.critEnter();
      yield* k.add(data, 1);
      k.event("lock.acquire", "L", "lockmgr:L:exclusive");
      yield* k.atomic("wakeup go", { reads: [], writes: [] }, (tx) => tx.schedule(sleeper));
      k.critExit();
      yield* k.spinUntil("flag", [flag], (tx) => tx.read(flag) === 1);
      k.event("lock.release", "L");
      yield* k.mpLock();
      yield* k.store(data, 2);
      yield* k.mpUnlock();
    },
  });
  m.spawn({
    cpu: 1,
    name: "W",
    *body(k) {
      for (let i = 0; i < 3; i++) yield* k.load(data);
    },
  });
  m.spawn({
    cpu: 1,
    name: "intr",
    kind: "interrupt",
    *body(k) {
      yield* k.load(data);
    },
  });
  return m.run();
}

export function panicRun(opts: { trace: boolean; cpu?: number; message?: string }): RunResult {
  const cpu = opts.cpu ?? 0;
  const m = createMachine({ cpus: cpu + 1, trace: opts.trace });
  m.spawn({
    cpu,
    name: "A",
    *body(k) {
      yield* k.nop("x");
      k.panic(opts.message ?? "boom");
    },
  });
  return m.run();
}
