/**
 * A scenario's `dependsOn` is a claim: an option it does not list changes
 * nothing in its runs. For every catalogue scenario that declares one, under
 * every variant, each other value of each option it leaves out gives
 * byte-identical runs (trace, outcome, console, counters) over seeded random
 * schedules — so "SPIN-naive runs lost-wakeup as every variant does" is true.
 */
import { builtinInterlocks } from "@kprim/lockmgr";
import { random } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { catalogue, OPTION_SPECS, prepare, type Prepared, VARIANT_NAMES } from "../src/index.js";

const values = (key: string): readonly string[] => {
  const v = OPTION_SPECS[key]!.values;
  return v === "any" ? Object.keys(builtinInterlocks) : v;
};

function runs(p: Prepared): string {
  const out: string[] = [];
  for (let seed = 1; seed <= 6; seed++) {
    const r = p.build({ strategy: random({ seed }), trace: true, maxSteps: 5_000 }).run();
    out.push(JSON.stringify([r.outcome, r.console, r.trace, r.counters.total, r.makespan]));
  }
  return out.join("\n");
}

describe("an option a scenario does not depend on changes none of its runs", () => {
  for (const s of catalogue.filter((x) => x.dependsOn !== undefined)) {
    it(`${s.name} (depends on ${s.dependsOn!.join(", ")})`, () => {
      const others = Object.keys(OPTION_SPECS).filter((k) => !s.dependsOn!.includes(k));
      expect(others.length).toBeGreaterThan(0);
      for (const variant of VARIANT_NAMES) {
        const base = prepare({ scenario: s, variant });
        const expected = runs(base);
        for (const key of others) {
          for (const value of values(key)) {
            if (value === base.options[key]) continue;
            const other = prepare({ scenario: s, variant, options: { [key]: value } });
            expect(runs(other), `${variant} with ${key}=${value}`).toBe(expected);
          }
        }
      }
    });
  }

  it("lost-wakeup depends on the sleep queue's and spinlock's options alone (none a variant sets); buffer-cache scenarios on every option", () => {
    expect(catalogue.find((s) => s.name === "lost-wakeup")!.dependsOn).toEqual(["wakeup", "spinWait"]);
    expect(catalogue.find((s) => s.name === "getnewbuf-locked-buf")!.dependsOn).toBeUndefined();
  });
});
