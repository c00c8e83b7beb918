/**
 * The effect of the separate dispatch step on the bench's state counts.
 *
 * A thread made runnable on an idle cpu by an IPI or a timeout used to be
 * resumed in the step that woke it ("same-step"); today its dispatch is a
 * step of its own, before which IPIs already queued on that cpu may run, as
 * in the 2005 kernel ("separate"). The machine keeps the old model as an
 * option (old kprim1/kprim2 schedules replay under it), so the bench can
 * count the stateful lost-wakeup searches under both in the same run: the
 * extra interleavings are the states the change added.
 */
import {
  type Budget,
  CHAIN,
  type KprimLostWakeup,
  kprimLostWakeup,
  MULTICAST_SYMMETRY,
  sameStep,
} from "../lostWakeup.js";
import type { Table } from "../report/types.js";

const count = (r: KprimLostWakeup): string =>
  r.verdict === "no failure" ? r.states.toLocaleString("en") : `${r.verdict} (${r.how})`;

const growth = (before: KprimLostWakeup, after: KprimLostWakeup): number | string =>
  before.verdict === "no failure" && after.verdict === "no failure" && before.states > 0
    ? Number((after.states / before.states).toFixed(2))
    : "—";

/**
 * States stored to exhaust the lost-wakeup scenario with the interlock, per
 * N, under both dispatch models — the chain wakeup and multicast with
 * symmetry. `separate` are the rows the explorer section already measured
 * (cached); only the same-step searches run here.
 */
export function dispatchModelTable(ns: readonly number[], budget: Budget): { table: Table; errors: string[] } {
  const errors: string[] = [];
  const rows = ns.map((n) => {
    const cells: (string | number)[] = [n];
    for (const setup of [CHAIN, MULTICAST_SYMMETRY]) {
      const now = kprimLostWakeup("tsleep_interlock", n, budget, setup);
      const before = kprimLostWakeup("tsleep_interlock", n, budget, sameStep(setup));
      for (const r of [now, before]) {
        if (r.verdict !== "no failure" && r.verdict !== "inconclusive")
          errors.push(
            `lost-wakeup (tsleep_interlock, N=${n}, ${setup.wakeup}, ${r === now ? "separate" : "same-step"}): unexpected verdict ${r.verdict}`,
          );
      }
      cells.push(count(before), count(now), growth(before, now));
    }
    return cells;
  });
  return {
    table: {
      title:
        "States stored to exhaust the lost wakeup with the interlock: the wake and its dispatch in one step (before) and as separate steps (now)",
      header: [
        "N",
        "chain, same step",
        "chain, separate",
        "÷",
        "multicast + symmetry, same step",
        "multicast + symmetry, separate",
        "÷",
      ],
      rows,
    },
    errors,
  };
}
