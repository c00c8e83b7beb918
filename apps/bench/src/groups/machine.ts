/**
 * Simulator speed: machine steps per second of a 2-cpu, 4-thread workload
 * under the random strategy, with the trace off and on, beside a bare
 * generator-resume loop doing the same yields in the same process. The
 * figure is the ratio (issue target: trace off at least 25% of the bare loop).
 */
import { type Cell, createMachine, type Gen, type KernelContext, op, random } from "@kprim/machine";
import { fmtRate, throughput } from "../measure.js";

const THREADS = 4;
const ITERS = 50_000;

/** Each iteration: an atomic add, a load and a store on shared cells (raw ops: the fast path). */
function* rawBody(a: Cell<number>, b: Cell<number>): Gen<void> {
  for (let i = 0; i < ITERS; i++) {
    yield op.add(a, 1);
    const v = (yield op.load(b)) as number;
    yield op.store(b, v + 1);
  }
}

/** The same with the typed helpers (`yield*`). */
function* typedBody(k: KernelContext, a: Cell<number>, b: Cell<number>): Gen<void> {
  for (let i = 0; i < ITERS; i++) {
    yield* k.add(a, 1);
    const v = yield* k.load(b);
    yield* k.store(b, v + 1);
  }
}

function machineRun(trace: boolean, typed: boolean, seed: number): number {
  const m = createMachine({ cpus: 2, strategy: random({ seed }), trace, check: false, maxSteps: 10_000_000 });
  const a = m.cell("a", 0);
  const b = m.cell("b", 0);
  for (let t = 0; t < THREADS; t++) {
    m.spawn({ cpu: t % 2, name: `T${t}`, body: typed ? (k) => typedBody(k, a, b) : () => rawBody(a, b) });
  }
  const r = m.run();
  if (r.outcome.kind !== "ok") throw new Error(`workload failed: ${r.outcome.kind}`);
  return r.steps;
}

/**
 * The bare loop: the very same thread bodies resumed in turn by a plain loop,
 * with no machine (it still performs each op on the cells, minimally).
 */
function bareRun(): number {
  const m = createMachine({ cpus: 1, check: false });
  const a = m.cell("a", 0);
  const b = m.cell("b", 0);
  const gens = Array.from({ length: THREADS }, () => rawBody(a, b));
  const done = new Array<boolean>(THREADS).fill(false);
  let live = THREADS;
  let steps = 0;
  let x: unknown = undefined;
  for (let i = 0; live > 0; i = (i + 1) % THREADS) {
    if (done[i]) continue;
    const r = gens[i]!.next(x);
    if (r.done === true) {
      done[i] = true;
      live--;
      continue;
    }
    steps++;
    const o = r.value;
    if (o.op === "load") x = m.peek(o.cell);
    else if (o.op === "store") (o.cell as Cell<unknown>).v = o.value;
    else x = undefined;
  }
  return steps;
}

export interface MachineSpeed {
  readonly bare: number;
  readonly traceOff: number;
  readonly traceOn: number;
  readonly typedTraceOff: number;
}

export function machineSpeed(repeats = 5): MachineSpeed {
  // Warm up every path once so the JIT has seen them.
  bareRun();
  machineRun(false, false, 1);
  machineRun(true, false, 1);
  machineRun(false, true, 1);
  let seed = 1;
  const bare = throughput(bareRun, repeats);
  const traceOff = throughput(() => machineRun(false, false, seed++), repeats);
  const traceOn = throughput(() => machineRun(true, false, seed++), repeats);
  const typedTraceOff = throughput(() => machineRun(false, true, seed++), repeats);
  return { bare, traceOff, traceOn, typedTraceOff };
}

export function reportMachineSpeed(s: MachineSpeed): string {
  const pct = (x: number) => `${((100 * x) / s.bare).toFixed(1)}%`;
  return [
    "Simulator speed (2 cpus, 4 threads, random strategy; steps/s, median of runs)",
    `  bare generator loop        ${fmtRate(s.bare).padStart(12)}   100%`,
    `  machine, trace off         ${fmtRate(s.traceOff).padStart(12)}   ${pct(s.traceOff)}   (target ≥ 25%)`,
    `  machine, trace on          ${fmtRate(s.traceOn).padStart(12)}   ${pct(s.traceOn)}`,
    `  machine, typed yield*, off ${fmtRate(s.typedTraceOff).padStart(12)}   ${pct(s.typedTraceOff)}`,
  ].join("\n");
}
