/**
 * Each teaching bug from the command line: `kprim explore <scenario> --plugin
 * <module>` (with `--interlock` for the interlock bugs) finds it in the
 * pinned catalogue scenario, exits 1 and prints the replay command, which
 * carries the --plugin flag the run needs.
 */
import { describe, expect, it } from "vitest";
import { kprim } from "@kprim/test-utils";

const cases = [
  { module: "wakeupIgnoresCpumask", scenario: "lost-wakeup", args: [], failure: "[lost-wakeup]" },
  {
    module: "spinlockForgetsCrit",
    scenario: "interlock-preempted-sleep",
    args: [],
    failure: "deadlock at step 3: T_w (cpu0) preempted; intr (cpu0) spinning on spinlock IL held by T_w",
  },
  {
    module: "releaseBeforeTsleepInterlock",
    scenario: "lockmgr-lost-wakeup",
    args: ["--interlock", "spin-release-early"],
    failure: "[lost-wakeup]",
  },
  {
    module: "releaseForgetsWakeup",
    scenario: "getblk-sleepfail-retry",
    args: ["--interlock", "spin-wakeup-dropped"],
    failure: "[lost-wakeup]",
  },
] as const;

describe.concurrent("kprim explore with a teaching bug", () => {
  for (const c of cases) {
    it(`${c.module}: finds it in ${c.scenario}, exits 1 and prints the replay command`, async () => {
      const plugin = `./plugins/teaching-bugs/src/${c.module}.ts`;
      const r = await kprim(["explore", c.scenario, "--plugin", plugin, ...c.args]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^verdict: FOUND failure at execution \d+/m);
      expect(r.stdout).toContain(c.failure);
      const shrunk = /^shrunk: {3}(\S+) \(\d+ steps\)$/m.exec(r.stdout)?.[1];
      expect(shrunk).toMatch(new RegExp(`^kprim3:${c.scenario}:SPIN\\+TI:`));
      expect(r.stdout).toContain(`replay:   kprim replay ${c.scenario} --plugin ${plugin} --schedule '${shrunk}'`);
    }, 120_000);
  }
});
