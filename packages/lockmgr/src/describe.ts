/**
 * The locks of a machine in words, for displays of its state (a person
 * stepping a run, the browser playground's state panel): each lock's word —
 * flags, counts, holder — and its interlock. Read-only: it peeks at the
 * lock words and never makes the lockmgr registry of a machine that has
 * none.
 */
import type { MachineView } from "@kprim/machine";
import { describeFlags, LK_KERNTHREAD, LK_NOTHREAD } from "./flags.js";
import type { Lock } from "./lock.js";
import { LOCKMGR_SYSTEM } from "./system.js";

export interface LockDescription {
  readonly name: string;
  /** The interlock's kind ("token", "spin", "spin-naive", a plugin's) and name. */
  readonly interlock: string;
  /** The flag bits by name ("HAVE_EXCL|WAIT_NONZERO"; "0" for none). */
  readonly flags: string;
  readonly sharecount: number;
  readonly waitcount: number;
  readonly exclusivecount: number;
  /** The exclusive holder: a thread's name, "LK_KERNTHREAD", or null for none. */
  readonly holder: string | null;
}

export function describeLock(view: MachineView, lock: Lock): LockDescription {
  const w = view.peek(lock.cell);
  const holder =
    w.holder === LK_NOTHREAD
      ? null
      : w.holder === LK_KERNTHREAD
        ? "LK_KERNTHREAD"
        : (view.threads.find((t) => t.id === w.holder)?.name ?? `thread${w.holder}`);
  return {
    name: lock.name,
    interlock: `${lock.interlock.kind} ${lock.interlock.name}`,
    flags: describeFlags(w.flags),
    sharecount: w.sharecount,
    waitcount: w.waitcount,
    exclusivecount: w.exclusivecount,
    holder,
  };
}

/** Every lockmgr lock of the machine, in creation order ([] when it has none). */
export function describeLocks(view: MachineView): LockDescription[] {
  return (view.peekExt(LOCKMGR_SYSTEM)?.locks ?? []).map((l) => describeLock(view, l));
}
