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
  defineExtension,
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

/**
 * Detectors' and extensions' change stamps (`Detector.stateStamp`,
 * `Extension.stateStamp`): the state vector keeps a part's number while
 * its stamp is one it was written at, without asking for the key. Two
 * threads on two cpus each take a step, in either order: the states after
 * both steps differ only in who went first, which only the detector (or
 * the extension) keeps. A stamp that moves with the key tells them apart;
 * one that does not move merges them (the stale number is kept).
 */
describe("detectors' and extensions' change stamps", () => {
  type Stamp = "moves" | "stuck" | "none";
  /** What one search shares across its machines: the interned keys, and the states. */
  type Search = { readonly histories: Histories; readonly table: VectorTable };
  const search = (): Search => ({ histories: new Histories(), table: new VectorTable() });

  /** Who stepped first, as the detector sees it, with its stamp (`stamp`); the state's number after two steps. */
  function afterTwo(order: readonly number[], search: Search, stamp: Stamp, via: "detector" | "extension"): number {
    const m = createMachine({ cpus: 2 });
    const seen = { first: "", stamp: 0 };
    const onStep = (cpu: number): void => {
      if (seen.first !== "") return;
      seen.first = `cpu ${cpu}`;
      if (stamp === "moves") seen.stamp++;
    };
    if (via === "detector") {
      m.addDetector({
        name: "first",
        onStep: (rec) => onStep(rec.cpu),
        stateKey: () => seen.first,
        ...(stamp === "none" ? {} : { stateStamp: () => seen.stamp }),
      });
    } else {
      const EXT = defineExtension("first", () => seen, {
        stateKey: (s) => s.first,
        ...(stamp === "none" ? {} : { stateStamp: (s: typeof seen) => s.stamp }),
      });
      m.ext(EXT);
      m.addDetector({ name: "feeds the extension", onStep: (rec) => onStep(rec.cpu), stateKey: () => "" });
    }
    for (const cpu of [0, 1]) {
      m.spawn({
        cpu,
        name: `T${cpu}`,
        *body(k) {
          yield* k.nop("one");
          yield* k.nop("two");
        },
      });
    }
    let calls = 0;
    let id = -1;
    m.setStrategy({
      name: "in order",
      choose(cs) {
        // Numbered at every state: the part's number is kept from the first (before anyone stepped).
        const now = stateId(m, search.table);
        if (calls === 2) id = now;
        const want = calls < 2 ? order[calls]! : 0;
        calls++;
        const i = cs.findIndex((c) => choiceCpu(c) === want);
        return i >= 0 ? i : 0;
      },
    });
    m.trackStates(search.histories);
    m.run();
    return id;
  }

  for (const via of ["detector", "extension"] as const) {
    it(`${via === "extension" ? "an" : "a"} ${via}'s stamp that moves with its key keeps states apart, as with no stamp`, () => {
      for (const stamp of ["none", "moves"] as const) {
        const s = search();
        expect(afterTwo([0, 1], s, stamp, via)).not.toBe(afterTwo([1, 0], s, stamp, via));
      }
    });

    it(`${via === "extension" ? "an" : "a"} ${via}'s stamp that stays while its key changes merges states (the key is not asked for again)`, () => {
      const s = search();
      expect(afterTwo([0, 1], s, "stuck", via)).toBe(afterTwo([1, 0], s, "stuck", via));
    });
  }
});
