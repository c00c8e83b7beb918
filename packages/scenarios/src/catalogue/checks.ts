/**
 * Small scenario-level checks shared by catalogue entries.
 */
import type { Cell, Detector } from "@kprim/machine";

/**
 * At the end of a run, `cell` must hold `expected` — e.g. every increment of
 * a protected counter landed (a lost update means the protection lapsed).
 */
export function finalValue(name: string, cell: Cell<number>, expected: number, what: string): Detector {
  return {
    name,
    atQuiescence(view) {
      const got = view.peek(cell);
      return got === expected ? undefined : { message: `${what}: ${cell.name} is ${got}, expected ${expected}` };
    },
    stateKey: () => "",
  };
}
