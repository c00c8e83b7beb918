/**
 * The mtx interlock against the acceptance oracle: every matrix row of
 * variant SPIN+TI, on every catalogue scenario that declares it, with the
 * interlock replaced by mtx (the plugin loaded into a registry, as the CLI
 * does) must give the row's verdict — "not-found" rows by exhaustive DPOR, as
 * the oracle requires. Every exploration also carries a detector that fails
 * if a lockmgr lock with an mtx interlock is slept on or woken through the
 * sleep hash of @kprim/sleepq instead of the plugin's queue (lockmgr, BUF_LOCK
 * and the buffer cache's own sleeps included).
 */
import { explore } from "@kprim/explore";
import { lockmgrSystem } from "@kprim/lockmgr";
import type { Detector, Machine } from "@kprim/machine";
import { PluginRegistry } from "@kprim/plugin";
import { catalogue, checkRow, matrix, type Prepared, rowChecks, scenarioFactory } from "@kprim/scenarios";
import { describe, expect, it } from "vitest";
import mtxPlugin, { mtxInterlock } from "../src/index.js";

const registry = new PluginRegistry([{ plugin: mtxPlugin, source: "@kprim/plugin-mtx" }]);

/**
 * Reports a sleep-hash tsleep, tsleep_interlock or wakeup on the ident of a
 * lock whose interlock is mtx (and records it in `offences`).
 */
function sleepRoute(m: Machine, offences: string[]): Detector {
  const idents = new Set(
    lockmgrSystem(m)
      .locks.filter((l) => l.interlock.kind === "mtx")
      .flatMap((l) => [l.ident.name, l.drainIdent.name]),
  );
  return {
    name: "mtx-sleep-route",
    onStep(rec) {
      for (const e of rec.events) {
        if (
          (e.kind === "sleepq.tsleep" || e.kind === "sleepq.interlock" || e.kind === "sleepq.wakeup") &&
          idents.has(e.obj ?? "")
        ) {
          const message = `${e.kind} on ${e.obj}, a lock with an mtx interlock, bypasses the mtx sleep queue`;
          offences.push(message);
          return { message };
        }
      }
      return undefined;
    },
  };
}

/** The prepared run with `extra` detectors on every machine it builds. */
function withDetectors(p: Prepared, extra: (m: Machine) => Detector[]): Prepared {
  return {
    ...p,
    build: (opts) => {
      const m = p.build(opts);
      for (const d of extra(m)) m.addDetector(d);
      return m;
    },
  };
}

const rows = rowChecks(matrix, catalogue).filter((c) => c.row.variant === "SPIN+TI");

describe("the mtx plugin", () => {
  it("registers the interlock mtx, which a run chooses by name", () => {
    expect(registry.interlocks.find((i) => i.name === "mtx")).toEqual({
      name: "mtx",
      value: mtxInterlock,
      provider: "mtx",
    });
    const p = registry.prepare({ scenario: "lockmgr-lost-wakeup", options: { interlock: "mtx" } });
    expect(p.header.options).toEqual({ interlock: "mtx" });
    expect(p.options.interlock).toBe("mtx");
  });
});

describe("every SPIN+TI row of matrix.json, with the interlock replaced by mtx", () => {
  it("covers every SPIN+TI row that a catalogue scenario declares", () => {
    const ids = new Set(matrix.rows.filter((r) => r.variant === "SPIN+TI").map((r) => r.id));
    const declared = [...ids].filter((id) => catalogue.some((s) => s.specId === id));
    expect(new Set(rows.map((c) => c.row.id))).toEqual(new Set(declared));
    expect(rows.length).toBeGreaterThanOrEqual(17);
  });

  for (const { row, scenario } of rows) {
    it(`${row.id} · ${scenario.name}: ${row.expect} ${row.signal}`, () => {
      const p = registry.prepare({
        scenario: scenario.name,
        variant: row.variant,
        options: { ...row.options, interlock: "mtx" },
      });
      const offences: string[] = [];
      const v = checkRow(
        withDetectors(p, (m) => [sleepRoute(m, offences)]),
        row,
      );
      expect(v.holds, v.detail).toBe(true);
      expect(offences).toEqual([]);
    });
  }
});

describe("who sleeps where, with the mtx interlock", () => {
  /** Over seeded random runs: sleeps and wakeups on the mtx queue, and the route detector's verdict. */
  function tally(scenario: string): { sleeps: number; woken: number; result: string; offences: string[] } {
    const offences: string[] = [];
    let sleeps = 0;
    let woken = 0;
    const counter: Detector = {
      name: "count-mtx-sleeps",
      onStep(rec) {
        for (const e of rec.events) {
          if (e.kind === "mtx.sleep") sleeps++;
          if (e.kind === "mtx.woken" && e.detail === "woken") woken++;
        }
      },
    };
    const p = withDetectors(registry.prepare({ scenario, options: { interlock: "mtx" } }), (m) => [
      sleepRoute(m, offences),
      counter,
    ]);
    const r = explore(scenarioFactory(p), { mode: { kind: "random", seed: 1, runs: 200 }, maxSteps: 20_000 });
    return { sleeps, woken, result: r.kind === "found" ? r.failure : "clean", offences };
  }

  it.each(["lockmgr-lost-wakeup", "lockmgr-barging", "getblk-sleepfail-retry"])(
    "%s: lockmgr waiters sleep on the mtx queue and are woken from it",
    (scenario) => {
      const t = tally(scenario);
      expect(t.result).toBe("clean");
      expect(t.offences).toEqual([]);
      expect(t.sleeps).toBeGreaterThan(0);
      expect(t.woken).toBeGreaterThan(0);
    },
  );
});
