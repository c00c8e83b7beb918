/**
 * What the machine gives exhaustive exploration beyond running: footprints
 * that say what a step really did, idle re-checks offered only when they
 * could do something, and state keys for recognising cycles.
 */
import { describe, expect, it } from "vitest";
import {
  type Choice,
  createMachine,
  defineExtension,
  defineThreadLocal,
  expectOutcome,
  formatChoice,
  type Gen,
  Histories,
  type KernelContext,
  type Machine,
  type Strategy,
} from "../src/index.js";

/** Take the first enabled choice of `prefer` (in order), else the first enabled; log every step's choices. */
function scripted(prefer: readonly string[], seen: string[][]): Strategy {
  return {
    name: "scripted",
    choose(choices: readonly Choice[]) {
      const names = choices.map(formatChoice);
      seen.push(names);
      for (const p of prefer) {
        const i = names.indexOf(p);
        if (i >= 0) return i;
      }
      return 0;
    },
  };
}

describe("footprints of compare-and-swap", () => {
  it("a failed cmpxchg or cas is recorded as a read of its cell, a successful one as a write", () => {
    const steps: { reads: number[]; writes: number[] }[] = [];
    const m = createMachine({ cpus: 1, recordFootprints: true });
    const c = m.cell("c", 5);
    m.addDetector({ name: "fp", onStep: (s) => void steps.push({ reads: [...s.reads], writes: [...s.writes] }) });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.cmpxchg(c, 0, 1); // fails: c is 5
        yield* k.cas(c, 0, 1); // fails
        yield* k.cmpxchg(c, 5, 6); // succeeds
        yield* k.cas(c, 6, 7); // succeeds
      },
    });
    m.run();
    expect(steps).toEqual([
      { reads: [c.id], writes: [] },
      { reads: [c.id], writes: [] },
      { reads: [], writes: [c.id] },
      { reads: [], writes: [c.id] },
    ]);
  });
});

describe("idle re-checks", () => {
  /**
   * T yields on cpu0 and may resume only when `gate` is 1 (a resume hook,
   * like the token layer's); W on cpu1 sets the gate to 2, then to 1.
   */
  function gated(outlook: boolean): { m: Machine; seen: string[][] } {
    const seen: string[][] = [];
    const m = createMachine({ cpus: 2, strategy: scripted(["0s", "1s", "0d"], seen) });
    const gate = m.cell("gate", 0);
    m.addHooks({
      name: "gate",
      canResume: (tx, t) => t.name !== "T" || tx.read(gate) === 1,
      ...(outlook ? { resumeOutlook: (v, t) => (t.name !== "T" || v.peek(gate) === 1 ? "runs" : "waits") } : {}),
    });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.yieldCpu("wait for the gate");
        yield* k.nop("through");
      },
    });
    m.spawn({
      cpu: 1,
      name: "W",
      *body(k) {
        yield* k.store(gate, 2);
        yield* k.nop("between");
        yield* k.store(gate, 1);
      },
    });
    return { m, seen };
  }

  it("without a forecast, a write the check cannot pass on still offers the idle cpu a (futile) re-check", () => {
    const { m, seen } = gated(false);
    expectOutcome(m.run(), "ok");
    // T is gated from the start; after "gate = 2" (W's first step) cpu0 may re-check.
    expect(seen[0]).toEqual(["1s"]);
    expect(seen[1]).toContain("0d");
  });

  it("with a forecast of 'waits', no re-check is offered until the gate opens", () => {
    const { m, seen } = gated(true);
    expectOutcome(m.run(), "ok");
    expect(seen.slice(0, 3)).toEqual([["1s"], ["1s"], ["1s"]]);
    // "gate = 1" was W's third step.
    expect(seen[3]).toEqual(["0d"]);
  });
});

describe("state keys", () => {
  it("there is no key while no thread is inside a declared loop", () => {
    const m = createMachine({ cpus: 1 });
    m.cell("c", 0);
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.nop("x");
      },
    });
    expect(m.stateKey()).toBeNull();
  });

  it("a loop iteration that restores the cells gives the same key; a step outside any loop changes it", () => {
    const keys: (string | null)[] = [];
    const m = createMachine({
      cpus: 2,
      maxSteps: 10,
      strategy: {
        name: "keys",
        choose(choices) {
          keys.push(m.stateKey());
          // cpu0 flips twice, then cpu1 takes one step, then cpu0 again.
          const want = keys.length === 3 ? "1s" : "0s";
          const i = choices.map(formatChoice).indexOf(want);
          return i >= 0 ? i : 0;
        },
      },
    });
    const c = m.cell("c", 0);
    const d = m.cell("d", 0);
    m.spawn({
      cpu: 0,
      name: "F",
      *body(k) {
        k.enterLoop();
        for (;;) yield* k.store(c, 1 - (yield* k.load(c)));
      },
    });
    m.spawn({
      cpu: 1,
      name: "O",
      *body(k) {
        yield* k.load(d); // touches nothing it changes, but it is progress
      },
    });
    m.run();
    // Steps: F load c, F store c (=1), O load d, F load c, F store c (=0), F load c, F store c (=1), ...
    expect(keys[0]).not.toBeNull();
    expect(keys[1]).not.toBe(keys[0]); // F's pending op differs (store, not load)
    expect(keys[3]).not.toBe(keys[1]);
    // Back at "F about to load c" with c = 0 again — but O has stepped since the first time.
    expect(keys[5]).not.toBe(keys[0]);
    // From step 3 on O is done: two flips later F is back where it was then.
    expect(keys[7]).toBe(keys[3]);
    expect(keys[5]).not.toBe(keys[3]); // c differs
  });
});

describe("fingerprints of a retry loop", () => {
  /** A thread that waits for `go` inside k.call, each try a load; fingerprints before each step. */
  function waiter(settle: boolean): string[] {
    const keys: string[] = [];
    const m = createMachine({
      cpus: 1,
      maxSteps: 4,
      strategy: {
        name: "keys",
        choose() {
          keys.push(m.fingerprint());
          return 0;
        },
      },
    });
    const go = m.cell("go", 0);
    function* wait(k: KernelContext): Gen<void> {
      for (;;) {
        if (settle) k.settle("try");
        if ((yield* k.load(go)) !== 0) return;
      }
    }
    m.spawn({
      cpu: 0,
      name: "W",
      *body(k) {
        yield* k.call(wait(k));
      },
    });
    m.trackStates(new Histories());
    m.run();
    return keys;
  }

  it("with k.settle at the loop head, every failed try leaves the same state", () => {
    const keys = waiter(true);
    // The thread is already at its first load before the first choice.
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(1);
  });

  it("without it, each try is a new history and a new state", () => {
    const keys = waiter(false);
    expect(new Set(keys).size).toBe(4);
  });

  it("k.settle outside k.call is refused", () => {
    const m = createMachine({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "W",
      *body(k) {
        k.settle("try");
        yield* k.nop("x");
      },
    });
    expect(() => m.run()).toThrow('settle("try"): W is not inside k.call');
  });
});

describe("fingerprints of steps that commute", () => {
  /**
   * A layer keeps a count of the threads inside its section in its
   * extension (as lockmgr's interlocks keep `inside`), changed by thread
   * code between yields. W holds a reference to the layer's object in a
   * thread-local and loads a cell twice; E, on the other cpu, enters the
   * section at its first step. E's first step and W's second touch no
   * common cell and run on different cpus: the two orders must reach one
   * fingerprint.
   */
  function after(order: readonly string[], histories: Histories): string {
    let key = "";
    const m = createMachine({
      cpus: 2,
      maxSteps: order.length + 1,
      strategy: {
        name: "order",
        choose(choices: readonly Choice[], view) {
          if (view.step === order.length) {
            key = m.fingerprint();
            return 0;
          }
          return choices.map(formatChoice).indexOf(order[view.step]!);
        },
      },
    });
    const gate = m.ext(defineExtension("gate-layer", () => ({ gate: { inside: 0 } }))).gate;
    const waiting = defineThreadLocal<{ on: { inside: number } | null }>("waiting", () => ({ on: null }));
    const x = m.cell("x", 0);
    const y = m.cell("y", 0);
    m.spawn({
      cpu: 0,
      name: "W",
      *body(k) {
        k.thread.local(waiting).on = gate;
        yield* k.load(x);
        yield* k.load(x);
      },
    });
    m.spawn({
      cpu: 1,
      name: "E",
      *body(k) {
        yield* k.load(y);
        gate.inside++;
        yield* k.store(y, 1);
        gate.inside--;
      },
    });
    m.trackStates(histories);
    m.run();
    return key;
  }

  it("a thread's own thread-local changed while it waits is still recorded: it may go on differently", () => {
    const histories = new Histories();
    const at = (mark: boolean): string => {
      let key = "";
      const m = createMachine({
        cpus: 2,
        maxSteps: 4,
        strategy: {
          name: "order",
          choose(choices: readonly Choice[], view) {
            if (view.step === 3) key = m.fingerprint();
            return choices.map(formatChoice).indexOf(["0s", "1s", "0s", "1s"][view.step]!);
          },
        },
      });
      const marked = defineThreadLocal<{ v: number }>("marked", () => ({ v: 0 }));
      const x = m.cell("x", 0);
      const z = m.cell("z", 0);
      const w = m.spawn({
        cpu: 0,
        name: "W",
        *body(k) {
          k.thread.local(marked);
          yield* k.load(x);
          yield* k.load(x);
          // Read and cleared between yields: only the history remembers it.
          const seen = k.thread.local(marked).v;
          k.thread.local(marked).v = 0;
          yield* k.store(z, seen === 1 ? 1 : 2);
        },
      });
      m.spawn({
        cpu: 1,
        name: "E",
        *body(k) {
          yield* k.load(x);
          if (mark) w.local(marked).v = 1;
          yield* k.load(x);
        },
      });
      m.trackStates(histories);
      m.run();
      return key;
    };
    expect(at(true)).not.toBe("");
    expect(at(true)).not.toBe(at(false));
  });

  it("a thread-local that names a layer's object does not record when other threads changed it", () => {
    const histories = new Histories();
    // W's first load, then E's first load (E enters) and W's second load, in both orders.
    const we = after(["0s", "1s", "0s"], histories);
    const ew = after(["0s", "0s", "1s"], histories);
    expect(we).not.toBe("");
    expect(ew).toBe(we);
  });
});

describe("emitted event kinds", () => {
  it("a run with tracing and detectors off still knows which event kinds its steps emitted", () => {
    const m = createMachine({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        yield* k.nop("work");
        k.event("restart-limit", "T", "gave up");
      },
    });
    expect(m.run().trace).toBeNull();
    expect(m.emitted("restart-limit")).toBe(true);
    expect(m.emitted("lock.acquire")).toBe(false);
  });
});
