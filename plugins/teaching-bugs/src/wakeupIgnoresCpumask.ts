/**
 * TEACHING BUG (sleep-queue layer): a wakeup that ignores the bucket's
 * cpumask.
 *
 * What the layer protects: the tsleep/wakeup hash of @kprim/sleepq —
 * per-cpu sleep queues, and one cpumask per bucket saying which cpus may
 * have a sleeper there. Its invariant: wakeup(X) reaches every cpu whose bit
 * is set (by a chain of IPIs), so a sleeper on any cpu is found.
 *
 * The mistake: wakeup scans only the waker's own cpu's bucket
 * (`mycpu: true`, which is wakeup_mycpu's job) and never reads the cpumask,
 * so it sends no IPI. A sleeper on another cpu is never woken: the
 * `lost-wakeup` detector (I6) reports it at quiescence. Found by the
 * catalogue's `lost-wakeup` scenario (sleeper on cpu0, waker on cpu1).
 *
 * Everything else is @kprim/sleepq's own layer. Calling context as
 * wakeup's: any; never blocks.
 */
import type { Gen, KernelContext } from "@kprim/machine";
import { definePlugin, type Plugin } from "@kprim/plugin";
import { bucketOf, type Ident, sleepHash, sleepqLayer, type SleepqLayer, wakeupHere } from "@kprim/sleepq";

function* wakeupThisCpuOnly(k: KernelContext, ident: Ident): Gen<void> {
  const h = sleepHash(k.machine);
  const mask = h.masks[bucketOf(ident)]!;
  yield* k.atomic(`wakeup ${ident.name}`, { writes: [mask] }, (tx) => {
    tx.event("sleepq.wakeup", ident.name, "wakeup");
    // BUG: mycpu — this cpu's bucket only; the cpumask is never consulted and no IPI goes out.
    wakeupHere(tx, h, ident, { one: false, start: tx.cpu, mycpu: true });
  });
}

export const wakeupIgnoresCpumask: SleepqLayer = Object.freeze({
  ...sleepqLayer("chain"),
  name: "teaching: wakeup ignores the cpumask",
  wakeup: wakeupThisCpuOnly,
});

const plugin: Plugin = definePlugin({
  name: "wakeup-ignores-cpumask",
  layers: { sleepq: wakeupIgnoresCpumask },
});

export default plugin;
