/**
 * The Kernel composition: the layers a scenario is written against. A
 * scenario never imports a layer's implementation directly; it uses the one
 * the composition holds, so a plugin can replace any one layer and the whole
 * catalogue runs with the replacement.
 */
import { type BufLayer, bufLayer } from "@kprim/buf";
import { nearest, ParamError } from "@kprim/machine";
import { builtinInterlocks, type InterlockDeps, type InterlockKind } from "@kprim/lockmgr";
import { type SleepqLayer, sleepqLayer, type WakeupForm } from "@kprim/sleepq";
import { type SpinlockLayer, spinlockLayerWith, type SpinWait } from "@kprim/spinlock";
import { type TokenLayer, tokenLayer, type TokenRelease } from "@kprim/token";
import type { RunOptions } from "./options.js";

export interface Kernel {
  /** The options this kernel was composed for. */
  readonly options: RunOptions;
  readonly spinlock: SpinlockLayer;
  readonly token: TokenLayer;
  readonly sleepq: SleepqLayer;
  /** The lockmgr (and buffer) interlock of the variant. */
  readonly interlock: InterlockKind;
  readonly buf: BufLayer;
}

/** Layers a plugin (or a test) puts in place of the defaults; `interlocks` adds choosable interlocks. */
export interface KernelOverrides extends Partial<Omit<Kernel, "options">> {
  readonly interlocks?: Readonly<Record<string, InterlockKind>>;
}

/** Compose the kernel for a run's options. */
export function composeKernel(options: RunOptions, overrides: KernelOverrides = {}): Kernel {
  const interlocks = { ...builtinInterlocks, ...overrides.interlocks };
  const interlock = overrides.interlock ?? interlocks[options.interlock];
  if (interlock === undefined) {
    const names = Object.keys(interlocks);
    const near = nearest(options.interlock, names);
    throw new ParamError(
      `unknown interlock "${options.interlock}"${near ? ` (did you mean "${near}"?)` : ""}; interlocks: ${names.join(", ")}`,
    );
  }
  return {
    options,
    spinlock: overrides.spinlock ?? spinlockLayerWith((options["spinWait"] as SpinWait | undefined) ?? "rev1.1"),
    token:
      overrides.token ??
      tokenLayer(options.tokenMode, (options["tokenRelease"] as TokenRelease | undefined) ?? "rev1.18"),
    sleepq: overrides.sleepq ?? sleepqLayer((options["wakeup"] as WakeupForm | undefined) ?? "chain"),
    interlock,
    buf: overrides.buf ?? bufLayer,
  };
}

/** The layers an interlock (and lockmgr) is built from. */
export function interlockDeps(kernel: Kernel): InterlockDeps {
  return { spinlock: kernel.spinlock, token: kernel.token, sleepq: kernel.sleepq };
}
