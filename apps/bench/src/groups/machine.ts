/**
 * Simulator speed: machine steps per second of a 2-cpu, 4-thread workload
 * under the random strategy, with the trace off and on, beside a bare
 * generator-resume loop doing the same yields in the same process. The
 * figure is the ratio (issue target: trace off at least 25% of the bare loop).
 */
import { type Cell, createMachine, type Gen, type KernelContext, op, random } from "@kprim/machine";
import { throughput } from "../measure.js";
import type { Section } from "../report/types.js";

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

export function simulatorSection(quick: boolean): Section {
  const repeats = quick ? 1 : 5;
  const s = machineSpeed(repeats);
  const rows: [string, number][] = [
    ["bare generator-resume loop", s.bare],
    ["machine, trace off", s.traceOff],
    ["machine, trace on", s.traceOn],
    ["machine, typed helpers (yield*), trace off", s.typedTraceOff],
  ];
  return {
    id: "simulator",
    title: "1. Simulator speed",
    text: [
      `Machine steps per second of a 2-cpu, ${THREADS}-thread workload (each thread: an atomic add, a load and a store, ${ITERS.toLocaleString("en")} times) under the random strategy, against a bare loop resuming the same generator bodies in the same process. Median of ${repeats} run${repeats === 1 ? "" : "s"} each; the figure is the ratio (target: trace off ≥ 25% of the bare loop).`,
      `**Trace off: ${pct(s.traceOff / s.bare)} of the bare loop; trace on: ${pct(s.traceOn / s.bare)}.**`,
    ],
    tables: [
      {
        header: ["loop", "steps/s", "÷ bare loop"],
        rows: rows.map(([name, rate]) => [name, Math.round(rate), pct(rate / s.bare)]),
      },
    ],
    charts: [
      {
        kind: "bar",
        id: "simulator-speed",
        title: "Simulator: steps/s relative to a bare generator loop",
        categories: ["trace off", "trace on", "typed, trace off"],
        y: { label: "% of the bare loop's steps/s" },
        series: [{ name: "machine", values: [s.traceOff, s.traceOn, s.typedTraceOff].map((x) => (100 * x) / s.bare) }],
      },
    ],
    data: { ...s, repeats, ratios: { traceOff: s.traceOff / s.bare, traceOn: s.traceOn / s.bare } },
    errors: [],
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
