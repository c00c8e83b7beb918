/**
 * Restored states (states/snapshot.ts): a thread whose generator moved on
 * since the snapshot is rebuilt only when it runs again — a restore leaves
 * it stale, with its saved op as data — and the run then goes on exactly as
 * a fresh machine replaying the same choices; a snapshot shares the saves
 * of the cpus and threads that did not change since the one before.
 */
import { describe, expect, it } from "vitest";
import { type Cell, createMachine, type Machine, type RunResult, type Strategy } from "../src/index.js";
import { continueRun, coreOf, enableRestore, restore, snapshot, type Snapshot } from "../src/internal.js";

/** Two threads on two cpus, each a few steps long; `bodies` counts the bodies made (a rebuild makes one). */
function build(strategy: Strategy, counts: { bodies: number }): { m: Machine; c: Cell<number> } {
  const m = createMachine({ cpus: 2, strategy });
  const c = m.cell("c", 0);
  const d = m.cell("d", 0);
  m.spawn({
    cpu: 0,
    name: "A",
    *body(k) {
      counts.bodies++;
      for (let i = 1; i <= 4; i++) yield* k.store(c, i);
    },
  });
  m.spawn({
    cpu: 1,
    name: "B",
    *body(k) {
      counts.bodies++;
      let sum = 0;
      for (let i = 0; i < 4; i++) sum += yield* k.load(c);
      yield* k.store(d, sum);
    },
  });
  return { m, c };
}

/** What `planned` follows: the choices by index among the enabled ones, a step to save the state at, a stop. */
interface Plan {
  plan: readonly number[];
  at: number;
  stop: boolean;
  snap: Snapshot | null;
  m: Machine | null;
}

function planned(p: Plan): Strategy {
  return {
    name: "planned",
    choose(enabled, view) {
      if (p.stop) throw new Error("stop");
      if (view.step === p.at) p.snap = snapshot(coreOf(p.m!));
      return Math.min(p.plan[view.step] ?? 0, enabled.length - 1);
    },
  };
}

function plan(choices: readonly number[], at = -1): Plan {
  return { plan: choices, at, stop: false, snap: null, m: null };
}

function summary(r: RunResult): unknown {
  return { outcome: r.outcome, schedule: r.schedule.choices, steps: r.steps, counters: r.counters };
}

describe("restored states", () => {
  it("a thread that moved on since the snapshot is rebuilt when it runs again, not at the restore", () => {
    const counts = { bodies: 0 };
    // A, A, B, B, ... then back to step 2, where B runs on alone before A.
    const p = plan([0, 0, 1, 1, 0, 0, 1, 1, 1], 2);
    const { m } = build(planned(p), counts);
    p.m = m;
    enableRestore(coreOf(m));
    m.run();
    expect(counts.bodies).toBe(2);
    const second = [0, 0, 1, 1, 1, 1, 1, 0, 0];
    p.plan = second;
    expect(restore(coreOf(m), p.snap!)).toBe(true);
    // Both threads moved on since step 2, and nothing was rebuilt yet.
    expect(counts.bodies).toBe(2);
    const r = continueRun(m);
    expect(counts.bodies).toBe(4);
    // The same run as a fresh machine replaying those choices.
    const fresh = build(planned(plan(second)), { bodies: 0 }).m;
    expect(summary(r)).toEqual(summary(fresh.run()));
  });

  it("a thread that does not run after the restore is never rebuilt", () => {
    const counts = { bodies: 0 };
    const p = plan([0, 0, 0, 1, 1, 1, 1, 0, 0], 1);
    const { m } = build(planned(p), counts);
    p.m = m;
    enableRestore(coreOf(m));
    m.run();
    // Back to step 1, then stop before any thread steps.
    p.stop = true;
    expect(restore(coreOf(m), p.snap!)).toBe(true);
    expect(() => continueRun(m)).toThrow("stop");
    expect(counts.bodies).toBe(2);
  });

  it("a snapshot shares the saves of the cpus and threads unchanged since the one before", () => {
    const snaps: Snapshot[] = [];
    let built: Machine | null = null;
    const { m } = build(
      {
        name: "saving",
        choose(_enabled, view) {
          const s = snapshot(coreOf(built!));
          if (s !== null) snaps.push(s);
          if (view.step === 3) snaps.push(snapshot(coreOf(built!))!);
          return 0;
        },
      },
      { bodies: 0 },
    );
    built = m;
    enableRestore(coreOf(m));
    m.run();
    // Two snapshots with no step between: every save shared.
    const at3 = snaps.findIndex((s) => s.step === 3);
    const [a, b] = [snaps[at3]!, snaps[at3 + 1]!];
    expect(b.cpus.every((c, i) => c === a.cpus[i])).toBe(true);
    expect(b.threads.every((t, i) => t === a.threads[i])).toBe(true);
    // One step later (A's, on cpu 0): cpu 1 and thread B shared, cpu 0 and A saved anew.
    const next = snaps[at3 + 2]!;
    expect(next.step).toBe(4);
    expect(next.cpus[1]).toBe(b.cpus[1]);
    expect(next.threads[1]).toBe(b.threads[1]);
    expect(next.cpus[0]).not.toBe(b.cpus[0]);
    expect(next.threads[0]).not.toBe(b.threads[0]);
  });
});
