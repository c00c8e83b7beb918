/**
 * The default exploration: a burst of random and PCT runs finds a shallow
 * race fast; DPOR, with what is left of the one budget, finds what the
 * burst missed or exhausts the space — and the result says which phase did.
 */
import { expectOutcome, type KernelContext, parseSchedule } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { explore, exploreAuto, replaySchedule } from "../src/index.js";
import { adders, factoryOf, lostUpdate, type Program } from "../src/examples.js";

/** W sets a flag for exactly one step among many; R fails only if it looks at that step. */
const narrow: Program = {
  name: "narrow",
  cpus: 2,
  setup(m) {
    const c = m.cell("c", 0);
    m.spawn({
      cpu: 0,
      name: "W",
      *body(k: KernelContext) {
        for (let i = 0; i < 12; i++) yield* k.nop("before");
        yield* k.store(c, 1);
        yield* k.store(c, 0);
      },
    });
    m.spawn({
      cpu: 1,
      name: "R",
      *body(k: KernelContext) {
        if ((yield* k.load(c)) === 1) k.panic("R saw the flag");
      },
    });
    return [c];
  },
};

describe("exploreAuto: a burst, then DPOR, in one budget", () => {
  it("finds a shallow race in the burst and says so; the counterexample replays", () => {
    const f = factoryOf(lostUpdate(3));
    const r = exploreAuto(f, { maxExecutions: 1_000 });
    expect(r.kind).toBe("found");
    expect(r.phases[0]).toMatchObject({ mode: "random(seed=1, runs=50)", found: true });
    expect(r.phases).toHaveLength(1);
    if (r.kind !== "found") return;
    expect(r.executionsToFound).toBeLessThanOrEqual(50);
    expectOutcome(replaySchedule(f, r.shrunk), "violation");
  });

  it("finds with DPOR what a small burst misses, counting the burst in the executions", () => {
    const f = factoryOf(narrow);
    const r = exploreAuto(f, { maxExecutions: 10_000, burst: 4 });
    expect(r.phases.map((p) => [p.mode, p.found])).toEqual([
      ["random(seed=1, runs=2)", false],
      ["pct(seed=1, runs=2, d=3)", false],
      ["dpor", true],
    ]);
    if (r.kind !== "found") throw new Error("expected found");
    expect(r.mode).toBe("random(seed=1, runs=2) + pct(seed=1, runs=2, d=3) + dpor");
    const dpor = explore(f, { mode: { kind: "dpor" } });
    if (dpor.kind !== "found") throw new Error("expected found");
    expect(r.executionsToFound).toBe(4 + dpor.executionsToFound);
    expect(parseSchedule(r.shrunk).header.scenario).toBe("narrow");
  });

  it("exhausts a correct program with DPOR, as DPOR alone does", () => {
    const f = factoryOf(adders(2, 3));
    const r = exploreAuto(f, { maxExecutions: 10_000 });
    const dpor = explore(f, { mode: { kind: "dpor" } });
    expect(r.kind === "not-found" && r.exhausted).toBe(true);
    expect(r.phases.at(-1)).toMatchObject({ mode: "dpor", exhausted: true, executions: dpor.executions });
    expect(r.executions).toBe(r.phases.reduce((n, p) => n + p.executions, 0));
  });

  it("DPOR gets what is left of the budget: not exhausted when it runs out", () => {
    const r = exploreAuto(factoryOf(adders(3, 3)), { maxExecutions: 30 });
    expect(r.kind === "not-found" && !r.exhausted).toBe(true);
    expect(r.executions).toBe(30);
  });
});
