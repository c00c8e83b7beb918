/**
 * The read-only view of a machine that strategies and detectors get.
 */
import type { Cell } from "./cell.js";
import type { Choice } from "./choice.js";
import type { CostTable } from "./cost.js";
import type { Cpu } from "./cpu.js";
import type { Extension } from "./extension.js";
import type { Thread } from "./thread.js";
import type { ConsoleLine } from "./trace.js";

export interface MachineView {
  readonly ncpus: number;
  /** Steps taken so far (the step being chosen is `step + 1`). */
  readonly step: number;
  readonly cost: CostTable;
  readonly cpus: readonly Readonly<Cpu>[];
  readonly threads: readonly Readonly<Thread>[];
  thread(id: number): Readonly<Thread>;
  /** Read a cell without recording an access (observers only). */
  peek<T>(cell: Cell<T>): T;
  /** The simulated time at which a choice would happen (the timed strategy orders by it). */
  choiceTime(choice: Choice): number;
  /** "cpu0: step T_w (spin_lock L)" */
  describeChoice(choice: Choice): string;
  readonly console: readonly ConsoleLine[];
  /** A layer's per-machine state. */
  ext<T>(e: Extension<T>): T;
  /** A layer's per-machine state if the layer has made it, else undefined: never makes it (observers, such as a state display). */
  peekExt<T>(e: Extension<T>): T | undefined;
}
