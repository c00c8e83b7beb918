/**
 * The three built-in interlocks side by side: the broken control differs
 * from the November 2005 patch's spin interlock by its sleep alone, so
 * whatever the catalogue shows between SPIN-naive and SPIN+TI is the work
 * of tsleep_interlock and the kept critical section.
 */
import { createMachine, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { spinInterlock, spinNaiveInterlock } from "../src/index.js";
import { SpinInterlock } from "../src/interlocks/spin.js";
import { deps } from "./kit.js";

describe("the spin-naive control", () => {
  it("is the spin interlock with only its sleep method replaced", () => {
    const m = createMachine({ cpus: 1, strategy: roundRobin() });
    const naive = spinNaiveInterlock.create(m, "N", deps);
    const spin = spinInterlock.create(m, "S", deps);
    expect(naive).toBeInstanceOf(SpinInterlock);
    expect(Object.getPrototypeOf(spin)).toBe(SpinInterlock.prototype);
    const own = Object.getPrototypeOf(naive) as object;
    expect(Object.getPrototypeOf(own)).toBe(SpinInterlock.prototype);
    expect(Object.getOwnPropertyNames(own).sort()).toEqual(["constructor", "sleep"]);
    expect([naive.kind, spin.kind]).toEqual(["spin-naive", "spin"]);
  });
});
