import {
  createMachine,
  expectOutcome,
  type Gen,
  type KernelContext,
  random,
  replay,
  roundRobin,
  type Strategy,
  type Thread,
} from "@kprim/machine";
import { coreOf, fifoCell } from "@kprim/machine/internal";
import { describe, expect, it } from "vitest";
import {
  createToken,
  lwktGettoken,
  lwktHavetoken,
  lwktReltoken,
  lwktTrytoken,
  protect,
  type TokenMode,
  tokenSystem,
  toks,
} from "../src/index.js";

const MODES: readonly TokenMode[] = ["yield", "spin2005"];

function requestIpis(r: { trace: readonly { kind: string; obj?: string | undefined }[] | null }): number {
  return (r.trace ?? []).filter((e) => e.kind === "ipi-send" && e.obj?.startsWith("lwkt_reqtoken_remote")).length;
}

describe.each(MODES)("tokens (%s mode)", (mode) => {
  it("are taken at once, without IPIs, on the cpu that owns them", () => {
    const m = createMachine({ cpus: 2, trace: true });
    const A = createToken(m, "A", { cpu: 0, mode });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        const r = yield* lwktGettoken(k, A);
        yield* lwktReltoken(k, r);
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(r.counters.total.ipisSent).toBe(0);
    expect(A.stats).toMatchObject({ acquisitions: 1, contended: 0 });
  });

  it("send exactly one request IPI for a token owned by another cpu", () => {
    const m = createMachine({ cpus: 2, trace: true, strategy: roundRobin() });
    const A = createToken(m, "A", { cpu: 0, mode });
    m.spawn({
      cpu: 1,
      name: "T",
      *body(k) {
        const r = yield* lwktGettoken(k, A);
        yield* lwktReltoken(k, r);
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(requestIpis(r)).toBe(1);
    expect(A.stats).toMatchObject({ acquisitions: 1, contended: 1, requests: 1 });
    expect(m.peek(A.cell).cpu).toBe(1);
  });

  it("keep a request in flight from being sent again, whatever the schedule", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const m = createMachine({ cpus: 3, trace: true, strategy: random({ seed }) });
      const A = createToken(m, "A", { cpu: 0, mode });
      const busy = m.cell("busy", 0);
      // cpu0 is busy in a critical section for a while, so the request waits in its FIFO.
      m.spawn({
        cpu: 0,
        name: "busy",
        *body(k) {
          k.critEnter();
          for (let i = 0; i < 5; i++) yield* k.add(busy, 1);
          k.critExit();
        },
      });
      m.spawn({
        cpu: 1,
        name: "T",
        *body(k) {
          const r = yield* lwktGettoken(k, A);
          yield* lwktReltoken(k, r);
        },
      });
      const r = m.run();
      expectOutcome(r, "ok");
      expect(requestIpis(r)).toBe(1);
    }
  });

  it("give mutual exclusion: 4 cpus increment a token-protected counter exactly, over 1,000 random schedules", () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const m = createMachine({ cpus: 4, strategy: random({ seed }) });
      const A = createToken(m, "A", { cpu: seed % 4, mode });
      const c = m.cell("count", 0);
      protect(m, A, c);
      for (let i = 0; i < 4; i++) {
        m.spawn({
          cpu: i,
          name: `T${i}`,
          *body(k) {
            for (let j = 0; j < 2; j++) {
              const ref = yield* lwktGettoken(k, A);
              const v = yield* k.load(c); // no blocking point between this read and the write
              yield* k.store(c, v + 1);
              yield* lwktReltoken(k, ref);
            }
          },
        });
      }
      const r = m.run();
      expect(r.outcome).toEqual({ kind: "ok" });
      expect(m.peek(c)).toBe(8);
    }
  });

  it("hand off across 4 cpus: every holder sees the protected pair consistent between blocking points", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const m = createMachine({ cpus: 4, strategy: random({ seed }) });
      const A = createToken(m, "A", { cpu: 0, mode });
      const x = m.cell("x", 0);
      const y = m.cell("y", 0);
      protect(m, A, x, y);
      const seen = m.cell<string[]>("seen", []);
      for (let i = 0; i < 4; i++) {
        m.spawn({
          cpu: i,
          name: `T${i}`,
          *body(k) {
            const ref = yield* lwktGettoken(k, A);
            const a = yield* k.load(x);
            yield* k.store(x, a + 1);
            const b = yield* k.load(y);
            yield* k.atomic(
              "note",
              { writes: [seen] },
              (tx) => void (a !== b && tx.mutate(seen).push(`${k.thread.name} x=${a} y=${b}`)),
            );
            yield* k.store(y, b + 1);
            yield* lwktReltoken(k, ref);
          },
        });
      }
      const r = m.run();
      expect(r.outcome).toEqual({ kind: "ok" });
      expect(m.peek(seen)).toEqual([]);
      expect([m.peek(x), m.peek(y)]).toEqual([4, 4]);
    }
  });

  it("are released while their holder sleeps and owned again before it runs", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const A = createToken(m, "A", { cpu: 0, mode });
    const ownerOnResume = m.cell<number[]>("ownerOnResume", [], { cpu: 0 });
    const holder: Thread = m.spawn({
      cpu: 0,
      name: "holder",
      *body(k) {
        const ref = yield* lwktGettoken(k, A);
        yield* k.atomic("tsleep", {}, (tx) => tx.block("asleep on X"));
        yield* k.atomic("after", { reads: [A.cell] }, (tx) => void tx.mutate(ownerOnResume).push(tx.read(A.cell).cpu));
        yield* lwktReltoken(k, ref);
      },
    });
    m.spawn({
      cpu: 1,
      name: "other",
      *body(k) {
        yield* k.nop("let the holder sleep");
        const ref = yield* lwktGettoken(k, A); // granted: the holder is switched out
        yield* k.atomic("wakeup", {}, (tx) => tx.schedule(holder));
        yield* k.nop("keep it a while");
        yield* lwktReltoken(k, ref);
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(m.peek(ownerOnResume)).toEqual([0]);
    const grants = r.trace!.filter((e) => e.kind === "token.grant").map((e) => `${e.cpu}->${e.target}`);
    expect(grants).toContain("0->1");
  });

  it("are not released by preemption: a remote request waits until the preempted holder blocks", () => {
    const m = createMachine({ cpus: 2, trace: true });
    const A = createToken(m, "A", { cpu: 0, mode });
    const go = m.cell("go", 0);
    const holder = m.spawn({
      cpu: 0,
      name: "holder",
      *body(k) {
        const ref = yield* lwktGettoken(k, A);
        yield* k.store(go, 1);
        yield* k.nop("still holding");
        yield* lwktReltoken(k, ref);
      },
    });
    const isr = m.spawn({
      cpu: 0,
      name: "isr",
      kind: "interrupt",
      *body(k) {
        yield* k.spinUntil("requested", [fifoCell(coreOf(m), 1, 0)], () => true);
        yield* k.nop("isr work 1");
        yield* k.nop("isr work 2");
      },
    });
    m.spawn({
      cpu: 1,
      name: "asker",
      *body(k) {
        yield* k.spinUntil("go", [go], (tx) => tx.read(go) === 1);
        const r = yield* lwktGettoken(k, A);
        yield* lwktReltoken(k, r);
      },
    });
    void holder;
    void isr;
    const strategy: Strategy = roundRobin();
    m.setStrategy(strategy);
    const r = m.run();
    expectOutcome(r, "ok");
    // Whenever the request was taken while the holder still held A, the grant came only after it released.
    const rel = r.trace!.find((e) => e.kind === "lock.release" && e.obj === "A" && e.thread === holder.id)!;
    const grant = r.trace!.find((e) => e.kind === "token.grant" && e.target === 1);
    if (grant) expect(grant.seq).toBeGreaterThan(rel.seq);
    expect(m.peek(A.cell).cpu === 1 || requestIpis(r) >= 1).toBe(true);
  });

  it("make a preemptor that needs a token its preempted thread holds yield back to it", () => {
    const m = createMachine({ cpus: 1, trace: true });
    const A = createToken(m, "A", { cpu: 0, mode });
    const v = m.cell("v", 0);
    protect(m, A, v);
    const order = m.cell<string[]>("order", [], { cpu: 0 });
    const t1 = m.spawn({
      cpu: 0,
      name: "T1",
      *body(k) {
        const ref = yield* lwktGettoken(k, A);
        const x = yield* k.load(v);
        yield* k.nop("between read and write");
        yield* k.store(v, x + 1);
        yield* k.atomic("mark", {}, (tx) => void tx.mutate(order).push("T1 done"));
        yield* lwktReltoken(k, ref);
      },
    });
    const isr = m.spawn({
      cpu: 0,
      name: "isr",
      kind: "interrupt",
      *body(k) {
        const ref = yield* lwktGettoken(k, A);
        const x = yield* k.load(v);
        yield* k.store(v, x + 10);
        yield* k.atomic("mark", {}, (tx) => void tx.mutate(order).push("isr done"));
        yield* lwktReltoken(k, ref);
      },
    });
    // T1 takes A and reads; the interrupt arrives before T1 writes.
    const choices = [0 /* T1: gettoken */, 0 /* T1: load */];
    void choices;
    let preempted = false;
    m.setStrategy({
      name: "preempt-after-read",
      choose(cs, view) {
        const want = (2 << 5) | (isr.id << 8);
        if (!preempted && view.step === 2 && cs.includes(want as never)) {
          preempted = true;
          return cs.indexOf(want as never);
        }
        return 0;
      },
    });
    const r = m.run();
    expect(preempted).toBe(true);
    expect(r.outcome).toEqual({ kind: "ok" });
    expect(m.peek(v)).toBe(11);
    expect(m.peek(order)).toEqual(["T1 done", "isr done"]);
    const blocks = r.trace!.filter((e) => e.kind === "block" && e.thread === isr.id).map((e) => e.detail);
    expect(blocks).toEqual(["lwkt_gettoken A: held by the preempted thread"]);
    void t1;
  });

  it("make lwkt_trytoken fail when the preempted thread holds the token, or another cpu owns it", () => {
    const m = createMachine({ cpus: 2 });
    const A = createToken(m, "A", { cpu: 0, mode });
    const B = createToken(m, "B", { cpu: 1, mode });
    const got = m.cell<string[]>("got", [], { cpu: 0 });
    m.spawn({
      cpu: 0,
      name: "T1",
      *body(k) {
        const ref = yield* lwktGettoken(k, A);
        yield* k.nop("x");
        yield* k.nop("y");
        yield* lwktReltoken(k, ref);
      },
    });
    const isr = m.spawn({
      cpu: 0,
      name: "isr",
      kind: "interrupt",
      *body(k: KernelContext) {
        const a = yield* lwktTrytoken(k, A);
        const b = yield* lwktTrytoken(k, B);
        yield* k.atomic(
          "r",
          {},
          (tx) => void tx.mutate(got).push(`A ${a !== null} B ${b !== null} have ${lwktHavetoken(k, A)}`),
        );
      },
    });
    let fired = false;
    m.setStrategy({
      name: "fire-after-lock",
      choose(cs, view) {
        const want = ((2 << 5) | (isr.id << 8)) as never;
        if (!fired && view.step === 1 && cs.includes(want)) {
          fired = true;
          return cs.indexOf(want);
        }
        return 0;
      },
    });
    expectOutcome(m.run(), "ok");
    expect(m.peek(got)).toEqual(["A false B false have false"]);
  });

  it("report a thread that never gets its token as waiting for it", () => {
    const m = createMachine({ cpus: 2 });
    const A = createToken(m, "A", { cpu: 0, mode });
    m.spawn({
      cpu: 0,
      name: "hog",
      *body(k) {
        yield* lwktGettoken(k, A);
        yield* k.spinUntil("never", [m.cell("never", 0)], () => false);
      },
    });
    m.spawn({
      cpu: 1,
      name: "T",
      *body(k) {
        yield* lwktGettoken(k, A);
      },
    });
    const r = m.run();
    expectOutcome(r, "deadlock");
    if (r.outcome.kind !== "deadlock") return;
    const t = r.outcome.waiters.find((w) => w.name === "T")!;
    expect(t.waitsOn).toMatch(
      mode === "yield" ? /waiting for token A \(owned by cpu0\)/ : /spinning on token A \(needs A\)/,
    );
  });
});

describe("tokens, mode by mode", () => {
  it("spin2005: a contended acquire grants queued requests even for tokens the spinner holds", () => {
    const m = createMachine({ cpus: 2, strategy: roundRobin(), trace: true });
    const A = createToken(m, "A", { cpu: 0, mode: "spin2005" });
    const B = createToken(m, "B", { cpu: 1, mode: "spin2005" });
    const asked = fifoCell(coreOf(m), 1, 0);
    const t1: Thread = m.spawn({
      cpu: 0,
      name: "T1",
      *body(k) {
        const a = yield* lwktGettoken(k, A);
        k.critEnter(); // hold off T2's request for A until it has been sent
        yield* k.spinUntil("T2 asked for A", [asked], (tx) => tx.read(asked) > 0);
        k.critExit(); // the request runs now and is queued: T1 holds A
        const b = yield* lwktGettoken(k, B); // spins; the spin grants A to cpu1 meanwhile
        yield* lwktReltoken(k, b);
        yield* lwktReltoken(k, a);
      },
    });
    m.spawn({
      cpu: 1,
      name: "T2",
      *body(k) {
        const a = yield* lwktGettoken(k, A);
        yield* lwktReltoken(k, a);
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    const trace = r.trace!;
    const t1Contended = trace.find((e) => e.kind === "token.contended" && e.obj === "B")!;
    const grantOfA = trace.find((e) => e.kind === "token.grant" && e.obj === "A" && e.cpu === 0)!;
    const t1GotB = trace.filter((e) => e.kind === "lock.acquire" && e.obj === "B" && e.thread === t1.id)[0]!;
    // A left cpu0 while T1, its holder, was spinning for B.
    expect(grantOfA.seq).toBeGreaterThan(t1Contended.seq);
    expect(grantOfA.seq).toBeLessThan(t1GotB.seq);
    expect(toks(t1).refs).toHaveLength(0);
  });

  it("spin2005: two spinners each holding the token the other wants can trade them forever (a livelock)", () => {
    // rev 1.18 had a watchdog for this ("CHKTOKEN looping"); the model shows why.
    const m = createMachine({ cpus: 2, strategy: roundRobin(), maxSteps: 2000 });
    const A = createToken(m, "A", { cpu: 0, mode: "spin2005" });
    const B = createToken(m, "B", { cpu: 1, mode: "spin2005" });
    const both = m.cell("both", 0);
    m.spawn({
      cpu: 0,
      name: "T1",
      *body(k) {
        const a = yield* lwktGettoken(k, A);
        yield* k.add(both, 1);
        yield* k.spinUntil("both hold one", [both], (tx) => tx.read(both) === 2);
        const b = yield* lwktGettoken(k, B);
        yield* lwktReltoken(k, b);
        yield* lwktReltoken(k, a);
      },
    });
    m.spawn({
      cpu: 1,
      name: "T2",
      *body(k) {
        const b = yield* lwktGettoken(k, B);
        yield* k.add(both, 1);
        yield* k.spinUntil("both hold one", [both], (tx) => tx.read(both) === 2);
        const a = yield* lwktGettoken(k, A);
        yield* lwktReltoken(k, a);
        yield* lwktReltoken(k, b);
      },
    });
    const r = m.run();
    expect(r.outcome).toEqual({ kind: "step-limit", step: 2000 });
    expect(A.stats.requests + B.stats.requests).toBeGreaterThan(100);
  });

  it("yield: a contended acquire is a blocking point (it reports spinlock-blocking when a spinlock is held)", () => {
    const m = createMachine({ cpus: 2 });
    const A = createToken(m, "A", { cpu: 1, mode: "yield" });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k): Gen<void> {
        k.thread.spinlocks++; // as if a spinlock were held
        yield* lwktGettoken(k, A);
      },
    });
    expect(m.run().outcome).toMatchObject({ kind: "violation", detector: "spinlock-blocking" });
  });

  it("the token system installs its detectors once per machine", () => {
    const m = createMachine({ cpus: 1 });
    createToken(m, "A");
    createToken(m, "B");
    expect(tokenSystem(m).tokens.map((t) => t.name)).toEqual(["A", "B"]);
    void replay;
  });
});
