import { type KernelContext, random, roundRobin } from "@kprim/machine";
import { EWOULDBLOCK, ENOLCK } from "@kprim/sleepq";
import { describe, expect, it } from "vitest";
import {
  builtinInterlocks,
  lockcount,
  lockinit,
  lockmgr,
  lockmgrKernproc,
  lockstatus,
  peekLock,
  spinInterlock,
  tokenInterlock,
} from "../src/index.js";
import { deps, machineWithLock } from "./kit.js";

describe("lockmgr", () => {
  for (const [name, kind] of Object.entries(builtinInterlocks).filter(([n]) => n !== "spin-naive")) {
    it(`gives mutual exclusion to exclusive holders over 500 random schedules (${name} interlock)`, () => {
      for (let seed = 1; seed <= 500; seed++) {
        const { m, L } = machineWithLock({ cpus: 3, strategy: random({ seed }) }, { interlock: kind, cpu: 0 });
        const c = m.cell("count", 0);
        for (let i = 0; i < 3; i++) {
          m.spawn({
            cpu: i,
            name: `T${i}`,
            *body(k) {
              for (let j = 0; j < 2; j++) {
                yield* lockmgr(k, L, "exclusive");
                const v = yield* k.load(c);
                yield* k.store(c, v + 1);
                yield* lockmgr(k, L, "release");
              }
            },
          });
        }
        const r = m.run();
        expect(r.outcome).toEqual({ kind: "ok" });
        expect(m.peek(c)).toBe(6);
      }
    });
  }

  it("lets shared holders in together and keeps an exclusive requester out until they leave", () => {
    const { m, L } = machineWithLock({ cpus: 3, strategy: roundRobin(), trace: true });
    const log = m.cell<string[]>("log", []);
    for (const i of [0, 1]) {
      m.spawn({
        cpu: i,
        name: `S${i}`,
        *body(k) {
          yield* lockmgr(k, L, "shared");
          yield* k.atomic("in", { writes: [log] }, (tx) => void tx.mutate(log).push(`S${i} in`));
          // Both readers are inside at once: each waits for the other to be in.
          yield* k.spinUntil("both in", [log], (tx) => tx.read(log).filter((x) => x.endsWith(" in")).length >= 2);
          yield* k.atomic("out", { writes: [log] }, (tx) => void tx.mutate(log).push(`S${i} out`));
          yield* lockmgr(k, L, "release");
        },
      });
    }
    m.spawn({
      cpu: 2,
      name: "E",
      *body(k) {
        yield* k.nop("later");
        yield* k.nop("later");
        yield* lockmgr(k, L, "exclusive");
        yield* k.atomic("in", { writes: [log] }, (tx) => void tx.mutate(log).push("E in"));
        yield* lockmgr(k, L, "release");
      },
    });
    expect(m.run().outcome).toEqual({ kind: "ok" });
    const l = m.peek(log);
    expect(l.indexOf("E in")).toBeGreaterThan(l.indexOf("S0 out"));
    expect(l.indexOf("E in")).toBeGreaterThan(l.indexOf("S1 out"));
    expect(l.slice(0, 2).sort()).toEqual(["S0 in", "S1 in"]);
  });

  it("wakes every waiter on a release (broadcast) and hands the lock to none of them", () => {
    const { m, L } = machineWithLock({ cpus: 3, strategy: roundRobin(), trace: true });
    const held = m.cell("held", 0);
    m.spawn({
      cpu: 0,
      name: "H",
      *body(k) {
        yield* lockmgr(k, L, "exclusive");
        yield* k.store(held, 1);
        yield* k.spinUntil("both wait", [L.cell], (tx) => tx.read(L.cell).waitcount === 2);
        yield* lockmgr(k, L, "release");
      },
    });
    for (const i of [1, 2]) {
      m.spawn({
        cpu: i,
        name: `W${i}`,
        *body(k) {
          yield* k.spinUntil("held", [held], (tx) => tx.read(held) === 1);
          yield* lockmgr(k, L, "exclusive");
          yield* lockmgr(k, L, "release");
        },
      });
    }
    const r = m.run();
    expect(r.outcome).toEqual({ kind: "ok" });
    const woken = r.trace!.filter((e) => e.kind === "sleepq.woken").map((e) => m.thread(e.target!).name);
    expect(woken.slice(0, 2).sort()).toEqual(["W1", "W2"]);
  });

  it("SLEEPFAIL turns a sleep into ENOLCK", () => {
    const { m, L } = machineWithLock({ cpus: 2, strategy: roundRobin() });
    const res = m.cell<number[]>("res", [], { cpu: 1 });
    m.spawn({
      cpu: 0,
      name: "H",
      *body(k) {
        yield* lockmgr(k, L, "exclusive");
        yield* k.spinUntil("w", [L.cell], (tx) => tx.read(L.cell).waitcount === 1);
        yield* lockmgr(k, L, "release");
      },
    });
    m.spawn({
      cpu: 1,
      name: "W",
      *body(k) {
        yield* k.nop("later");
        const e = yield* lockmgr(k, L, "exclusive", { sleepfail: true });
        yield* k.atomic("r", {}, (tx) => void tx.mutate(res).push(e));
      },
    });
    expect(m.run().outcome).toEqual({ kind: "ok" });
    expect(m.peek(res)).toEqual([ENOLCK]);
    expect(peekLock(m, L).flags).toBe(0);
  });

  it("TIMELOCK sleeps with the lock's timeout and returns EWOULDBLOCK", () => {
    const { m, L } = machineWithLock({ cpus: 2, strategy: roundRobin() }, { timo: 5 });
    const res = m.cell<number[]>("res", [], { cpu: 1 });
    m.spawn({
      cpu: 0,
      name: "H",
      daemon: true,
      *body(k) {
        yield* lockmgr(k, L, "exclusive");
        yield* k.atomic("park", {}, (tx) => tx.block("asleep forever"));
      },
    });
    m.spawn({
      cpu: 1,
      name: "W",
      *body(k) {
        yield* k.nop("later");
        const e = yield* lockmgr(k, L, "exclusive", { timelock: true });
        yield* k.atomic("r", {}, (tx) => void tx.mutate(res).push(e));
      },
    });
    expect(m.run().outcome).toEqual({ kind: "ok" });
    expect(m.peek(res)).toEqual([EWOULDBLOCK]);
    // The failed exclusive request cleared its WANT_EXCL claim.
    expect(peekLock(m, L).flags & 0x200).toBe(0);
  });

  it("LK_INTERLOCK releases the caller's interlock after taking the lock's own", () => {
    const { m, L } = machineWithLock({ cpus: 1, strategy: roundRobin(), trace: true });
    const order = m.cell<string[]>("order", [], { cpu: 0 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k: KernelContext) {
        const mine = {
          *release(kk: KernelContext) {
            yield* kk.atomic(
              "release caller interlock",
              {},
              (tx) => void tx.mutate(order).push(`caller released, lockmgr inside ${L.interlock.inside}`),
            );
          },
        };
        yield* lockmgr(k, L, "exclusive", { interlock: mine });
        yield* lockmgr(k, L, "release");
      },
    });
    expect(m.run().outcome).toEqual({ kind: "ok" });
    expect(m.peek(order)).toEqual(["caller released, lockmgr inside 1"]);
  });

  it("lockstatus and lockcount report holds, under the interlock", () => {
    const { m, L } = machineWithLock({ cpus: 2, strategy: roundRobin() });
    const seen = m.cell<string[]>("seen", []);
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* lockmgr(k, L, "exclusive", { canrecurse: true });
        yield* lockmgr(k, L, "exclusive", { canrecurse: true });
        const st = yield* lockstatus(k, L);
        const n = yield* lockcount(k, L);
        yield* k.atomic("note", { writes: [seen] }, (tx) => void tx.mutate(seen).push(`A ${st} ${n}`));
        yield* k.nop("hold");
        yield* lockmgr(k, L, "release");
        yield* lockmgr(k, L, "release");
      },
    });
    m.spawn({
      cpu: 1,
      name: "B",
      *body(k) {
        yield* k.spinUntil("held", [L.cell], (tx) => tx.read(L.cell).exclusivecount === 2);
        const st = yield* lockstatus(k, L);
        yield* k.atomic("note", { writes: [seen] }, (tx) => void tx.mutate(seen).push(`B ${st}`));
      },
    });
    expect(m.run().outcome).toEqual({ kind: "ok" });
    expect(m.peek(seen).sort()).toEqual(["A exclusive 2", "B exclother"]);
  });

  it("a hold handed to the kernel (BUF_KERNPROC) is released by another thread", () => {
    const { m, L } = machineWithLock({ cpus: 2, strategy: roundRobin() });
    const handed = m.cell("handed", 0);
    m.spawn({
      cpu: 0,
      name: "starter",
      *body(k) {
        yield* lockmgr(k, L, "exclusive");
        yield* lockmgrKernproc(k, L);
        yield* k.store(handed, 1);
      },
    });
    m.spawn({
      cpu: 1,
      name: "biodone",
      *body(k) {
        yield* k.spinUntil("handed", [handed], (tx) => tx.read(handed) === 1);
        yield* lockmgr(k, L, "release");
      },
    });
    expect(m.run().outcome).toEqual({ kind: "ok" });
    expect(peekLock(m, L)).toMatchObject({ flags: 0, exclusivecount: 0, holder: -1 });
  });

  it("each lock gets its interlock at lockinit", () => {
    const { m } = machineWithLock({ cpus: 1 });
    const a = lockinit(m, "A", { deps, interlock: tokenInterlock });
    const b = lockinit(m, "B", { deps, interlock: spinInterlock });
    expect([a.interlock.kind, b.interlock.kind]).toEqual(["token", "spin"]);
  });

  it("reports a lock whose flags disagree with its counts (lockmgr-state)", () => {
    const { m, L } = machineWithLock({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.atomic("corrupt", { writes: [L.cell] }, (tx) => {
          tx.mutate(L.cell).sharecount = 3; // without SHARE_NONZERO
        });
      },
    });
    expect(m.run().outcome).toMatchObject({
      kind: "violation",
      detector: "lockmgr-state",
      message: "L: SHARE_NONZERO disagrees with sharecount 3",
    });
  });
});
