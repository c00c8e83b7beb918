import { describe, expect, it } from "vitest";
import {
  type Cell,
  createMachine,
  expectOutcome,
  formatEvent,
  formatSchedule,
  type Machine,
  parseSchedule,
  Prng,
  random,
  replay,
  ReplayDivergence,
  type RunResult,
  type Strategy,
  type Thread,
} from "../src/index.js";
import { RandomStrategy } from "../src/internal.js";

/** 2 cpus, 4 threads: a test-and-set lock, a shared counter, IPIs and a sleep/wakeup. */
function workload(strategy: Strategy): { m: Machine; r: RunResult; counter: Cell<number> } {
  const m = createMachine({
    cpus: 2,
    strategy,
    trace: true,
    header: { scenario: "lock-counter", variant: "", options: {}, params: {} },
  });
  const lock = m.cell("L", 0);
  const counter = m.cell("count", 0);
  const threads: Thread[] = [];
  for (let i = 0; i < 4; i++) {
    threads.push(
      m.spawn({
        cpu: i % 2,
        name: `T${i}`,
        *body(k) {
          for (let j = 0; j < 2; j++) {
            k.critEnter();
            while ((yield* k.swap(lock, 1)) !== 0) {
              yield* k.spinUntil("L", [lock], (tx) => tx.read(lock) === 0);
            }
            const v = yield* k.load(counter);
            yield* k.store(counter, v + 1);
            yield* k.store(lock, 0);
            k.critExit();
            if (i === 0 && j === 0) {
              yield* k.atomic("ping", {}, (tx) => tx.sendIpi(1, "ping", () => {}));
            }
            yield* k.yieldCpu();
          }
        },
      }),
    );
  }
  const r = m.run();
  return { m, r, counter };
}

function render(m: Machine, r: RunResult): string {
  return (r.trace ?? []).map((e) => formatEvent(e, (id) => m.thread(id).name)).join("\n");
}

function unrelated(seed: number): void {
  const m = createMachine({ cpus: 3, strategy: random({ seed }) });
  const c = m.cell("x", 0);
  for (let i = 0; i < 3; i++)
    m.spawn({
      cpu: i,
      name: `U${i}`,
      *body(k) {
        yield* k.add(c, 1);
        yield* k.add(c, 1);
      },
    });
  m.run();
}

describe("determinism", () => {
  it("1,000 seeded random runs each replay byte-identically, with an unrelated run in between", () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const first = workload(random({ seed }));
      expectOutcome(first.r, "ok");
      expect(first.m.peek(first.counter)).toBe(8);
      unrelated(seed * 7);
      const text = formatSchedule(first.r.schedule);
      const again = workload(replay(parseSchedule(text).choices));
      expect(render(again.m, again.r)).toBe(render(first.m, first.r));
      // The same seed gives the same run without replay, too.
      const same = workload(random({ seed }));
      expect(formatSchedule(same.r.schedule)).toBe(text);
    }
  });

  it("different seeds give different interleavings", () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) seen.add(formatSchedule(workload(random({ seed })).r.schedule));
    expect(seen.size).toBeGreaterThan(150);
  });

  it("a replay that no longer matches reports the step, the expected choice and what was enabled", () => {
    const first = workload(random({ seed: 5 }));
    const choices = [...first.r.schedule.choices];
    // Ask for a timeout that no thread has at step 3.
    choices[2] = (0 | (3 << 5) | (99 << 8)) as (typeof choices)[number];
    let err: unknown;
    try {
      workload(replay(choices));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReplayDivergence);
    const d = err as ReplayDivergence;
    expect(d.step).toBe(3);
    expect(d.expected).toBe("0t99");
    expect(d.enabled.length).toBeGreaterThan(0);
    expect(d.message).toMatch(/^replay diverged at step 3: expected 0t99, enabled /);
  });

  it("a schedule that ends early or runs long is a divergence", () => {
    const first = workload(random({ seed: 9 }));
    const choices = first.r.schedule.choices;
    expect(() => workload(replay(choices.slice(0, -1)))).toThrow(/expected the end of the schedule/);
    expect(() => workload(replay([...choices, choices[0]!]))).toThrow(ReplayDivergence);
  });

  it("a replay handed a strategy takes the recorded prefix, then lets the strategy decide", () => {
    const first = workload(random({ seed: 11 }));
    const choices = first.r.schedule.choices;
    const prefix = choices.slice(0, 10);
    // The same seed from step 10 on: the strategy sees the absolute step, and only its own decisions.
    const asked: number[] = [];
    const then: Strategy = {
      name: "then",
      choose(enabled, view) {
        asked.push(view.step);
        return 0;
      },
    };
    const again = workload(replay(prefix, then));
    expect(again.r.schedule.choices.slice(0, 10)).toEqual(prefix);
    expect(asked[0]).toBe(10);
    expect(asked.length).toBe(again.r.steps - 10);
    // A prefix the run cannot follow is a divergence even with a strategy to continue.
    const bad = [...prefix];
    bad[3] = (0 | (3 << 5) | (99 << 8)) as (typeof bad)[number];
    expect(() => workload(replay(bad, then))).toThrow(/^replay diverged at step 4: expected 0t99/);
    // An empty prefix is the strategy itself.
    expect(replay([], then)).toBe(then);
  });

  it("nextInt is floor(u · n / 2^32) of the next nextU32, for small and large n", () => {
    const a = new Prng(11);
    const b = new Prng(11);
    const ns = [1, 2, 3, 5, 7, 31, 32, 100, 1000, 32766, 32767, 32768, 65537, 2 ** 20 + 3, 2 ** 31, 2 ** 32];
    for (let i = 0; i < 20_000; i++) {
      const n = ns[i % ns.length]!;
      const u = b.nextU32();
      const want = Number((BigInt(u) * BigInt(n)) >> 32n);
      expect(a.nextInt(n)).toBe(want);
    }
    // The largest word a draw can give, at the largest n of the integer form: the top of the range.
    const top = 0xffffffff;
    expect(((top >>> 16) * 0x7fff + (((top & 0xffff) * 0x7fff) >>> 16)) >>> 16).toBe(0x7ffe);
  });

  it("a reseeded PRNG, and a random strategy reseeded for another run, are the fresh ones of that seed", () => {
    const p = new Prng(7);
    for (let i = 0; i < 5; i++) p.nextU32();
    for (const seed of [0, 1, -5, 2 ** 31 + 3, 123456789]) {
      p.reseed(seed);
      const fresh = new Prng(seed);
      for (let i = 0; i < 20; i++) expect(p.nextU32()).toBe(fresh.nextU32());
    }
    // One strategy reseeded run after run makes the runs fresh ones make (a run moves its PRNG on).
    const one = new RandomStrategy(99);
    for (const seed of [3, 4, 3]) {
      expect(workload(one.reseed(seed)).r.schedule.choices).toEqual(workload(random({ seed })).r.schedule.choices);
    }
  });
});
