/**
 * The Kernel composition: the layers a scenario is written against. A
 * scenario never imports a layer's implementation directly; it uses the one
 * the composition holds, so a plugin can replace any one layer and the whole
 * catalogue runs with the replacement.
 */
import { type BufLayer, bufLayer } from "@kprim/buf";
import { nearest, ParamError } from "@kprim/machine";
import {
  builtinInterlocks,
  type InterlockDeps,
  type InterlockKind,
  type LockmgrLayer,
  lockmgrLayer,
} from "@kprim/lockmgr";
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
  /** lockmgr itself: every lockmgr lock of a run is made and used through it. */
  readonly lockmgr: LockmgrLayer;
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
    spinlock: overrides.spinlock
      ? configured("spinlock", overrides.spinlock, options)
      : spinlockLayerWith((options["spinWait"] as SpinWait | undefined) ?? "rev1.1"),
    token: overrides.token
      ? configured("token", overrides.token, options)
      : tokenLayer(options.tokenMode, (options["tokenRelease"] as TokenRelease | undefined) ?? "rev1.18"),
    sleepq: overrides.sleepq
      ? configured("sleepq", overrides.sleepq, options)
      : sleepqLayer((options["wakeup"] as WakeupForm | undefined) ?? "chain"),
    interlock,
    lockmgr: overrides.lockmgr ?? lockmgrLayer,
    buf: overrides.buf ?? bufLayer,
  };
}

/**
 * The options that configure a built-in layer, each with what a replacement
 * says of itself (its value for the option, when it declares one) and the
 * built-in default.
 */
const LAYER_OPTIONS: Readonly<
  Record<"spinlock" | "token" | "sleepq", readonly { key: string; prop: string; fallback: string }[]>
> = {
  spinlock: [{ key: "spinWait", prop: "wait", fallback: "rev1.1" }],
  token: [
    { key: "tokenMode", prop: "mode", fallback: "yield" },
    { key: "tokenRelease", prop: "releaseMode", fallback: "rev1.18" },
  ],
  sleepq: [{ key: "wakeup", prop: "form", fallback: "chain" }],
};

interface Configurable<L> {
  readonly name: string;
  configure?(options: Readonly<Record<string, string>>): L;
}

/**
 * A replacement layer with the run's options for its kind applied
 * (`configure`), or — a layer that cannot take them — a one-line ParamError
 * for the first option the run sets to something the layer is not. (The
 * options stay in the header, so a run never claims a configuration it did
 * not have.)
 */
function configured<K extends keyof typeof LAYER_OPTIONS, L extends Configurable<L>>(
  kind: K,
  layer: L,
  options: RunOptions,
): L {
  if (layer.configure !== undefined) return layer.configure(options);
  for (const o of LAYER_OPTIONS[kind]) {
    const want = options[o.key];
    if (want === undefined) continue;
    const own = (layer as unknown as Record<string, unknown>)[o.prop];
    const have = typeof own === "string" ? own : o.fallback;
    if (want !== have) {
      throw new ParamError(
        `option ${o.key}=${want} configures the built-in ${kind} layer, but the ${kind} layer in place is "${layer.name}" (${o.key}=${have}), which cannot apply it (no configure): leave the option out or use a variant without it`,
      );
    }
  }
  return layer;
}

/** The layers an interlock (and lockmgr, and what is built on lockmgr) is built from. */
export function interlockDeps(kernel: Kernel): InterlockDeps {
  return { spinlock: kernel.spinlock, token: kernel.token, sleepq: kernel.sleepq, lockmgr: kernel.lockmgr };
}
