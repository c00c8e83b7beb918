/**
 * The buffer cache's answers to open questions of spec §8, each an option
 * with the default kprim had (see @kprim/buf's README):
 *
 * - §8.1, whether getnewbuf slept after its first warning: `getnewbufSleep`
 *   (`tick`, the modern form, or `none`);
 * - §8.4, whether splbio was a critical section: `splbio` (`none` or `crit`);
 * - §8.2, what replaced buftimetoken as BUF_LOCK's own interlock:
 *   `bufInterlock` (the variant's, or a token kept) — with a token kept, the
 *   second warning comes back under the spinlock interlock.
 */
import { createBufCache, getblk } from "@kprim/buf";
import { createMachine, random, roundRobin } from "@kprim/machine";
import { type Interlock, type InterlockKind, spinInterlock } from "@kprim/lockmgr";
import { describe, expect, it } from "vitest";
import {
  checkRow,
  composeKernel,
  findScenario,
  interlockDeps,
  type MatrixRow,
  prepare,
  prepareRow,
  resolveOptions,
} from "../src/index.js";

const row = (
  id: string,
  variant: string,
  options: Record<string, string>,
  expect: "found" | "not-found",
  signal: string,
): MatrixRow => ({ id: id as MatrixRow["id"], variant, options, expect, signal });

function holds(scenario: string, r: MatrixRow): void {
  const v = checkRow(prepareRow(findScenario(scenario)!, r), r);
  expect(v.holds, v.detail).toBe(true);
}

describe("getnewbufSleep (spec §8.1)", () => {
  function warnedRuns(options: Record<string, string>): { warned: number; slept: number } {
    const p = prepare({ scenario: "getnewbuf-locked-buf", variant: "TOK", options });
    let warned = 0;
    let slept = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = p.build({ strategy: random({ seed }), trace: true }).run();
      if (!r.console.some((c) => c.text.includes("locked buf"))) continue;
      warned++;
      if (r.trace!.some((e) => e.kind === "sleepq.tsleep" && e.detail === "gnbxxx")) slept++;
    }
    return { warned, slept };
  }
  it("by default getnewbuf sleeps a tick on bd_request after 'locked buf', every time", () => {
    const { warned, slept } = warnedRuns({});
    expect(warned).toBeGreaterThan(0);
    expect(slept).toBe(warned);
  });
  it("with getnewbufSleep=none it restarts at once", () => {
    const { warned, slept } = warnedRuns({ getnewbufSleep: "none" });
    expect(warned).toBeGreaterThan(0);
    expect(slept).toBe(0);
  });
});

describe("splbio (spec §8.4)", () => {
  it("with splbio=crit, getblk and its BUF_LOCK run in a critical section; without, not", () => {
    for (const [splbio, inside] of [
      ["crit", true],
      ["none", false],
    ] as const) {
      const crits: number[] = [];
      // BUF_LOCK's interlock, recording the critical count whenever it is taken.
      const recording: InterlockKind = {
        ...spinInterlock,
        create(m, name, d, opts): Interlock {
          const il = spinInterlock.create(m, name, d, opts);
          const acquire = il.acquire.bind(il);
          return Object.assign(il, {
            *acquire(k: Parameters<Interlock["acquire"]>[0]) {
              crits.push(k.crit);
              yield* acquire(k);
            },
          });
        },
      };
      const m = createMachine({ cpus: 1, strategy: roundRobin() });
      const deps = interlockDeps(composeKernel(resolveOptions("SPIN+TI")));
      const cache = createBufCache(m, deps, spinInterlock, { bufs: 1, splbio, bufInterlock: recording });
      m.spawn({
        cpu: 0,
        name: "T",
        *body(k) {
          yield* getblk(k, cache, 1, 7);
        },
      });
      expect(m.run().outcome).toEqual({ kind: "ok" });
      expect(crits.length).toBeGreaterThan(0);
      expect(crits.every((c) => c > 0)).toBe(inside);
    }
  });
  it("with splbio=crit, R1 keeps its verdicts: found under TOK, never under SPIN+TI", { timeout: 300_000 }, () => {
    holds(
      "getnewbuf-locked-buf",
      row("R1", "TOK", { splbio: "crit" }, "found", "console:getnewbuf: warning, locked buf"),
    );
    holds("getnewbuf-locked-buf", row("R1", "SPIN+TI", { splbio: "crit" }, "not-found", "any"));
  });
});

describe("bufInterlock (spec §8.2)", () => {
  it(
    "if the patch had kept buftimetoken a token, the second warning would survive the spinlock interlock",
    { timeout: 300_000 },
    () => {
      holds(
        "getnewbuf-blocked-unexpectedly",
        row("R2", "SPIN+TI", { bufInterlock: "token" }, "found", "console:BUF_LOCK blocked unexpectedly"),
      );
    },
  );
  it("the first one would not: its window is in the lock's own interlock, a spinlock", { timeout: 300_000 }, () => {
    holds("getnewbuf-locked-buf", row("R1", "SPIN+TI", { bufInterlock: "token" }, "not-found", "any"));
  });
});
