/**
 * The factory contract: each machine is built from the request the explorer
 * passes (its strategy, step limit, footprint recording and detectors). A
 * factory that breaks it is a one-line ExploreConfigError that shows the
 * contract, in every mode, instead of a TypeError deep in the search.
 */
import { createMachine, type Machine } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { type BuildRequest, explore, ExploreConfigError, type Mode } from "../src/index.js";

function racy(m: Machine): Machine {
  const c = m.cell("c", 0);
  for (let i = 0; i < 2; i++) {
    m.spawn({
      cpu: i,
      name: `T${i}`,
      *body(k) {
        const v = yield* k.load(c);
        yield* k.store(c, v + 1);
      },
    });
  }
  return m;
}

const modes: Mode[] = [
  { kind: "dpor" },
  { kind: "dfs", stateful: true },
  { kind: "random", seed: 1, runs: 5 },
  { kind: "pct", seed: 1, runs: 5, depth: 2 },
];

describe("the factory contract", () => {
  it("a factory that spreads the request explores", () => {
    const r = explore((req: BuildRequest) => racy(createMachine({ ...req, cpus: 2 })), { mode: { kind: "dpor" } });
    expect(r.kind === "not-found" && r.exhausted).toBe(true);
  });

  it.each(modes)("a factory that forgets the request: one line naming the contract (%j)", (mode) => {
    const forgot = () => racy(createMachine({ cpus: 2 }));
    expect(() => explore(forgot, { mode })).toThrow(ExploreConfigError);
    expect(() => explore(forgot, { mode })).toThrow(
      "the factory's machine ignored the explorer's strategy; a factory builds each machine from the request it is given: (request) => createMachine({ ...request, cpus: 2 }) — or use prepare(...).build of @kprim/scenarios",
    );
  });

  it("a factory that returns something else than a machine", () => {
    for (const [factory, what] of [
      [() => 42, "a number"],
      [() => undefined, "undefined"],
      [() => ({}), "an object"],
    ] as const) {
      expect(() => explore(factory as never, { mode: { kind: "random", seed: 1, runs: 2 } })).toThrow(
        `the factory returned ${what}, not a machine; a factory builds each machine`,
      );
    }
  });
});
