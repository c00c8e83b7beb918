/**
 * The stand-in race the browser tests draw until the R1 scenario (getnewbuf
 * under the token interlock) is in the catalogue: two cpus bump a shared
 * counter with a load and a store inside a critical section — which holds
 * off interrupts and IPIs on its own cpu only, so the other cpu's store can
 * fall between them and one increment is lost. A waiter on cpu1 sleeps
 * until bump0's first increment wakes it through an IPI, so the picture
 * also has an IPI, a wakeup and a console line. The scenario ignores the
 * Kernel composition.
 */
import { type Cell, type Detector, param } from "@kprim/machine";
import { kernelScenario } from "@kprim/scenarios";

/** Reports the store that leaves the counter short of the increments made so far. */
function incrementsKept(counter: Cell<number>): Detector {
  const byThread = new Map<number, number>();
  return {
    name: "lost-update",
    onStep(step, view) {
      if (!step.events.some((e) => e.kind === "op" && e.obj === counter.name && e.detail === "store")) return undefined;
      byThread.set(step.thread, (byThread.get(step.thread) ?? 0) + 1);
      const made = [...byThread.values()].reduce((a, b) => a + b, 0);
      const kept = view.peek(counter);
      if (kept === made) return undefined;
      const others = [...byThread.keys()].filter((t) => t !== step.thread);
      return { message: `${made} increments made, the counter keeps ${kept}`, threads: [step.thread, ...others] };
    },
  };
}

export const racyCounter = kernelScenario({
  name: "racy-counter",
  description: "two cpus bump a counter with load + store inside critical sections, which hold off only their own cpu",
  specId: null,
  params: { rounds: param.int({ default: 3, min: 1, max: 8, description: "increments per thread" }) },
  cpus: () => 2,
  setup({ machine, params }) {
    const counter = machine.cell("counter", 0);
    const none = { reads: [], writes: [] };
    const waiter = machine.spawn({
      cpu: 1,
      name: "waiter",
      *body(k) {
        yield* k.atomic("tsleep counter", none, (tx) => tx.block("counter"));
        k.printf("waiter: the counter moved");
      },
    });
    for (const cpu of [0, 1]) {
      machine.spawn({
        cpu,
        name: `bump${cpu}`,
        *body(k) {
          for (let i = 0; i < params.rounds; i++) {
            k.critEnter();
            const v = yield* k.load(counter);
            yield* k.store(counter, v + 1);
            k.critExit();
            if (cpu === 0 && i === 0) yield* k.atomic("wakeup counter", none, (tx) => tx.schedule(waiter));
            yield* k.yieldCpu();
          }
        },
      });
    }
    return { detectors: [incrementsKept(counter)] };
  },
});
