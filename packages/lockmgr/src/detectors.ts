/**
 * `lockmgr-state` (I5): a lock's flags agree with its counts and holder —
 * HAVE_EXCL ⇔ exclusivecount > 0 ⇔ holder ≠ NOTHREAD; SHARE_NONZERO ⇔
 * sharecount > 0; WAIT_NONZERO ⇔ waitcount > 0; never exclusive and shared
 * at once — checked after each step for every lock whose state changed,
 * once no thread is inside its interlock (a structural invariant guarded by
 * the interlock). At quiescence: no thread sleeps in acquire while every bit
 * it waits for is clear (liveness).
 */
import type { Detector, Finding, MachineView, StepRecord } from "@kprim/machine";
import { describeFlags, LK_HAVE_EXCL, LK_KERNTHREAD, LK_NOTHREAD, LK_SHARE_NONZERO, LK_WAIT_NONZERO } from "./flags.js";
import type { Lock, LockWord } from "./lock.js";
import { lockWait } from "./lockWait.js";
import type { LockmgrSystem } from "./system.js";

export function checkLockWord(name: string, s: Readonly<LockWord>): string | undefined {
  const excl = (s.flags & LK_HAVE_EXCL) !== 0;
  if (excl !== s.exclusivecount > 0 || excl !== (s.holder !== LK_NOTHREAD)) {
    return `${name}: HAVE_EXCL is ${excl ? "set" : "clear"} but exclusivecount is ${s.exclusivecount} and the holder is ${holderName(s.holder)}`;
  }
  if (((s.flags & LK_SHARE_NONZERO) !== 0) !== s.sharecount > 0) {
    return `${name}: SHARE_NONZERO disagrees with sharecount ${s.sharecount}`;
  }
  if (((s.flags & LK_WAIT_NONZERO) !== 0) !== s.waitcount > 0) {
    return `${name}: WAIT_NONZERO disagrees with waitcount ${s.waitcount}`;
  }
  if (excl && s.sharecount > 0) return `${name}: held exclusive and shared at once`;
  return undefined;
}

function holderName(h: number): string {
  return h === LK_NOTHREAD ? "NOTHREAD" : h === LK_KERNTHREAD ? "KERNTHREAD" : `thread ${h}`;
}

export function lockmgrState(sys: LockmgrSystem): Detector {
  const dirty = new Set<Lock>();
  let byCell: Map<number, Lock> | null = null;
  let known = 0;
  return {
    name: "lockmgr-state",
    footprints: true,
    // Locks written while a thread was inside their interlock, still to be checked.
    stateKey: () =>
      Array.from(dirty, (l) => l.cell.id)
        .sort((a, b) => a - b)
        .join(","),
    onStep(rec: StepRecord, view: MachineView): Finding | undefined {
      if (byCell === null || known !== sys.locks.length) {
        byCell = new Map(sys.locks.map((l) => [l.cell.id, l]));
        known = sys.locks.length;
      }
      for (const id of rec.writes) {
        const l = byCell.get(id);
        if (l !== undefined) dirty.add(l);
      }
      for (const l of dirty) {
        if (l.interlock.inside > 0) continue;
        dirty.delete(l);
        const bad = checkLockWord(l.name, view.peek(l.cell));
        if (bad !== undefined) return { message: bad };
      }
      return undefined;
    },
    atQuiescence(view: MachineView): Finding | undefined {
      for (const t of view.threads) {
        if (t.state !== "blocked" || t.wait?.timeout) continue;
        const w = lockWait(t as never);
        if (w.lock === null) continue;
        const flags = view.peek(w.lock.cell).flags;
        if ((flags & w.wanted) === 0) {
          return {
            message: `${t.name} sleeps in acquire on ${w.lock.name} although the bits it waits for (${describeFlags(w.wanted)}) are all clear (flags ${describeFlags(flags)})`,
            threads: [t.id],
          };
        }
      }
      return undefined;
    },
  };
}
