/**
 * lockmgr request types and flags (spec §4.2; values of the FreeBSD lineage,
 * assumed identical in DragonFly 2005). The public API is typed; the bit
 * words are exported by name for detectors, tests and replacement lockmgrs
 * that read a lock word (never write `0x400`: write `LK_HAVE_EXCL`).
 */

/** What a lockmgr call asks for. */
export type LockRequest = "shared" | "exclusive" | "upgrade" | "exclupgrade" | "downgrade" | "release" | "drain";

/** External flags of a request (persistent ones come from lockinit). */
export interface LockFlags {
  /** LK_NOWAIT: never sleep; fail with EBUSY. */
  readonly nowait?: boolean;
  /** LK_SLEEPFAIL: after any sleep, fail with ENOLCK instead of retrying. */
  readonly sleepfail?: boolean;
  /** LK_CANRECURSE: allow a recursive exclusive hold. */
  readonly canrecurse?: boolean;
  /** LK_TIMELOCK: sleep with the lock's timeout. */
  readonly timelock?: boolean;
  /** LK_NOPAUSE: historical; changes nothing observable in 2005 (spec §4.3). */
  readonly nopause?: boolean;
}

/** What `lockstatus` reports. */
export type LockStatus = "exclusive" | "exclother" | "shared" | 0;

// ---- the bit words (as in the kernel) ----------------------------------

export const LK_NOWAIT = 0x10;
export const LK_SLEEPFAIL = 0x20;
export const LK_CANRECURSE = 0x40;
export const LK_NOPAUSE = 0x01000000;
export const LK_TIMELOCK = 0x02000000;
export const LK_EXTFLG_MASK = 0x03000070;

export const LK_WANT_UPGRADE = 0x100;
export const LK_WANT_EXCL = 0x200;
export const LK_HAVE_EXCL = 0x400;
export const LK_WAITDRAIN = 0x800;
export const LK_DRAINING = 0x4000;
export const LK_SHARE_NONZERO = 0x100000;
export const LK_WAIT_NONZERO = 0x200000;
export const LK_ALL = LK_HAVE_EXCL | LK_WANT_EXCL | LK_WANT_UPGRADE | LK_SHARE_NONZERO | LK_WAIT_NONZERO;

/** Holder values that are not threads. */
export const LK_NOTHREAD = -1;
export const LK_KERNTHREAD = -2;

export function extFlags(f: LockFlags): number {
  return (
    (f.nowait ? LK_NOWAIT : 0) |
    (f.sleepfail ? LK_SLEEPFAIL : 0) |
    (f.canrecurse ? LK_CANRECURSE : 0) |
    (f.timelock ? LK_TIMELOCK : 0) |
    (f.nopause ? LK_NOPAUSE : 0)
  );
}

/** Names of the bits set in a flag word, for reports. */
export function describeFlags(flags: number): string {
  const names: [number, string][] = [
    [LK_HAVE_EXCL, "HAVE_EXCL"],
    [LK_WANT_EXCL, "WANT_EXCL"],
    [LK_WANT_UPGRADE, "WANT_UPGRADE"],
    [LK_SHARE_NONZERO, "SHARE_NONZERO"],
    [LK_WAIT_NONZERO, "WAIT_NONZERO"],
    [LK_WAITDRAIN, "WAITDRAIN"],
    [LK_DRAINING, "DRAINING"],
    [LK_CANRECURSE, "CANRECURSE"],
    [LK_NOWAIT, "NOWAIT"],
    [LK_SLEEPFAIL, "SLEEPFAIL"],
    [LK_TIMELOCK, "TIMELOCK"],
  ];
  const set = names.filter(([b]) => (flags & b) !== 0).map(([, n]) => n);
  return set.length > 0 ? set.join("|") : "0";
}
