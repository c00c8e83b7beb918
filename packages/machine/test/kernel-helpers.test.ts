/**
 * The kernel context's typed step helpers are one-op iterators, not
 * generator functions (kernel.ts): `yield*` of one must behave as `yield`
 * of the raw op did — same ops, same results, same runs — and end as a
 * generator does when returned from or thrown into.
 */
import { describe, expect, it } from "vitest";
import { idleContext, race as raceOn } from "../src/examples.js";
import { type Cell, createMachine, type Gen, type KernelContext, op, random, type RunResult } from "../src/index.js";

/** Every single-cell helper, with its results kept in a cell so that they show in the outcome. */
function* helpers(k: KernelContext, c: Cell<number>, out: Cell<number[]>): Gen<void> {
  const seen: number[] = [];
  seen.push(yield* k.load(c));
  yield* k.store(c, 5);
  seen.push((yield* k.cas(c, 5, 6)) ? 1 : 0);
  seen.push(yield* k.cmpxchg(c, 0, 7));
  seen.push(yield* k.swap(c, 8));
  seen.push(yield* k.fetchAdd(c, 2));
  yield* k.add(c, 1);
  yield* k.or(c, 16);
  yield* k.and(c, 0xff);
  yield* k.nop("think", 3);
  yield* k.yieldCpu();
  seen.push(yield* k.atomic("read", { reads: [c] }, (tx) => tx.read(c)));
  yield* k.atomic("keep", { writes: [out] }, (tx) => tx.write(out, seen.slice()));
}

/** The same body in raw ops. */
function* raw(c: Cell<number>, out: Cell<number[]>): Gen<void> {
  const seen: number[] = [];
  seen.push((yield op.load(c)) as number);
  yield op.store(c, 5);
  seen.push(((yield op.cas(c, 5, 6)) as boolean) ? 1 : 0);
  seen.push((yield op.cmpxchg(c, 0, 7)) as number);
  seen.push((yield op.swap(c, 8)) as number);
  seen.push((yield op.fetchAdd(c, 2)) as number);
  yield op.add(c, 1);
  yield op.or(c, 16);
  yield op.and(c, 0xff);
  yield op.nop("think", 3);
  yield op.yield();
  seen.push((yield op.atomic("read", { reads: [c] }, (tx) => tx.read(c))) as number);
  yield op.atomic("keep", { writes: [out] }, (tx) => tx.write(out, seen.slice()));
}

function race(useHelpers: boolean, seed: number): { result: RunResult; outs: number[][] } {
  const m = createMachine({ cpus: 2, check: true, trace: true, strategy: random({ seed }) });
  const c = m.cell("c", 0);
  const outs = [m.cell<number[]>("out0", []), m.cell<number[]>("out1", [])];
  for (let t = 0; t < 2; t++) {
    const out = outs[t]!;
    m.spawn({ cpu: t, name: `T${t}`, body: (k) => (useHelpers ? helpers(k, c, out) : raw(c, out)) });
  }
  const result = m.run();
  return { result, outs: outs.map((o) => m.peek(o)) };
}

/** The fast-check race (the benchmark's, ../src/examples.ts), its body in helpers or in raw ops, on one machine. */
function benchRace(raw: boolean, seed: number): { result: RunResult; c: number } {
  const m = createMachine({ cpus: 2, check: true, trace: true, strategy: random({ seed }) });
  const c = raceOn(m, 3, raw);
  const result = m.run();
  return { result, c: m.peek(c) };
}

describe("typed helpers as one-op iterators", () => {
  it("a race written with yield* of every helper runs exactly as the same race in raw ops", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const a = race(true, seed);
      const b = race(false, seed);
      expect(a.result.outcome).toEqual({ kind: "ok" });
      expect(a.outs).toEqual(b.outs);
      expect(a.outs[0]!.length).toBe(6);
      expect(a.result.schedule).toEqual(b.result.schedule);
      expect(a.result.counters).toEqual(b.result.counters);
      expect(a.result.trace).toEqual(b.result.trace);
    }
  });

  it("the benchmark's race body with yield* of the helpers runs exactly as its raw-op twin (the bare bound's two bodies)", () => {
    const finals = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const a = benchRace(false, seed);
      const b = benchRace(true, seed);
      expect(a.result.outcome).toEqual({ kind: "ok" });
      expect(a.c).toBe(b.c);
      expect(a.result.schedule).toEqual(b.result.schedule);
      expect(a.result.counters).toEqual(b.result.counters);
      expect(a.result.trace).toEqual(b.result.trace);
      finals.add(a.c);
    }
    // A race: some schedules lose an update.
    expect(finals.size).toBeGreaterThan(1);
  });

  it("hands out its op once, then returns the resume value (or nothing for a void op)", () => {
    const { k, c } = idleContext();
    const load = k.load(c);
    const first = load.next();
    expect(first.done).toBe(false);
    expect(first.value).toEqual({ op: "load", cell: c });
    const second = load.next(42);
    expect(second).toMatchObject({ done: true, value: 42 });
    expect(load.next(7)).toMatchObject({ done: true, value: undefined });
    const store = k.store(c, 1);
    store.next();
    expect(store.next(42)).toMatchObject({ done: true, value: undefined });
    expect(load[Symbol.iterator]()).toBe(load);
  });

  it("return and throw end it as they end a suspended generator", () => {
    const { k, c } = idleContext();
    const a = k.load(c);
    a.next();
    expect(a.return(3)).toMatchObject({ done: true, value: 3 });
    expect(a.next(9)).toMatchObject({ done: true, value: undefined });
    const b = k.load(c);
    b.next();
    expect(() => b.throw(new Error("boom"))).toThrow("boom");
    expect(b.next(9)).toMatchObject({ done: true, value: undefined });
  });

  it("yielding a helper without the star is still reported as not an op", () => {
    const m = createMachine({ cpus: 1, check: true });
    const c = m.cell("c", 0);
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield k.load(c) as never;
      },
    });
    expect(() => m.run()).toThrow(/not an op \(did you mean yield\* \?\)/);
  });
});
