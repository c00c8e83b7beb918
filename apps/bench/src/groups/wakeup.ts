/**
 * Simulated cycles and IPIs per wakeup: S sleepers spread round-robin over C
 * cpus sleep on one ident; a waker on cpu 0 (an extra thread) waits until
 * all are queued, then calls wakeup. The figure is the time from the wakeup
 * call until the last sleeper runs again, and the IPIs it took — chained
 * (one hop per cpu with a sleeper) vs multicast (one IPI per such cpu).
 */
import { createMachine, timed } from "@kprim/machine";
import { newIdent, setForm, sleepHash, tsleep, wakeup, type WakeupForm } from "@kprim/sleepq";
import { median } from "../measure.js";
import type { Section } from "../report/types.js";

function once(form: WakeupForm, sleepers: number, cpus: number, seed: number): { latency: number; ipis: number } {
  const m = createMachine({ cpus, strategy: timed(), jitter: { seed, amount: 0.1 }, check: false, trace: true });
  const X = newIdent(m, "X");
  setForm(sleepHash(m), form);
  const asleep = m.cell("asleep", 0);
  const woke = m.cell<number[]>("woke", []);
  for (let i = 0; i < sleepers; i++) {
    m.spawn({
      cpu: i % cpus,
      name: `S${i}`,
      *body(k) {
        yield* k.add(asleep, 1);
        yield* tsleep(k, X, {}, "x", 0);
        yield* k.atomic("woke", { writes: [woke] }, (tx) => void tx.mutate(woke).push(tx.now));
      },
    });
  }
  m.spawn({
    cpu: 0,
    name: "W",
    pri: 11,
    *body(k) {
      yield* k.spinUntil("all asleep", [asleep], (tx) => tx.read(asleep) === sleepers);
      // Let the last sleeper reach tsleep: wait until nobody is runnable but us.
      yield* k.nop("settle", 2000);
      yield* wakeup(k, X);
    },
  });
  const r = m.run();
  if (r.outcome.kind !== "ok") throw new Error(`wakeup benchmark: ${r.outcome.kind}`);
  const start = r.trace!.find((e) => e.kind === "sleepq.wakeup")!.cycle;
  const ipis = r.trace!.filter((e) => e.kind === "ipi-send" && e.obj?.startsWith("_wakeup")).length;
  return { latency: Math.max(...m.peek(woke)) - start, ipis };
}

export function wakeupSection(quick: boolean): Section {
  const rows: (string | number)[][] = [];
  const seeds = quick ? 1 : 5;
  const shapes = quick
    ? [[2, 2]]
    : [
        [1, 1],
        [2, 2],
        [4, 2],
        [4, 4],
        [8, 4],
        [8, 8],
      ];
  for (const [sleepers, cpus] of shapes as [number, number][]) {
    const cells: (string | number)[] = [sleepers, cpus];
    for (const form of ["chain", "multicast"] as WakeupForm[]) {
      const runs = Array.from({ length: seeds }, (_, i) => once(form, sleepers, cpus, i + 1));
      cells.push(median(runs.map((r) => r.latency)), median(runs.map((r) => r.ipis)));
    }
    rows.push(cells);
  }
  return {
    id: "wakeup",
    title: "Wakeup: chain vs multicast",
    text: [
      `Simulated cycles from wakeup() until the last sleeper runs again, and the IPIs it took (timed strategy, median over ${seeds} seeded jitter run${seeds === 1 ? "" : "s"}).`,
    ],
    tables: [
      {
        header: ["sleepers", "cpus", "chain cycles", "chain IPIs", "multicast cycles", "multicast IPIs"],
        rows,
      },
    ],
    charts: [],
    data: { seeds, rows },
    errors: [],
  };
}
