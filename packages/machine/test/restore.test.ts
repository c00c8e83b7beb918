/**
 * Restored states (states/snapshot.ts): a thread whose generator moved on
 * since the snapshot is rebuilt at the restore, and the run then goes on
 * exactly as a fresh machine replaying the same choices; layer bookkeeping
 * the rebuilt code changes between its yields ends as saved; a snapshot
 * shares the saves of the cpus and threads that did not change since the
 * one before.
 */
import { describe, expect, it } from "vitest";
import {
  type Cell,
  createMachine,
  defineExtension,
  type Machine,
  type RunResult,
  type Strategy,
} from "../src/index.js";
import {
  continueRun,
  continueUntilCut,
  coreOf,
  CUT,
  enableRestore,
  restore,
  snapshot,
  type Snapshot,
} from "../src/internal.js";

/** Two threads on two cpus, each a few steps long; `bodies` counts the bodies made (a rebuild makes one). */
function build(strategy: Strategy, counts: { bodies: number }, n = 4): { m: Machine; c: Cell<number> } {
  const m = createMachine({ cpus: 2, strategy });
  const c = m.cell("c", 0);
  const d = m.cell("d", 0);
  m.spawn({
    cpu: 0,
    name: "A",
    *body(k) {
      counts.bodies++;
      for (let i = 1; i <= n; i++) yield* k.store(c, i);
    },
  });
  m.spawn({
    cpu: 1,
    name: "B",
    *body(k) {
      counts.bodies++;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += yield* k.load(c);
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
  it("a thread that moved on since the snapshot is rebuilt at the restore, and the run goes on as a fresh machine's", () => {
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
    // Both threads moved on since step 2: both rebuilt now.
    expect(counts.bodies).toBe(4);
    const r = continueRun(m);
    expect(counts.bodies).toBe(4);
    // The same run as a fresh machine replaying those choices.
    const fresh = build(planned(plan(second)), { bodies: 0 }).m;
    expect(summary(r)).toEqual(summary(fresh.run()));
  });

  it("a thread whose code read state outside it between its yields, now changed: the restore refuses, with its op pending or none; read through k.observe, it restores and runs on as a fresh machine", () => {
    // A world outside the threads (as a preemptor's chain is to it), changed between the run and the restore.
    const world = { flag: false };
    const make = (strategy: Strategy, observe: boolean) => {
      const m = createMachine({ cpus: 1, strategy });
      const c = m.cell("c", 0);
      m.spawn({
        cpu: 0,
        name: "A",
        *body(k) {
          yield* k.store(c, 1);
          const f = observe ? k.observe(() => world.flag) : world.flag;
          // A blocking point: after it, A has no op pending while B runs.
          yield* k.yieldCpu(f ? "yes" : "no");
          yield* k.store(c, f ? 10 : 20);
        },
      });
      m.spawn({
        cpu: 0,
        name: "B",
        *body(k) {
          yield* k.store(c, 2);
          yield* k.store(c, 3);
        },
      });
      return m;
    };
    // Step 1: A's yield pending; step 2: A yielded (no op pending), B runs.
    for (const at of [1, 2]) {
      for (const observe of [false, true]) {
        world.flag = false;
        const p = plan([], at);
        const m = make(planned(p), observe);
        p.m = m;
        enableRestore(coreOf(m));
        const first = m.run();
        world.flag = true;
        expect([at, observe, restore(coreOf(m), p.snap!)]).toEqual([at, observe, observe]);
        if (!observe) continue;
        world.flag = false;
        expect(summary(continueRun(m))).toEqual(summary(first));
        expect(summary(first)).toEqual(summary(make(planned(plan([])), observe).run()));
      }
    }
  });

  it("a run's schedule read after a restore and another run is still its own run's (a long run's schedule is built when read)", () => {
    // 40 steps each: past the trail's first chunk, so the schedule is read lazily from the trail's chunks.
    const n = 40;
    const first = Array.from({ length: 2 * n + 1 }, (_, i) => i % 2);
    const p = plan(first, 2);
    const { m } = build(planned(p), { bodies: 0 }, n);
    p.m = m;
    enableRestore(coreOf(m));
    const r1 = m.run();
    const second = Array.from({ length: 2 * n + 1 }, (_, i) => (i < 2 ? i % 2 : 1));
    p.plan = second;
    expect(restore(coreOf(m), p.snap!)).toBe(true);
    const r2 = continueRun(m);
    // Read only now, after the machine ran on from step 2 with other choices.
    expect(r1.steps).toBeGreaterThan(64);
    expect(summary(r1)).toEqual(summary(build(planned(plan(first)), { bodies: 0 }, n).m.run()));
    expect(summary(r2)).toEqual(summary(build(planned(plan(second)), { bodies: 0 }, n).m.run()));
  });

  it("bookkeeping a thread's code changes between its yields, kept in an extension, is as saved after a restore however the threads run on", () => {
    // A lock's `inside` count, bumped by the thread's own code around its steps (as lockmgr's interlocks do).
    const BOOK = defineExtension("book", () => ({ inside: 0, entries: 0 }));
    const make = (strategy: Strategy) => {
      const m = createMachine({ cpus: 2, strategy });
      const c = m.cell("c", 0);
      for (const [cpu, name] of [
        [0, "A"],
        [1, "B"],
      ] as const) {
        m.spawn({
          cpu,
          name,
          *body(k) {
            const book = m.ext(BOOK);
            for (let i = 0; i < 2; i++) {
              book.inside++;
              book.entries++;
              yield* k.store(c, i);
              book.inside--;
              yield* k.load(c);
            }
          },
        });
      }
      return m;
    };
    const first = [0, 0, 1, 0, 1, 1, 0, 1];
    const p = plan(first, 3);
    const m = make(planned(p));
    p.m = m;
    enableRestore(coreOf(m));
    m.run();
    expect(m.ext(BOOK)).toEqual({ inside: 0, entries: 4 });
    const second = [0, 0, 1, 1, 1, 1, 0, 0];
    p.plan = second;
    expect(restore(coreOf(m), p.snap!)).toBe(true);
    // As a fresh machine has it after the same three steps: the rebuilt threads' code did not count again.
    const upTo3 = make({
      name: "first three steps",
      choose(enabled, view) {
        if (view.step === 3) throw new Error("stop");
        return Math.min(first[view.step]!, enabled.length - 1);
      },
    });
    expect(() => upTo3.run()).toThrow("stop");
    expect(upTo3.ext(BOOK).entries).toBeGreaterThan(0);
    expect(m.ext(BOOK)).toEqual(upTo3.ext(BOOK));
    const r = continueRun(m);
    const f2 = make(planned(plan(second)));
    const r2 = f2.run();
    expect(summary(r)).toEqual(summary(r2));
    expect(m.ext(BOOK)).toEqual(f2.ext(BOOK));
    expect(m.ext(BOOK)).toEqual({ inside: 0, entries: 4 });
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

  it("a strategy that chooses CUT stops a continued run where it is (null), and the run goes on from a restore as before", () => {
    let cutAt = -1;
    const p = plan([0, 0, 1, 1, 0, 0, 1, 1, 1], 2);
    const inner = planned(p);
    const strategy: Strategy = {
      name: "cutting",
      choose: (enabled, view) => (view.step === cutAt ? CUT : inner.choose(enabled, view)),
    };
    const { m } = build(strategy, { bodies: 0 });
    p.m = m;
    enableRestore(coreOf(m));
    const whole = summary(m.run());
    // Cut at step 5: no result, the run is neither finished nor ended.
    cutAt = 5;
    expect(restore(coreOf(m), p.snap!)).toBe(true);
    expect(continueUntilCut(m)).toBeNull();
    expect(m.step).toBe(5);
    expect(coreOf(m).finished).toBe(false);
    // Back to step 2 and on uncut: the run the machine made the first time.
    cutAt = -1;
    expect(restore(coreOf(m), p.snap!)).toBe(true);
    expect(summary(continueUntilCut(m)!)).toEqual(whole);
    // A run that cannot be cut (run(), continueRun) refuses CUT as any other bad index.
    cutAt = 1;
    const fresh = build(strategy, { bodies: 0 }).m;
    expect(() => fresh.run()).toThrow(/chose -1 of/);
  });
});
