/**
 * The 2-thread race kprim is timed on against fast-check's scheduler
 * (@kprim/bench's fast-check section) — each thread loads a shared counter
 * and stores it + 1, `times` times — as one source for the benchmark and
 * the machine's tests: the race's body written with the kernel context's
 * typed helpers (`yield* k.load(c)`, what kprim runs), the same body in raw
 * ops (`yield op.load(c)`, the benchmark's bare bound), the race set up on a
 * machine, and a thread's kernel context taken from a machine that never
 * runs (for running a body with no machine).
 *
 * The bodies are module-level generator functions: a generator function
 * made per execution (a closure) gives every execution's generators a
 * hidden class of their own, which V8 keeps alive.
 */
import type { Cell } from "./cell.js";
import type { KernelContext } from "./kernel.js";
import { createMachine, type Machine } from "./machine.js";
import { type Gen, op } from "./ops.js";

/** `times` times: load the counter, store it + 1 (the typed helpers). */
export function* bump(k: KernelContext, c: Cell<number>, times: number): Gen<void> {
  for (let i = 0; i < times; i++) {
    const v = yield* k.load(c);
    yield* k.store(c, v + 1);
  }
}

/** `bump` in raw ops. */
export function* rawBump(c: Cell<number>, times: number): Gen<void> {
  for (let i = 0; i < times; i++) {
    const v = (yield op.load(c)) as number;
    yield op.store(c, v + 1);
  }
}

/** The race on `m` (2 cpus or more): a counter `c` at 0 and threads T0, T1 on cpus 0 and 1 running `bump` (`raw`: `rawBump`). */
export function race(m: Machine, times: number, raw = false): Cell<number> {
  const c = m.cell("c", 0);
  for (let t = 0; t < 2; t++) {
    m.spawn({ cpu: t, name: `T${t}`, body: raw ? () => rawBump(c, times) : (k) => bump(k, c, times) });
  }
  return c;
}

/** A thread's kernel context and a counter, from a 1-cpu machine that never runs: a body then runs with no machine. */
export function idleContext(): { k: KernelContext; c: Cell<number> } {
  const m = createMachine({ cpus: 1, check: false });
  const c = m.cell("c", 0);
  let kc: KernelContext | null = null;
  m.spawn({
    cpu: 0,
    name: "T",
    body: (k) => {
      kc = k;
      return rawBump(c, 0);
    },
  });
  return { k: kc!, c };
}
