/**
 * `KernelContext.make`: an object a thread's code makes between its yields
 * and the run keeps (linked in an extension, a thread-local or a cell) is
 * made once. A generator rebuilt for a restored state (states/snapshot.ts)
 * gets the same object back, and what the maker changed (a layer's counter,
 * a new cell) is not changed again — so the rebuilt thread holds what the
 * restored state links. Made directly, the rebuilt thread holds a twin.
 */
import { describe, expect, it } from "vitest";
import { createMachine, defineExtension, type KernelContext, type Machine, roundRobin } from "../src/index.js";
import { coreOf, continueRun, enableRestore, restore, snapshot, type Snapshot } from "../src/internal.js";

interface Registry {
  made: number;
  readonly linked: object[];
}
const REGISTRY = defineExtension<Registry>("make-test", () => ({ made: 0, linked: [] }));

/** Each thread makes an object, links it in one step, yields, then checks in another that the linked one is its own. */
function build(direct: boolean, saved: Snapshot[]): Machine {
  const m = createMachine({
    cpus: 1,
    strategy: {
      name: "saving",
      // Saved in the first run only (then read back).
      choose(enabled, view) {
        const s = view.step === saved.length ? snapshot(coreOf(m)) : null;
        if (s !== null) saved.push(s);
        return enabled.length - 1;
      },
    },
  });
  const reg = m.ext(REGISTRY);
  const c = m.cell("c", 0);
  for (let id = 0; id < 2; id++) {
    m.spawn({
      cpu: 0,
      name: `T${id}`,
      *body(k: KernelContext) {
        for (let i = 0; i < 2; i++) {
          const build = (): { n: number; cell: unknown } => ({
            n: reg.made++,
            cell: k.machine.cell(`o${reg.made}`, 0),
          });
          const o = direct ? build() : k.make(build);
          const at = yield* k.atomic("link", { writes: [c] }, (tx) => {
            tx.write(c, tx.read(c) + 1);
            reg.linked.push(o);
            return reg.linked.length - 1;
          });
          yield* k.yieldCpu("between");
          yield* k.atomic("check", { reads: [c] }, (tx) => {
            if (reg.linked[at] !== o) tx.panic(`T${id} holds another object than the one it linked`);
          });
        }
      },
    });
  }
  enableRestore(coreOf(m));
  return m;
}

describe("KernelContext.make", () => {
  it("a rebuilt thread gets back the object it made, and the maker's changes are not made again", () => {
    const saved: Snapshot[] = [];
    const m = build(false, saved);
    const first = m.run();
    expect(first.outcome.kind).toBe("ok");
    const made = m.ext(REGISTRY).made;
    expect(saved.length).toBeGreaterThan(8);
    for (const s of [...saved].reverse()) {
      expect(restore(coreOf(m), s)).toBe(true);
      const r = continueRun(m);
      expect(r.outcome.kind).toBe("ok");
      // Every object made along the run, made once (the restored count, then the same makes again).
      expect(m.ext(REGISTRY).made).toBe(made);
      expect(r.steps).toBe(first.steps);
    }
  });

  it("made directly, the rebuilt thread holds a twin of the object the restored state links (why make exists)", () => {
    const saved: Snapshot[] = [];
    const m = build(true, saved);
    expect(m.run().outcome.kind).toBe("ok");
    const outcomes = [...saved].reverse().map((s) => (restore(coreOf(m), s) ? continueRun(m).outcome.kind : "refused"));
    expect(outcomes).toContain("panic");
  });

  it("without restoring, make just builds", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin() });
    let calls = 0;
    m.spawn({
      cpu: 0,
      name: "T",
      *body(k) {
        const a = k.make(() => ({ n: calls++ }));
        const b = k.make(() => ({ n: calls++ }));
        expect(a).not.toBe(b);
        yield* k.nop("x");
      },
    });
    expect(m.run().outcome.kind).toBe("ok");
    expect(calls).toBe(2);
  });
});
