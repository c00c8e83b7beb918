/**
 * The Kernel composition: the layers a scenario is written against. A
 * scenario never imports a layer's implementation directly; it uses the one
 * the composition holds, so a plugin can replace any one layer and the whole
 * catalogue runs with the replacement.
 */
import { type SleepqLayer, sleepqLayer, type WakeupForm } from "@kprim/sleepq";
import { type SpinlockLayer, spinlockLayer } from "@kprim/spinlock";
import { type TokenLayer, tokenLayer } from "@kprim/token";
import type { RunOptions } from "./options.js";

export interface Kernel {
  /** The options this kernel was composed for. */
  readonly options: RunOptions;
  readonly spinlock: SpinlockLayer;
  readonly token: TokenLayer;
  readonly sleepq: SleepqLayer;
}

/** Layers a plugin (or a test) puts in place of the defaults. */
export type KernelOverrides = Partial<Omit<Kernel, "options">>;

/** Compose the kernel for a run's options. */
export function composeKernel(options: RunOptions, overrides: KernelOverrides = {}): Kernel {
  return {
    options,
    spinlock: overrides.spinlock ?? spinlockLayer,
    token: overrides.token ?? tokenLayer(options.tokenMode),
    sleepq: overrides.sleepq ?? sleepqLayer((options["wakeup"] as WakeupForm | undefined) ?? "chain"),
  };
}
