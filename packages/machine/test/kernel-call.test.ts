/**
 * `KernelContext.call` runs its body as a call whose inner results reach the
 * thread only through its return value (stateful search keys the thread by
 * its history before the call and that value). It is an iterator, not a
 * generator: these pin that it hands on the body's ops and values as
 * `yield*` of the body would, nested or not, for a body that yields nothing
 * too, and that a thread is keyed alike however the call went inside.
 */
import { describe, expect, it } from "vitest";
import { createMachine, type Gen, Histories, type KernelContext } from "../src/index.js";

describe("k.call", () => {
  it("hands on the body's ops and returns its value, nested and for a body that yields nothing", () => {
    const m = createMachine({ cpus: 1 });
    const c = m.cell("c", 0);
    const seen: unknown[] = [];
    function* none(): Gen<number> {
      return 7;
    }
    function* inner(k: KernelContext): Gen<number> {
      yield* k.store(c, 5);
      const v = yield* k.load(c);
      return v + (yield* k.call(none()));
    }
    function* outer(k: KernelContext): Gen<number> {
      const a = yield* k.call(inner(k));
      seen.push(k.thread.callMark);
      yield* k.add(c, 1);
      return a * 2;
    }
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        seen.push(yield* k.call(outer(k)));
        seen.push(yield* k.call(none()));
        seen.push(k.thread.callMark);
      },
    });
    const r = m.run();
    expect(r.outcome.kind).toBe("ok");
    // Inside the outer call after the inner one returned: the outer call's mark; after both: none (−1).
    expect(seen).toEqual([0, 24, 7, -1]);
    expect(m.peek(c)).toBe(6);
  });

  it("leaves the same thread behind whatever the body saw inside, when it returns the same value", () => {
    // One table for both runs: history numbers compare across them.
    const histories = new Histories();
    /** The state's key once the call returned, after `tries` loads inside it. */
    function keyAfter(tries: number): string {
      let key = "";
      const m = createMachine({
        cpus: 1,
        strategy: {
          name: "key-at-end",
          choose() {
            if (m.peek(done) === 1 && key === "") key = m.fingerprint();
            return 0;
          },
        },
      });
      const go = m.cell("go", 0);
      const done = m.cell("done", 0);
      function* wait(k: KernelContext): Gen<number> {
        let n = 0;
        while ((yield* k.load(go)) === 0) if (++n >= tries) yield* k.store(go, 1);
        return 1;
      }
      m.spawn({
        cpu: 0,
        name: "W",
        *body(k) {
          const v = yield* k.call(wait(k));
          yield* k.store(done, v);
          yield* k.nop("after");
        },
      });
      m.trackStates(histories);
      m.run();
      return key;
    }
    expect(keyAfter(1)).not.toBe("");
    expect(keyAfter(3)).toBe(keyAfter(1));
  });
});
