/**
 * The sleep mutex and msleep on their own: mutual exclusion across cpus, a
 * contended acquire that blocks (an interrupt thread that wants the mutex of
 * the thread it preempted waits for it), no lost wakeup in any schedule of a
 * small sleeper/waker program — and its broken twin that releases the mutex
 * before taking the sleep-queue lock, which loses one — wakeups matched by
 * ident, and a timeout that returns EWOULDBLOCK.
 */
import { fileURLToPath } from "node:url";
import { explore } from "@kprim/explore";
import {
  type Cell,
  expectOutcome,
  formatMatches,
  type Gen,
  type KernelContext,
  type Machine,
  random,
  roundRobin,
} from "@kprim/machine";
import { sourceMessages } from "@kprim/test-utils";
import { declareCondition, EWOULDBLOCK, type Ident, newIdent, sleepState } from "@kprim/sleepq";
import { describe, expect, it } from "vitest";
import {
  createSleepMutex,
  msleep,
  MTX_SLEEPQ,
  mtxInterlock,
  mtxLock,
  mtxOwner,
  mtxUnlock,
  releaseAndBlock,
  type SleepMutex,
  spinMutexLock,
  wakeup,
} from "../src/index.js";
import { factory, finalCount } from "./kit.js";

/** Add one to `c` with a load and a store (a lost update unless something excludes). */
function* increment(k: KernelContext, c: Cell<number>): Gen<void> {
  const v = yield* k.load(c);
  yield* k.store(c, v + 1);
}

describe("the sleep mutex", () => {
  const counting = (locked: boolean) =>
    factory(3, (m) => {
      const mtx = createSleepMutex(m, "M");
      const c = m.cell("count", 0);
      for (let cpu = 0; cpu < 3; cpu++) {
        m.spawn({
          cpu,
          name: `T${cpu}`,
          *body(k) {
            if (locked) yield* mtxLock(k, mtx);
            yield* increment(k, c);
            if (locked) yield* mtxUnlock(k, mtx);
          },
        });
      }
      m.addDetector(finalCount(c, 3));
    });

  it("excludes across cpus: three load/store increments under it on three cpus end at 3 in every schedule", () => {
    const r = explore(counting(true), { mode: { kind: "dpor" }, maxExecutions: 100_000 });
    expect(r.kind).toBe("not-found");
    expect(r.kind === "not-found" && r.exhausted).toBe(true);
    expect(r.executions).toBeGreaterThan(1);
  });

  it("(its twin) without it the same increments lose an update", () => {
    const r = explore(counting(false), { mode: { kind: "dpor" }, maxExecutions: 100_000 });
    expect(r.kind).toBe("found");
    expect(r.kind === "found" && r.failure).toContain("[final-count] the counter is");
  });

  it("a contended acquire blocks on the turnstile: an interrupt thread that wants the preempted owner's mutex waits for its release", () => {
    const setup = (m: Machine): { mtx: SleepMutex; order: Cell<string[]> } => {
      const mtx = createSleepMutex(m, "M");
      const order = m.cell<string[]>("order", []);
      const enter = (name: string) => (k: KernelContext) =>
        k.atomic(`${name} inside`, { writes: [order] }, (tx) => void tx.mutate(order).push(name));
      m.spawn({
        cpu: 0,
        name: "T",
        *body(k) {
          yield* mtxLock(k, mtx);
          yield* enter("T")(k);
          yield* k.nop("work under M");
          yield* mtxUnlock(k, mtx);
        },
      });
      m.spawn({
        cpu: 0,
        name: "intr",
        kind: "interrupt",
        *body(k) {
          yield* mtxLock(k, mtx);
          yield* enter("intr")(k);
          yield* mtxUnlock(k, mtx);
        },
      });
      return { mtx, order };
    };
    // Every schedule ends with both through and the mutex free (a spinning waiter would deadlock the cpu).
    const all = explore(factory(1, setup), { mode: { kind: "dpor" }, maxExecutions: 10_000 });
    expect(all.kind === "not-found" && all.exhausted).toBe(true);
    // Some schedule has the interrupt preempt T while T owns M: it blocks on the turnstile, T finishes first.
    let seen = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const m = factory(1, () => undefined)({ strategy: random({ seed }), trace: true });
      const { mtx, order } = setup(m);
      const r = m.run();
      expectOutcome(r, "ok");
      expect(mtxOwner(m, mtx)).toBeUndefined();
      const blocked = r.trace!.some((e) => e.kind === "block" && e.detail?.includes("mtx M (turnstile), owned by T"));
      if (blocked) {
        seen++;
        expect(m.peek(order)).toEqual(["T", "intr"]);
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("panics on a release by a thread that does not own it", () => {
    const m = factory(2, () => undefined)({ strategy: roundRobin() });
    const mtx = createSleepMutex(m, "M");
    m.spawn({
      cpu: 0,
      name: "A",
      *body(k) {
        yield* mtxLock(k, mtx);
      },
    });
    m.spawn({
      cpu: 1,
      name: "B",
      *body(k) {
        yield* k.spinUntil("A owns M", [mtx.cell], (tx) => tx.read(mtx.cell).owner !== 0);
        yield* mtxUnlock(k, mtx);
      },
    });
    const r = m.run();
    expect(r.outcome.kind === "panic" && r.outcome.message).toBe("mtx_unlock: B releases M, owned by A");
  });
});

/** A broken msleep: it releases the mutex BEFORE taking the sleep-queue lock (the window FreeBSD's order closes). */
function* msleepReleasingFirst(k: KernelContext, ident: Ident, mtx: SleepMutex, wmesg: string): Gen<number> {
  const sq = k.machine.ext(MTX_SLEEPQ);
  const st = sleepState(k.thread);
  yield* mtxUnlock(k, mtx); // the window opens: a setter and its wakeup may run here
  yield* spinMutexLock(k, sq.lock);
  yield* k.atomic(`sleepq_add ${ident.name}`, { writes: [sq.queue] }, (tx) => {
    tx.mutate(sq.queue).push({ tid: k.thread.id, addr: ident.addr });
    st.wchan = ident;
    st.queued = true;
  });
  yield* releaseAndBlock(k, sq.lock, `asleep on ${ident.name} (${wmesg})`);
  st.wchan = null;
  yield* mtxLock(k, mtx);
  return 0;
}

describe("msleep and wakeup", () => {
  /** Sleepers (one per cpu) wait under M for a flag; the waker on the last cpu sets it under M and wakes X. */
  const flagProgram = (sleepers: number, sleep: typeof msleep | typeof msleepReleasingFirst) =>
    factory(sleepers + 1, (m) => {
      const mtx = createSleepMutex(m, "M");
      const flag = m.cell("flag", 0);
      const X = newIdent(m, "X");
      declareCondition(m, X, { cells: [flag], holds: (v) => v.peek(flag) !== 0, describe: "the flag is set" });
      for (let cpu = 0; cpu < sleepers; cpu++) {
        m.spawn({
          cpu,
          name: `S${cpu}`,
          *body(k) {
            yield* mtxLock(k, mtx);
            while ((yield* k.load(flag)) === 0) yield* sleep(k, X, mtx, "flag", 0);
            yield* mtxUnlock(k, mtx);
          },
        });
      }
      m.spawn({
        cpu: sleepers,
        name: "W",
        *body(k) {
          yield* mtxLock(k, mtx);
          yield* k.store(flag, 1);
          yield* mtxUnlock(k, mtx);
          yield* wakeup(k, X);
        },
      });
    });

  it("lose no wakeup: one sleeper and a waker on another cpu, every schedule (DPOR, exhausted)", () => {
    const r = explore(flagProgram(1, msleep), { mode: { kind: "dpor" }, maxExecutions: 100_000 });
    expect(r.kind === "not-found" && r.exhausted, JSON.stringify(r.outcomes)).toBe(true);
  });

  it("lose no wakeup: two sleepers on two cpus and a waker on a third, every schedule (DPOR, exhausted)", () => {
    const r = explore(flagProgram(2, msleep), { mode: { kind: "dpor" }, maxExecutions: 200_000 });
    expect(r.kind === "not-found" && r.exhausted, JSON.stringify(r.outcomes)).toBe(true);
  });

  it("(the broken twin) releasing the mutex before taking the sleep-queue lock loses a wakeup: I6 reports it", () => {
    const r = explore(flagProgram(1, msleepReleasingFirst), { mode: { kind: "dpor" }, maxExecutions: 100_000 });
    expect(r.kind).toBe("found");
    expect(r.kind === "found" && r.failure).toContain("[lost-wakeup] S0 sleeps on X although the flag is set");
  });

  it("wake only the sleepers of the ident: a wakeup of another ident leaves the sleeper queued", () => {
    const m = factory(2, () => undefined)({ strategy: roundRobin() });
    const mtx = createSleepMutex(m, "M");
    const X = newIdent(m, "X");
    const Y = newIdent(m, "Y");
    const sleeper = m.spawn({
      cpu: 0,
      name: "S",
      daemon: true,
      *body(k) {
        yield* mtxLock(k, mtx);
        yield* msleep(k, X, mtx, "x", 0);
      },
    });
    m.spawn({
      cpu: 1,
      name: "W",
      *body(k) {
        yield* k.spinUntil(
          "S asleep",
          [m.ext(MTX_SLEEPQ).queue],
          (tx) => tx.read(m.ext(MTX_SLEEPQ).queue).length === 1,
        );
        yield* wakeup(k, Y);
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(sleeper.state).toBe("blocked");
    expect(m.peek(m.ext(MTX_SLEEPQ).queue)).toEqual([{ tid: sleeper.id, addr: X.addr }]);
  });

  it("end with EWOULDBLOCK when the timeout fires first: the sleeper leaves the queue and holds the mutex again", () => {
    const m = factory(1, () => undefined)({ strategy: roundRobin() });
    const mtx = createSleepMutex(m, "M");
    const X = newIdent(m, "X");
    const result = m.cell("result", -1);
    m.spawn({
      cpu: 0,
      name: "S",
      *body(k) {
        yield* mtxLock(k, mtx);
        const error = yield* msleep(k, X, mtx, "x", 5);
        yield* k.store(result, error);
        yield* k.atomic("owner?", { reads: [mtx.cell] }, (tx) => {
          if (tx.read(mtx.cell).owner !== k.thread.id + 1) tx.panic("msleep returned without the mutex");
        });
        yield* mtxUnlock(k, mtx);
      },
    });
    const r = m.run();
    expectOutcome(r, "ok");
    expect(m.peek(result)).toBe(EWOULDBLOCK);
    expect(m.peek(m.ext(MTX_SLEEPQ).queue)).toEqual([]);
  });
});

describe("what the mtx interlock raises", () => {
  it("declares every panic in its source (so `--signal panic:<text>` can name them)", () => {
    const sample = (f: string): string => f.replace(/%[sdpx]/g, "x1");
    const found = sourceMessages(fileURLToPath(new URL("../src", import.meta.url)));
    expect(found.panics.length).toBeGreaterThan(0);
    const declared = mtxInterlock.raises?.panics ?? [];
    expect(found.panics.filter((p) => !declared.some((d) => formatMatches(d, sample(p.format))))).toEqual([]);
    expect(found.console).toEqual([]);
  });
});
