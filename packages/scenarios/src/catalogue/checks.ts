/**
 * Small scenario-level checks shared by catalogue entries.
 */
import type { Cell, Detector } from "@kprim/machine";

/**
 * At the end of a run, `cell` must hold `expected` — e.g. every increment of
 * a protected counter landed (a lost update means the protection lapsed).
 * Judged only when every thread that must finish has finished: a run that
 * stops with threads stuck is the deadlock it is (the machine names who waits
 * on what), not a wrong final value.
 */
export function finalValue(name: string, cell: Cell<number>, expected: number, what: string): Detector {
  return {
    name,
    atQuiescence(view) {
      if (view.threads.some((t) => t.state !== "done" && !t.daemon)) return undefined;
      const got = view.peek(cell);
      return got === expected ? undefined : { message: `${what}: ${cell.name} is ${got}, expected ${expected}` };
    },
    stateKey: () => "",
    stateStamp: () => 0,
    // It keeps nothing from one step to the next: nothing to save for a restored state.
    snapshot: () => null,
    restore: () => undefined,
  };
}
