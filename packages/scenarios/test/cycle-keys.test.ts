/**
 * The explorer's numeric cycle keys (@kprim/machine/internal's `CycleKeys`)
 * over the whole catalogue: along runs of every scenario under every
 * variant, two states of one run have equal numeric keys exactly when their
 * `machine.stateKey()` strings are equal (and a state has a numeric key
 * exactly when it has a string one) — the cycle watch cuts and reports the
 * same cycles it did when it compared strings; and a key written
 * incrementally, as the cycle watch writes it, is the key written whole.
 * (That a restored state keeps its key: packages/explore/test/cycle-keys.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { type MachineFactory, runOnce, search } from "@kprim/explore";
import { type Detector, type Machine, random, type Strategy } from "@kprim/machine";
import { coreOf, CycleKeys } from "@kprim/machine/internal";
import { catalogue, prepare, scenarioFactory, VARIANT_NAMES } from "../src/index.js";

const MAX_STEPS = 400;

/** A strategy that keys every state before choosing, both ways. */
function keying(inner: Strategy, m: () => Machine, keys: CycleKeys, out: { s: string | null; v: string | null }[]) {
  return {
    name: inner.name,
    choose: (enabled: Parameters<Strategy["choose"]>[0], view: Parameters<Strategy["choose"]>[1]): number => {
      const s = m().stateKey();
      const v = keys.write(coreOf(m())) ? Array.from(keys.out.v.subarray(0, keys.out.n)).join(",") : null;
      out.push({ s, v });
      return inner.choose(enabled, view);
    },
  };
}

describe("numeric cycle keys over the catalogue", () => {
  it("equal exactly where the state key strings are equal, along runs of every scenario and variant", () => {
    const failures: string[] = [];
    let keyed = 0;
    for (const s of catalogue) {
      for (const variant of VARIANT_NAMES) {
        const f = scenarioFactory(prepare({ scenario: s.name, variant }));
        for (let seed = 0; seed <= 3; seed++) {
          const keys = new CycleKeys();
          const out: { s: string | null; v: string | null }[] = [];
          let built: Machine | null = null;
          // Seed 0: the first enabled choice each time (a search's default path, which goes round spin loops).
          const inner: Strategy = seed === 0 ? { name: "first", choose: () => 0 } : random({ seed });
          runOnce(f, {
            strategy: keying(inner, () => built!, keys, out),
            maxSteps: MAX_STEPS,
            onBuilt: (m) => (built = m),
          });
          const byString = new Map<string, number>();
          const byVector = new Map<string, number>();
          out.forEach((k, i) => {
            if ((k.s === null) !== (k.v === null)) {
              failures.push(`${s.name}/${variant}/${seed}: state ${i} keyed one way only`);
              return;
            }
            if (k.s === null || k.v === null) return;
            keyed++;
            const a = byString.get(k.s);
            const b = byVector.get(k.v);
            if (a !== b)
              failures.push(
                `${s.name}/${variant}/${seed}: state ${i} meets ${a ?? "none"} by string, ${b ?? "none"} by number`,
              );
            if (a === undefined) byString.set(k.s, i);
            if (b === undefined) byVector.set(k.v, i);
          });
        }
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    // Some scenarios loop (the token's spin rounds): the comparison is not vacuous.
    expect(keyed).toBeGreaterThan(100);
  }, 300_000);

  it("equal exactly where the strings are equal along DPOR's executions under spin2005, which go round cycles", () => {
    const failures: string[] = [];
    let met = 0;
    let cycles = 0;
    for (const s of catalogue.filter((c) => c.name.startsWith("token"))) {
      const f = scenarioFactory(prepare({ scenario: s.name, variant: "TOK-spin2005" }));
      const keys = new CycleKeys();
      let built: Machine | null = null;
      let byString = new Map<string, number>();
      let byVector = new Map<string, number>();
      let last = Infinity;
      // A detector keys every state; a step numbered no later than the last starts an execution (this one cannot be restored, so each is replayed).
      const keying: Detector = {
        name: "keying",
        stateKey: () => "",
        onStep: (r) => {
          if (r.index <= last) {
            byString = new Map();
            byVector = new Map();
          }
          last = r.index;
          const k = built!.stateKey();
          const v = keys.write(coreOf(built!)) ? Array.from(keys.out.v.subarray(0, keys.out.n)).join(",") : null;
          if ((k === null) !== (v === null)) failures.push(`${s.name}: step ${r.index} keyed one way only`);
          if (k === null || v === null) return undefined;
          const a = byString.get(k);
          const b = byVector.get(v);
          if (a !== undefined) met++;
          if (a !== b)
            failures.push(`${s.name}: step ${r.index} meets ${a ?? "none"} by string, ${b ?? "none"} by number`);
          if (a === undefined) byString.set(k, r.index);
          if (b === undefined) byVector.set(v, r.index);
          return undefined;
        },
      };
      const counting: MachineFactory = (o) => (built = f(o));
      const stats = search(
        counting,
        { reduction: "dpor", maxSteps: 300, maxExecutions: 300, detectors: [keying] },
        () => false,
      );
      cycles += stats.cycles;
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(cycles).toBeGreaterThan(0);
    expect(met).toBeGreaterThan(0);
  }, 300_000);

  it("written incrementally, as the cycle watch does (told each step's writes), the same as written whole — cpu-local cells included", () => {
    const failures: string[] = [];
    let keyed = 0;
    for (const s of catalogue.filter((c) => c.name.startsWith("token"))) {
      const f = scenarioFactory(prepare({ scenario: s.name, variant: "TOK-spin2005" }));
      for (let seed = 1; seed <= 4; seed++) {
        const incremental = new CycleKeys();
        const whole = new CycleKeys();
        let built: Machine | null = null;
        // Steps log their writes to shared cells; a cpu-local cell (a token request queue) changes unlogged.
        const keying: Detector = {
          name: "keying",
          footprints: true,
          stateKey: () => "",
          onStep: (r) => {
            incremental.written(r.writes);
            const core = coreOf(built!);
            const a = incremental.write(core, true)
              ? Array.from(incremental.out.v.subarray(0, incremental.out.n))
              : null;
            const b = whole.write(core) ? Array.from(whole.out.v.subarray(0, whole.out.n)) : null;
            if (a === null || b === null) return undefined;
            keyed++;
            if (a.join(",") !== b.join(",")) failures.push(`${s.name}, seed ${seed}: step ${r.index}`);
            return undefined;
          },
        };
        runOnce(f, {
          strategy: random({ seed }),
          maxSteps: MAX_STEPS,
          detectors: [keying],
          onBuilt: (m) => (built = m),
        });
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(keyed).toBeGreaterThan(100);
  }, 300_000);
});
