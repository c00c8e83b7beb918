/**
 * Stateful search on the lost-wakeup scenario: it exhausts what DPOR could
 * not, and symmetry reduction applies exactly where the sleepers are
 * interchangeable — with the multicast wakeup, not with the chain, which
 * visits cpus in index order.
 */
import { describe, expect, it } from "vitest";
import { explore, type ExploreResult, search as exhaustive } from "@kprim/explore";
import { Histories, type Machine, random, type Strategy } from "@kprim/machine";
import {
  continueRun,
  coreOf,
  enableRestore,
  restore,
  snapshot,
  type Snapshot,
  stateId,
  VectorTable,
} from "@kprim/machine/internal";
import { catalogue, prepare, scenarioFactory, VARIANT_NAMES } from "../src/index.js";

/**
 * Restore `s`; false when the machine cannot be put back there (allowed: the
 * restore's own fidelity is restore-fidelity.test.ts's, not what the
 * numbering test below asserts).
 */
function restoredTo(m: Machine, s: Snapshot): boolean {
  return restore(coreOf(m), s);
}

function search(opts: { wakeup: string; sleep: string; symmetry: boolean }): ExploreResult {
  const factory = scenarioFactory(
    prepare({
      scenario: "lost-wakeup",
      variant: "SPIN+TI",
      options: { wakeup: opts.wakeup },
      params: { sleepers: 3, sleep: opts.sleep },
    }),
  );
  return explore(factory, { mode: { kind: "dfs", stateful: true, symmetry: opts.symmetry }, target: "failure" });
}

describe("stateful search on lost-wakeup, three sleepers", () => {
  it("with tsleep_interlock and a multicast wakeup: exhausted, no failure, and symmetry needs far fewer states", () => {
    const plain = search({ wakeup: "multicast", sleep: "tsleep_interlock", symmetry: false });
    const sym = search({ wakeup: "multicast", sleep: "tsleep_interlock", symmetry: true });
    for (const r of [plain, sym]) expect(r.kind === "not-found" && r.exhausted).toBe(true);
    expect(sym.states).toBeLessThan(plain.states / 3);
  });

  it("without tsleep_interlock, symmetry still finds the lost wakeup", () => {
    const r = search({ wakeup: "multicast", sleep: "unlock-then-tsleep", symmetry: true });
    expect(r.kind === "found" ? r.failureKind : r.kind).toBe("violation:lost-wakeup");
  });

  it("with the chain wakeup the scenario declares no symmetry: the same states either way", () => {
    const plain = search({ wakeup: "chain", sleep: "tsleep_interlock", symmetry: false });
    const sym = search({ wakeup: "chain", sleep: "tsleep_interlock", symmetry: true });
    expect(plain.kind === "not-found" && plain.exhausted).toBe(true);
    expect(sym.states).toBe(plain.states);
  });
});

describe("stateful search over the whole catalogue", () => {
  it("every scenario under every variant can be fingerprinted: each detector says what its state is", () => {
    const failures: string[] = [];
    for (const s of catalogue) {
      for (const variant of VARIANT_NAMES) {
        try {
          const r = explore(scenarioFactory(prepare({ scenario: s.name, variant })), {
            mode: { kind: "dfs", stateful: true },
            target: "failure",
            maxStates: 150,
            shrink: false,
          });
          expect(r.states).toBeGreaterThan(0);
        } catch (e) {
          failures.push(`${s.name} under ${variant}: ${(e as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("every scenario under SPIN+TI and TOK: restoring the state at each branch point gives the executions replaying gives", () => {
    const differ: string[] = [];
    for (const s of catalogue) {
      for (const variant of ["SPIN+TI", "TOK"]) {
        const factory = scenarioFactory(prepare({ scenario: s.name, variant }));
        const run = (restore: boolean) => {
          const out: string[] = [];
          const stats = exhaustive(
            factory,
            { reduction: "none", stateful: true, maxSteps: 20_000, maxStates: 100, restore },
            (t) => {
              out.push(`${JSON.stringify(t.result.outcome)} ${t.result.schedule.choices.join(",")}`);
              return false;
            },
          );
          return JSON.stringify({ out, stats });
        };
        if (run(true) !== run(false)) differ.push(`${s.name} under ${variant}`);
      }
    }
    expect(differ).toEqual([]);
  }, 240_000);

  it("every scenario under SPIN+TI and TOK: state numbers (stateId) tell apart exactly the states fingerprints do", () => {
    const wrong: string[] = [];
    for (const s of catalogue) {
      for (const variant of ["SPIN+TI", "TOK"]) {
        const factory = scenarioFactory(prepare({ scenario: s.name, variant }));
        // One search's tables: numbers and fingerprints compare across its runs.
        const histories = new Histories();
        const table = new VectorTable();
        const idOf = new Map<string, number>();
        const keyOf = new Map<number, string>();
        for (let seed = 1; seed <= 4 && wrong.length === 0; seed++) {
          const inner = random({ seed });
          const box: { m: Machine | null } = { m: null };
          const strategy: Strategy = {
            name: "keys",
            choose(enabled, view) {
              const m = box.m!;
              const key = m.fingerprint();
              const id = stateId(m, table);
              if ((idOf.get(key) ?? id) !== id || (keyOf.get(id) ?? key) !== key) {
                wrong.push(`${s.name} under ${variant}, seed ${seed}, step ${view.step}`);
              }
              idOf.set(key, id);
              keyOf.set(id, key);
              return inner.choose(enabled, view);
            },
          };
          const m = factory({ strategy, maxSteps: 3_000 });
          box.m = m;
          m.trackStates(histories, { symmetry: seed % 2 === 0 });
          m.run();
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);

  it("every scenario under every variant: with sleep sets, the same states and the same verdicts as without", () => {
    // Steps the footprints call independent reach one state in either order (commuting-steps.test.ts),
    // so sleep sets cut executions, never states. Searches that end within the cap are compared.
    const CAP = 6_000;
    const differ: string[] = [];
    let compared = 0;
    let searches = 0;
    for (const s of catalogue) {
      for (const variant of VARIANT_NAMES) {
        const factory = scenarioFactory(prepare({ scenario: s.name, variant }));
        const run = (sleepSets: boolean) => {
          const verdicts = new Set<string>();
          const stats = exhaustive(
            factory,
            { reduction: "none", stateful: true, maxSteps: 2_000, maxStates: CAP, sleepSets },
            (t) => {
              const o = t.result.outcome;
              verdicts.add(o.kind === "violation" ? `${o.kind}:${o.detector}` : o.kind);
              return false;
            },
          );
          return { stats, verdicts: [...verdicts].sort().join(" ") };
        };
        // The cheaper search first: one cut at the cap is not compared.
        const withSleep = run(true);
        searches++;
        if (!withSleep.stats.exhausted) continue;
        compared++;
        const without = run(false);
        if (
          !without.stats.exhausted ||
          withSleep.stats.states !== without.stats.states ||
          withSleep.verdicts !== without.verdicts
        ) {
          differ.push(
            `${s.name} under ${variant}: ${without.stats.states} states (${without.verdicts}) without, ${withSleep.stats.states} (${withSleep.verdicts}) with`,
          );
        }
      }
    }
    expect(differ).toEqual([]);
    // All but the scenarios that never end (a livelock to the step limit) are compared.
    expect(compared).toBeGreaterThan(searches * 0.9);
  }, 600_000);

  it("every scenario under SPIN+TI and TOK: after restores too, state numbers tell apart exactly the states fingerprints do", () => {
    // State vectors re-encode only the cpus and threads changed since the last one (their change stamps), while
    // a fingerprint writes the whole state: a record changed, or put back by a restore, without its stamp moving
    // keeps a stale number, which then stands for two fingerprints.
    const wrong: string[] = [];
    const cases = [
      ...catalogue.flatMap((s) => ["SPIN+TI", "TOK"].map((variant) => prepare({ scenario: s.name, variant }))),
      ...["chain", "multicast"].map((wakeup) =>
        prepare({
          scenario: "lost-wakeup",
          variant: "SPIN+TI",
          options: { wakeup },
          params: { sleepers: 3, sleep: "tsleep_interlock" },
        }),
      ),
    ];
    for (const prepared of cases) {
      const name = `${prepared.scenario.name} under ${prepared.variant}`;
      const table = new VectorTable();
      const idOf = new Map<string, number>();
      const keyOf = new Map<number, string>();
      // One machine, restored to an earlier step of its run before each new run (a snapshot at every step).
      const st: { inner: Strategy; snaps: (Snapshot | null)[]; m: Machine | null; run: number } = {
        inner: random({ seed: 1 }),
        snaps: [],
        m: null,
        run: 0,
      };
      const m = scenarioFactory(prepared)({
        strategy: {
          name: "walk",
          choose(enabled, view) {
            const k = view.step;
            const key = st.m!.fingerprint();
            const id = stateId(st.m!, table);
            if ((idOf.get(key) ?? id) !== id || (keyOf.get(id) ?? key) !== key) {
              wrong.push(`${name}: run ${st.run}, step ${k}`);
            }
            // And the number it gets with every cpu's and thread's key written again (every stamp moved).
            const core = coreOf(st.m!);
            for (const c of core.cpus) c.ver++;
            for (const t of core.threads) t.ver++;
            if (stateId(st.m!, table) !== id) wrong.push(`${name}: run ${st.run}, step ${k}, written again`);
            idOf.set(key, id);
            keyOf.set(id, key);
            st.snaps[k] = snapshot(coreOf(st.m!));
            return st.inner.choose(enabled, view);
          },
        },
        maxSteps: 2_000,
      });
      st.m = m;
      m.trackStates(new Histories());
      enableRestore(coreOf(m));
      for (let run = 0; run < 8 && wrong.length === 0; run++) {
        st.run = run;
        const steps = (run === 0 ? m.run() : continueRun(m)).steps;
        // Back to a step of this run (a deterministic pick), then on under another seed.
        let from = Math.floor(((run * 7 + 3) % 10) * 0.1 * steps);
        while (from > 0 && st.snaps[from] === null) from--;
        const s = st.snaps[from];
        if (s === null || s === undefined || !restoredTo(m, s)) break;
        st.inner = random({ seed: run + 2 });
        st.snaps.length = from;
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);
});
