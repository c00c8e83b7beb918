/**
 * Each teaching bug, found as bugs.test.ts finds it, replayed with the trace
 * on: the built-in detectors' evidence labels what a student should look at
 * — for the lost wakeups, the sleeper's tsleep that never returns and the
 * wakeup that missed it (even one that came after the interlock but took a
 * broken path); for the deadlock, the lock each waiter holds and where it
 * spins — and the racy window starts at the earliest label.
 */
import { explore, replaySchedule } from "@kprim/explore";
import type { EvidenceRole } from "@kprim/machine";
import { type Plugin, PluginRegistry } from "@kprim/plugin";
import { failureEvidence, racyWindow } from "@kprim/trace";
import { describe, expect, it } from "vitest";
import {
  releaseBeforeTsleepInterlockPlugin,
  releaseForgetsWakeupPlugin,
  spinlockForgetsCritPlugin,
  wakeupIgnoresCpumaskPlugin,
} from "../src/index.js";

interface Case {
  readonly plugin: Plugin;
  readonly interlock?: string;
  readonly scenario: string;
  /** Roles and what the label of each says. */
  readonly labels: readonly (readonly [EvidenceRole, RegExp])[];
}

const LOST: Case["labels"] = [
  ["stuck", /tsleep\(.+\) never returns$/],
  ["missed", /wakeup\(.+\) (finds nobody queued|misses \w+|does not wake \w+)$/],
];

const cases: readonly Case[] = [
  { plugin: wakeupIgnoresCpumaskPlugin, scenario: "lost-wakeup", labels: LOST },
  {
    plugin: spinlockForgetsCritPlugin,
    scenario: "interlock-preempted-sleep",
    labels: [
      ["cause", /^takes IL$/],
      ["stuck", /^spins on /],
    ],
  },
  {
    plugin: releaseBeforeTsleepInterlockPlugin,
    interlock: "spin-release-early",
    scenario: "lockmgr-lost-wakeup",
    labels: LOST,
  },
  {
    plugin: releaseForgetsWakeupPlugin,
    interlock: "spin-wakeup-dropped",
    scenario: "getblk-sleepfail-retry",
    labels: [["stuck", /tsleep\(.+\) never returns$/]],
  },
];

const budget = { mode: { kind: "dpor" }, maxExecutions: 50_000, maxSteps: 20_000 } as const;

describe("the teaching bugs, traced", () => {
  for (const c of cases) {
    it(`${c.plugin.name}: the labels of ${c.scenario}'s failure, and the window from the earliest`, () => {
      const registry = new PluginRegistry([{ plugin: c.plugin, source: c.plugin.name }]);
      const factory = registry.factory(
        registry.prepare({ scenario: c.scenario, options: c.interlock ? { interlock: c.interlock } : {} }),
      );
      const r = explore(factory, budget);
      if (r.kind !== "found") throw new Error(`${c.plugin.name}: nothing found`);
      const run = replaySchedule(factory, r.shrunk, { trace: true });
      const labels = failureEvidence(run);
      for (const [role, re] of c.labels) {
        expect(
          labels.some((l) => l.role === role && re.test(l.label)),
          `${role} ${re} in ${JSON.stringify(labels)}`,
        ).toBe(true);
      }
      expect(racyWindow(run)?.fromStep).toBe(labels[0]!.step);
    });
  }
});
