/**
 * Token machines put back in a saved state (@kprim/machine/internal's
 * `snapshot`/`restore`, what an exhaustive search does at a branch point):
 * a thread whose generator is rebuilt from its resume log holds the very
 * reference the restored state links on td_toks and in the request queues
 * (`lwkt_gettoken` makes it with `k.make`), so the run goes on exactly as a
 * fresh machine replaying the same choices does — no "ref != NULL" panic in
 * `lwkt_reltoken`, no second reference cell.
 */
import {
  createMachine,
  formatSchedule,
  type KernelContext,
  type Machine,
  random,
  type RunResult,
  type Strategy,
} from "@kprim/machine";
import { coreOf, continueRun, enableRestore, restore, snapshot, type Snapshot } from "@kprim/machine/internal";
import { describe, expect, it } from "vitest";
import { createToken, lwktGettoken, lwktReltoken, lwktTrytoken, protect, type TokenMode } from "../src/index.js";

/** Two cpus, three threads taking two tokens in turn (nested, tried, re-taken), a protected counter. */
function build(mode: TokenMode, strategy: Strategy): Machine {
  const m = createMachine({ cpus: 2, strategy });
  const A = createToken(m, "A", { cpu: 0, mode });
  const B = createToken(m, "B", { cpu: 1, mode });
  const v = m.cell("v", 0);
  protect(m, A, v);
  const worker = (first: typeof A, second: typeof A) =>
    function* body(k: KernelContext) {
      for (let i = 0; i < 2; i++) {
        const r1 = yield* lwktGettoken(k, first);
        const x = yield* k.load(v);
        const r2 = yield* lwktGettoken(k, second);
        yield* k.store(v, x + 1);
        yield* lwktReltoken(k, r2);
        const r3 = yield* lwktTrytoken(k, second);
        if (r3 !== null) yield* lwktReltoken(k, r3);
        yield* lwktReltoken(k, r1);
      }
    };
  m.spawn({ cpu: 0, name: "T0", body: worker(A, B) });
  m.spawn({ cpu: 1, name: "T1", body: worker(A, B) });
  m.spawn({ cpu: 1, name: "T2", body: worker(B, A) });
  return m;
}

function summary(r: RunResult): string {
  return JSON.stringify([formatSchedule(r.schedule), r.outcome, r.steps, r.counters]);
}

describe.each(["yield", "spin2005"] as const)("restored token states (%s mode)", (mode) => {
  it("a run restored to each of its states goes on as a fresh machine replaying the same choices", () => {
    let compared = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      // The run, saving its state before every choice; after a restore, `tail` chooses.
      const saved: { step: number; snap: Snapshot; choices: number[] }[] = [];
      const taken: number[] = [];
      const inner = random({ seed });
      let tail: Strategy | null = null;
      let m: Machine | null = null;
      const saving: Strategy = {
        name: "saving",
        choose(enabled, view) {
          if (tail !== null) return tail.choose(enabled, view);
          const snap = snapshot(coreOf(m!));
          if (snap !== null) saved.push({ step: view.step, snap, choices: taken.slice() });
          const i = inner.choose(enabled, view);
          taken.push(i);
          return i;
        },
      };
      m = build(mode, saving);
      enableRestore(coreOf(m));
      const first = m.run();
      // Back to each saved state, newest first, then on with another random tail; a fresh machine
      // replaying the same choices, then the same tail, must give the same run.
      for (const { step, snap, choices } of saved.reverse()) {
        if (!restore(coreOf(m), snap)) {
          failures.push(`seed ${seed}: restoring step ${step} failed`);
          break;
        }
        tail = random({ seed: seed * 1000 + step });
        const restored = continueRun(m);
        let at = 0;
        const head = random({ seed: seed * 1000 + step });
        const fresh = build(mode, {
          name: "prefix",
          choose: (enabled, view) => (at < choices.length ? choices[at++]! : head.choose(enabled, view)),
        }).run();
        compared++;
        if (summary(restored) !== summary(fresh)) {
          failures.push(
            `seed ${seed}, step ${step}: ${JSON.stringify(restored.outcome)} vs ${JSON.stringify(fresh.outcome)}`,
          );
        }
      }
      expect(first.outcome.kind).not.toBe("error");
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(200);
  });
});
