/**
 * The strategy contract: given the enabled choices (never empty) and a
 * read-only view of the machine, return the index of the choice to take.
 * One decision per call; replaying a recorded prefix is the driver's job.
 * A strategy object serves one run.
 */
import type { Choice } from "./choice.js";
import type { MachineView } from "./view.js";

export interface Strategy {
  readonly name: string;
  choose(choices: readonly Choice[], view: MachineView): number;
  /** Called once when the run ends (a replay checks it used the whole schedule). */
  end?(view: MachineView): void;
}
