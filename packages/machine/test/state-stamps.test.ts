/**
 * Change stamps (cpu.ts and thread.ts `ver`): a state vector (states/
 * vector.ts) writes a cpu's or a thread's key again only when its stamp
 * moved, so every write that reaches a cpu or thread other than the
 * stepping cpu's must move the stamp — or the state keeps a stale number.
 * Each case here changes such a record from another cpu's step and checks,
 * at every step, that the state's number is the one it gets with every key
 * written again (every stamp moved first).
 */
import { describe, expect, it } from "vitest";
import {
  choiceCpu,
  createMachine,
  defineThreadLocal,
  Histories,
  type Machine,
  type Strategy,
  type Thread,
} from "../src/index.js";
import { coreOf, stateId, VectorTable } from "../src/internal.js";

/** The state's number with every cpu's and thread's key written again. */
function rewrittenId(m: Machine, table: VectorTable): number {
  const core = coreOf(m);
  for (const c of core.cpus) c.ver++;
  for (const t of core.threads) t.ver++;
  return stateId(m, table);
}

/** Steps cpu 0 while it has a choice (cpu 1 is changed only from there), checking each state's number. */
function checked(m: Machine): { wrong: string[]; states: number } {
  const table = new VectorTable();
  const wrong: string[] = [];
  const s: Strategy = {
    name: "cpu 0 first",
    choose(cs, view) {
      const id = stateId(m, table);
      const whole = rewrittenId(m, table);
      if (id !== whole) wrong.push(`step ${view.step}: ${id}, written again ${whole}`);
      const i = cs.findIndex((c) => choiceCpu(c) === 0);
      return i >= 0 ? i : 0;
    },
  };
  m.setStrategy(s);
  m.trackStates(new Histories());
  m.run();
  return { wrong, states: table.size };
}

describe("state numbers follow changes made from another cpu", () => {
  it("a thread-local of a thread on another cpu, changed through `local`", () => {
    const KEY = defineThreadLocal("poked", () => ({ n: 0 }));
    const m = createMachine({ cpus: 2 });
    const c = m.cell("c", 0);
    const box: { b: Thread | null } = { b: null };
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* k.nop("before");
        for (let i = 0; i < 2; i++) {
          yield* k.atomic("poke B", { writes: [c] }, (tx) => {
            box.b!.local(KEY).n++;
            tx.write(c, i);
          });
        }
        yield* k.nop("after");
      },
    });
    box.b = m.spawn({
      cpu: 1,
      name: "B",
      *body(k) {
        k.local(KEY);
        yield* k.nop("idle");
      },
    });
    const r = checked(m);
    expect(r.wrong).toEqual([]);
    expect(r.states).toBeGreaterThan(3);
  });

  it("an interrupt thread on another cpu, armed", () => {
    const m = createMachine({ cpus: 2 });
    const dev = m.spawn({
      cpu: 1,
      name: "dev",
      kind: "interrupt",
      armed: false,
      *body(k) {
        yield* k.nop("isr");
      },
    });
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* k.nop("before");
        yield* k.atomic("start the device", {}, (tx) => tx.arm(dev));
        yield* k.nop("after");
      },
    });
    const r = checked(m);
    expect(r.wrong).toEqual([]);
    expect(r.states).toBeGreaterThan(3);
  });
});
