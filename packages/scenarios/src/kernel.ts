/**
 * The Kernel composition: the layers a scenario is written against. A
 * scenario never imports a layer's implementation directly; it takes the one
 * the composition holds, so a plugin can replace any one layer and the whole
 * catalogue runs with the replacement.
 *
 * The layers join this composition as their packages land (spinlock, token,
 * sleepq, interlock, buf).
 */
import type { RunOptions } from "./options.js";

export interface Kernel {
  /** The options this kernel was composed for. */
  readonly options: RunOptions;
}

/** Compose the kernel for a run's options. */
export function composeKernel(options: RunOptions): Kernel {
  return { options };
}
