/**
 * Restoring one machine to an earlier step of its run, after later runs,
 * is faithful: every state the restored machine then passes through is the
 * state a fresh machine replaying the same choices passes through
 * (fingerprints, which key the thread-locals and layer state by content).
 * A restore may refuse (false: the caller replays instead), never throw and
 * never put back a state that differs. Thread code rebuilt at a restore runs
 * again between its yields: what it reads there must be what it read the
 * first time (a preemptor asking whether its preempted chain holds a token).
 */
import { describe, expect, it } from "vitest";
import { Histories, type Machine, random, replay, type Strategy } from "@kprim/machine";
import {
  choicesTaken,
  continueRun,
  coreOf,
  enableRestore,
  restore,
  snapshot,
  type Snapshot,
} from "@kprim/machine/internal";
import { catalogue, prepare, scenarioFactory } from "../src/index.js";

/** The first line where two fingerprints differ, with a line either side (a readable diff). */
function firstDifference(a: string, b: string): string {
  const x = a.split("\n");
  const y = b.split("\n");
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  const around = (l: string[]) => l.slice(Math.max(0, i - 1), i + 2).join(" ⏎ ");
  return `line ${i}:\n    restored: ${around(x)}\n    replayed: ${around(y)}`;
}

/**
 * Walk one machine: run, go back to an earlier step, run on under another
 * seed, 8 times; after each run from a restored state, replay its choices on
 * a fresh machine and compare the states step by step. What went wrong.
 */
function walk(scenario: string, variant: string, seed: number): { wrong: string[]; refused: string[] } {
  const name = `${scenario} under ${variant}, seed ${seed}`;
  const factory = scenarioFactory(prepare({ scenario, variant }));
  // One search's tables: fingerprints compare across the machines that share them.
  const histories = new Histories();
  const st = {
    inner: random({ seed }) as Strategy,
    snaps: [] as (Snapshot | null)[],
    keys: [] as string[],
    from: -1,
    m: null as Machine | null,
  };
  const m = factory({
    strategy: {
      name: "walk",
      choose(enabled, view) {
        const core = coreOf(st.m!);
        // Only the steps of a run from a restored state are compared.
        if (st.from >= 0) st.keys[view.step] = st.m!.fingerprint();
        st.snaps[view.step] = snapshot(core);
        return st.inner.choose(enabled, view);
      },
    },
    maxSteps: 2_000,
  });
  st.m = m;
  m.trackStates(histories);
  enableRestore(coreOf(m));
  for (let run = 0; run < 8; run++) {
    const steps = (run === 0 ? m.run() : continueRun(m)).steps;
    if (run > 0) {
      const end = m.fingerprint();
      const fresh: string[] = [];
      const again = replay(choicesTaken(coreOf(m)));
      const box: { f: Machine | null } = { f: null };
      const f = factory({
        strategy: {
          name: "replayed",
          choose(enabled, view) {
            if (view.step >= st.from) fresh[view.step] = box.f!.fingerprint();
            return again.choose(enabled, view);
          },
        },
        maxSteps: 2_000,
      });
      box.f = f;
      f.trackStates(histories);
      f.run();
      for (let k = st.from; k < steps; k++) {
        if (st.keys[k] !== fresh[k]) {
          const diff = firstDifference(st.keys[k]!, fresh[k]!);
          return {
            wrong: [`${name}: run ${run}, back to step ${st.from}, differs at step ${k}, ${diff}`],
            refused: [],
          };
        }
      }
      if (end !== f.fingerprint()) {
        const diff = firstDifference(end, f.fingerprint());
        return { wrong: [`${name}: run ${run}, back to step ${st.from}, differs at its end, ${diff}`], refused: [] };
      }
    }
    // Back to a step of this run (a deterministic pick), then on under another seed.
    let from = Math.floor(((run * 7 + 3) % 10) * 0.1 * steps);
    while (from > 0 && st.snaps[from] === null) from--;
    const s = st.snaps[from];
    if (s === null || s === undefined) return { wrong: [], refused: [] };
    try {
      // Refused: allowed (the caller replays), but the machine is then unusable.
      if (!restore(coreOf(m), s)) return { wrong: [], refused: [`${name}: run ${run}, restore to step ${from}`] };
    } catch (e) {
      return { wrong: [`${name}: run ${run}, restore to step ${from} threw ${String(e)}`], refused: [] };
    }
    st.from = from;
    st.snaps.length = from;
    st.inner = random({ seed: seed * 100 + run + 2 });
  }
  return { wrong: [], refused: [] };
}

/** Every walk's findings, made once for the tests below. */
let walks: { wrong: string[]; refused: string[] } | null = null;
function allWalks(): { wrong: string[]; refused: string[] } {
  if (walks !== null) return walks;
  const all = { wrong: [] as string[], refused: [] as string[] };
  for (const s of catalogue) {
    for (const variant of ["SPIN+TI", "TOK"]) {
      for (let seed = 1; seed <= 2; seed++) {
        const w = walk(s.name, variant, seed);
        all.wrong.push(...w.wrong);
        all.refused.push(...w.refused);
      }
    }
  }
  return (walks = all);
}

describe("restoring a state after later runs", () => {
  it("every scenario under SPIN+TI and TOK: a restore never throws, and never puts back another state than replaying its choices reaches", () => {
    expect(allWalks().wrong).toEqual([]);
  }, 120_000);

  it("every scenario under SPIN+TI and TOK: none refuses either (the catalogue's thread code reads what is outside its thread between yields only through k.observe)", () => {
    // A refusal is allowed (the caller replays), but costs a replay: a preemptor's token path used to cause them.
    expect(allWalks().refused).toEqual([]);
  }, 120_000);
});
