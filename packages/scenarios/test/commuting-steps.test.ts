/**
 * Steps the explorer's footprints call independent (different cpus, no
 * shared cell written by one and touched by the other, no IPI between them)
 * must reach one state in either order, as the state fingerprint sees it:
 * DPOR and stateful search's sleep sets explore one order and count on the
 * other reaching the same state. Each pair below once reached two
 * fingerprints (stateful search with sleep sets then stored fewer states):
 * - a thread-local naming a lock recorded, in its thread's history, the
 *   lock's interlock `inside` count as another thread changed it;
 * - token references were numbered by a count every thread shared;
 * - the lockmgr-state detector kept a lock it had still to check, though
 *   its word was consistent, only in the order where the write came while
 *   another thread was inside the interlock.
 */
import { type Choice, Histories, type Machine, parseChoices } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { prepare } from "../src/index.js";

/** The fingerprint after taking `choices` (one search's histories: numbers compare across runs). */
function fingerprintAfter(scenario: string, variant: string, choices: readonly Choice[], histories: Histories): string {
  let key = "";
  const box: { m: Machine | null } = { m: null };
  const m = prepare({ scenario, variant }).build({
    strategy: {
      name: "prefix",
      choose(enabled, view) {
        if (view.step === choices.length) {
          key = box.m!.fingerprint();
          throw new Error("done");
        }
        const i = enabled.indexOf(choices[view.step]!);
        if (i < 0) throw new Error(`choice ${choices[view.step]} not enabled at step ${view.step}`);
        return i;
      },
    },
    maxSteps: choices.length + 1,
  });
  box.m = m;
  m.trackStates(histories);
  try {
    m.run();
  } catch (e) {
    if ((e as Error).message !== "done") throw e;
  }
  return key;
}

const PAIRS = [
  // Thread 1 (cpu0) leaves L's interlock; cpu1's dispatch resumes T2, which waits on L.
  {
    why: "interlock inside count in a history",
    scenario: "lockmgr-barging",
    variant: "SPIN+TI",
    prefix: "0sx7.1sx7.0sx4.1i0",
    a: "0s",
    b: "1d",
  },
  // T_h and T_w each make a token reference.
  { why: "token reference numbers", scenario: "lockmgr-lost-wakeup", variant: "TOK", prefix: "1sx7", a: "0s", b: "1s" },
  // BUF_KERNPROC's write of b_lock, and another thread taking b_lock's interlock.
  {
    why: "lockmgr-state's locks to check",
    scenario: "getnewbuf-locked-buf",
    variant: "SPIN+TI-nomp",
    prefix: "1sx2.0sx2.1sx3.0s.1sx3.0sx2.1s.0sx2.1s.0s.1s.0sx4.1s",
    a: "0s",
    b: "1s",
  },
] as const;

describe("steps the footprints call independent reach one fingerprint in either order", () => {
  for (const p of PAIRS) {
    it(`${p.scenario} under ${p.variant} (${p.why})`, () => {
      const histories = new Histories();
      const prefix = parseChoices(p.prefix);
      const [a] = parseChoices(p.a);
      const [b] = parseChoices(p.b);
      const ab = fingerprintAfter(p.scenario, p.variant, [...prefix, a!, b!], histories);
      const ba = fingerprintAfter(p.scenario, p.variant, [...prefix, b!, a!], histories);
      expect(ab).not.toBe("");
      expect(ba).toBe(ab);
    });
  }
});
