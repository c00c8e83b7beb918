// Test kit: explorer factories for hand-built machines, and a detector that
// checks a final counter.
import type { MachineFactory } from "@kprim/explore";
import { createMachine, type Cell, type Detector, type Machine } from "@kprim/machine";

/** A fresh machine per execution, set up by `setup` (deterministic). */
export function factory(cpus: number, setup: (m: Machine) => void): MachineFactory {
  return (req) => {
    const m = createMachine({
      cpus,
      strategy: req.strategy,
      ...(req.recordFootprints !== undefined ? { recordFootprints: req.recordFootprints } : {}),
      ...(req.maxSteps !== undefined ? { maxSteps: req.maxSteps } : {}),
      ...(req.detectors ? { detectors: req.detectors } : {}),
      ...(req.trace !== undefined ? { trace: req.trace } : {}),
    });
    setup(m);
    return m;
  };
}

/** At quiescence, `cell` must hold `expected` (a violation named `final-count` otherwise). */
export function finalCount(cell: Cell<number>, expected: number): Detector {
  return {
    name: "final-count",
    atQuiescence(view) {
      const v = view.peek(cell);
      return v === expected ? undefined : { message: `the counter is ${v}, not ${expected}` };
    },
  };
}
