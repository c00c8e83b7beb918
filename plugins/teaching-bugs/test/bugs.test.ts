/**
 * Each teaching bug, run against the unmodified catalogue: an exhaustive
 * DPOR exploration of the scenario pinned below finds it — with the expected
 * detector or deadlock, and a replay command whose schedule, re-prepared
 * from its header alone with the plugin loaded, reproduces it — and the same
 * scenario explored the same way without the bug finds nothing.
 */
import { explore, failureKind, replaySchedule } from "@kprim/explore";
import { parseSchedule } from "@kprim/machine";
import { type Plugin, PluginRegistry } from "@kprim/plugin";
import { describe, expect, it } from "vitest";
import {
  releaseBeforeTsleepInterlockPlugin,
  releaseForgetsWakeupPlugin,
  spinlockForgetsCritPlugin,
  wakeupIgnoresCpumaskPlugin,
} from "../src/index.js";

interface Case {
  readonly plugin: Plugin;
  /** The interlock option that chooses the bug (interlock bugs only). */
  readonly interlock?: string;
  /** The catalogue scenario that finds it. */
  readonly scenario: string;
  readonly failureKind: string;
  /** A piece of the failure's description. */
  readonly failure: string;
}

const cases: readonly Case[] = [
  {
    plugin: wakeupIgnoresCpumaskPlugin,
    scenario: "lost-wakeup",
    failureKind: "violation:lost-wakeup",
    failure: "[lost-wakeup] T_S sleeps on X although the flag is set",
  },
  {
    plugin: spinlockForgetsCritPlugin,
    scenario: "interlock-preempted-sleep",
    failureKind: "deadlock",
    failure: "T_w (cpu0) preempted; intr (cpu0) spinning on spinlock IL held by T_w",
  },
  {
    plugin: releaseBeforeTsleepInterlockPlugin,
    interlock: "spin-release-early",
    scenario: "lockmgr-lost-wakeup",
    failureKind: "violation:lockmgr-state,lost-wakeup",
    failure:
      "[lost-wakeup] T_w sleeps on L although L no longer has the flags it waits for: the wakeup of L ran at step",
  },
  {
    plugin: releaseForgetsWakeupPlugin,
    interlock: "spin-wakeup-dropped",
    scenario: "getblk-sleepfail-retry",
    failureKind: "violation:lockmgr-state,lost-wakeup",
    failure: "[lost-wakeup] T_get sleeps on b_lock 0xc7400000 although b_lock 0xc7400000 no longer has the flags",
  },
];

const budget = { mode: { kind: "dpor" }, maxExecutions: 50_000, maxSteps: 20_000 } as const;

describe("the teaching bugs", () => {
  it("each replaces exactly one layer: a sleep queue, a spinlock, or an interlock chosen by name", () => {
    const replaced = cases.map((c) => [
      c.plugin.name,
      [...Object.keys(c.plugin.layers ?? {}), ...Object.keys(c.plugin.interlocks ?? {})],
    ]);
    expect(replaced).toEqual([
      ["wakeup-ignores-cpumask", ["sleepq"]],
      ["spinlock-forgets-crit", ["spinlock"]],
      ["release-before-tsleep-interlock", ["spin-release-early"]],
      ["release-forgets-wakeup", ["spin-wakeup-dropped"]],
    ]);
  });

  for (const c of cases) {
    const options = c.interlock ? { interlock: c.interlock } : {};

    it(`${c.plugin.name}: DPOR finds it in ${c.scenario} (${c.failureKind}), and its replay command reproduces it`, () => {
      const registry = new PluginRegistry([{ plugin: c.plugin, source: c.plugin.name }]);
      const r = explore(registry.factory(registry.prepare({ scenario: c.scenario, options })), budget);
      expect(r.kind).toBe("found");
      if (r.kind !== "found") return;
      expect(r.failureKind).toBe(c.failureKind);
      expect(r.failure).toContain(c.failure);
      expect(r.replay).toBe(`kprim replay ${c.scenario} --schedule '${r.shrunk}'`);
      // The schedule's header alone (scenario, variant, options) rebuilds the run, with the plugin loaded.
      const again = registry.prepareFromHeader(parseSchedule(r.shrunk).header);
      const replayed = replaySchedule(registry.factory(again), r.shrunk);
      expect(failureKind(replayed.outcome)).toBe(c.failureKind);
    });

    it(`${c.plugin.name}: without it, ${c.scenario} is clean (DPOR, exhausted)`, () => {
      const registry = new PluginRegistry([]);
      const r = explore(registry.factory(registry.prepare({ scenario: c.scenario })), budget);
      expect(r.kind).toBe("not-found");
      expect(r.kind === "not-found" && r.exhausted).toBe(true);
    });
  }
});
