/**
 * Variant options: the layer choices a run is composed from. A matrix
 * variant fixes interlock, tokenMode, outer and lockmgr; further options
 * (added by the layers as they land) tune one layer. Every value is checked
 * here, so a bad `--option` is a one-line error.
 */
import { nearest, ParamError } from "@kprim/machine";
import { VARIANT_NAMES, type VariantOptions, variantOptions } from "./matrix.js";

export interface OptionSpec {
  readonly values: readonly string[] | "any";
  readonly description: string;
}

/** Known option keys. Layers that add options register them here. */
export const OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  spinWait: {
    values: ["rev1.1", "rev1.3"],
    description:
      "a contended spin_lock: busy-wait processing nothing (kern_spinlock.c rev 1.1, default) or also run IPIs (rev 1.3, 2006)",
  },
  interlock: { values: "any", description: "lockmgr/buffer interlock: token, spin, spin-naive, or one a plugin adds" },
  tokenMode: {
    values: ["yield", "spin2005"],
    description: "2005 token contention: yield (blocking point) or spin2005 (rev 1.18 spin)",
  },
  tokenRelease: {
    values: ["rev1.18", "ack-queued"],
    description:
      "what a token release does with requests queued on its cpu: leave them for the next drain (rev 1.18, default) or acknowledge them at once",
  },
  outer: { values: ["mplock", "none"], description: "buffer-cache paths under the MP lock, or not" },
  lockmgr: { values: ["2005", "2008"], description: "lockmgr semantics" },
  lockmgrWakeups: {
    values: ["held", "after-release"],
    description:
      "where lockmgr issues a request's closing wakeups: with the interlock held (rev 1.13, default) or right after releasing it (later DragonFly)",
  },
  bufChecks: {
    values: ["rev1.52", "freebsd4", "no-check"],
    description: "getnewbuf's race checks: the two rev 1.52 warnings (default), a FreeBSD 4 panic, or none",
  },
  getblkCheck: {
    values: ["none", "identity"],
    description:
      "getblk after locking a hit: trust the lookup (2005, default) or re-validate the buffer's identity (later DragonFly)",
  },
  getnewbufSleep: {
    values: ["tick", "none"],
    description:
      "after getnewbuf's 'locked buf' warning: sleep a tick on bd_request before restarting (default) or restart at once",
  },
  splbio: {
    values: ["none", "crit"],
    description: "splbio in the buffer-cache paths: nothing (default) or a critical section",
  },
  bufInterlock: {
    values: ["variant", "token"],
    description: "BUF_LOCK's own interlock: the variant's interlock (default) or buftimetoken kept as a token",
  },
  wakeup: {
    values: ["chain", "multicast"],
    description: "how a wakeup reaches other cpus: a chain of IPIs (default) or one IPI per cpu",
  },
};

/** The options a run uses: its variant's, then the overrides. */
export type RunOptions = VariantOptions & Readonly<Record<string, string>>;

export const DEFAULT_VARIANT = "SPIN+TI";

export function resolveOptions(variant: string, overrides: Readonly<Record<string, string>> = {}): RunOptions {
  if (!VARIANT_NAMES.includes(variant)) {
    const near = nearest(variant, VARIANT_NAMES);
    throw new ParamError(
      `unknown variant "${variant}"${near ? ` (did you mean "${near}"?)` : ""}; variants: ${VARIANT_NAMES.join(", ")}`,
    );
  }
  for (const [key, value] of Object.entries(overrides)) {
    const spec = OPTION_SPECS[key];
    if (spec === undefined) {
      const near = nearest(key, Object.keys(OPTION_SPECS));
      throw new ParamError(
        `unknown option "${key}"${near ? ` (did you mean "${near}"?)` : ""}; options: ${Object.keys(OPTION_SPECS).join(", ")}`,
      );
    }
    if (spec.values !== "any" && !spec.values.includes(value)) {
      const near = nearest(value, spec.values);
      throw new ParamError(
        `option ${key} must be one of ${spec.values.join(", ")}, got "${value}"${near ? ` (did you mean "${near}"?)` : ""}`,
      );
    }
  }
  return { ...variantOptions(variant), ...overrides } as RunOptions;
}
