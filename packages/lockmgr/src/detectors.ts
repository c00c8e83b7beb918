/**
 * `lockmgr-state` (I5): a lock's flags agree with its counts and holder —
 * HAVE_EXCL ⇔ exclusivecount > 0 ⇔ holder ≠ NOTHREAD; SHARE_NONZERO ⇔
 * sharecount > 0; WAIT_NONZERO ⇔ waitcount > 0; never exclusive and shared
 * at once — checked after each step for every lock whose state changed,
 * once no thread is inside its interlock (a structural invariant guarded by
 * the interlock). A lock written while a thread is inside is kept to check
 * only while its word is inconsistent: a consistent one would pass the
 * later check unless written again, and a write marks it anew — so what the
 * detector keeps does not depend on whether a write that leaves the word
 * consistent (BUF_KERNPROC's, made without the interlock) came before or
 * after another thread entered the interlock, two steps that commute.
 * At quiescence: no thread sleeps in acquire while every bit
 * it waits for is clear (liveness) — its evidence is the sleeper's last test
 * of the word and the other thread's last write to it (the release).
 *
 * It also explains lockmgr's panics after a traced run (evidence.ts).
 */
import type { Detector, Evidence, Finding, MachineView, StepRecord, TraceEvent } from "@kprim/machine";
import { explainLockmgrPanic } from "./evidence.js";
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

/** A write to a lock word: who, when, and the step's events (for the op's text, read only for a report). */
interface WordWrite {
  readonly step: number;
  readonly thread: number;
  readonly events: readonly TraceEvent[];
}

/** Evidence only, per lock: its flags after its last write, the last write that cleared each bit, each thread's last write. */
interface LockHistory {
  readonly lock: Lock;
  flags: number;
  readonly clears: Map<number, WordWrite>;
  /** By thread id (-1: none). */
  readonly own: number[];
}

/** The lockmgr-state detector's state by content (`snapshot`). */
interface LockmgrStateSave {
  readonly dirty: readonly Lock[];
  readonly history: readonly {
    readonly h: LockHistory;
    readonly flags: number;
    readonly clears: readonly (readonly [number, WordWrite])[];
    readonly own: readonly number[];
  }[];
  readonly known: number;
}

export function lockmgrState(sys: LockmgrSystem): Detector {
  const dirty = new Set<Lock>();
  const history = new Map<Lock, LockHistory>();
  /** By cell id (an array: the hot path indexes it every step). */
  let byCell: (LockHistory | undefined)[] | null = null;
  let known = 0;
  return {
    name: "lockmgr-state",
    footprints: true,
    // Locks written while a thread was inside their interlock, inconsistent, still to be checked.
    stateKey: () =>
      Array.from(dirty, (l) => l.cell.id)
        .sort((a, b) => a - b)
        .join(","),
    // Its state by content, written back into the same set, map and histories.
    snapshot: (): LockmgrStateSave => ({
      dirty: [...dirty],
      history: Array.from(history.values(), (h) => ({ h, flags: h.flags, clears: [...h.clears], own: h.own.slice() })),
      known,
    }),
    restore(state) {
      const s = state as LockmgrStateSave;
      dirty.clear();
      for (const l of s.dirty) dirty.add(l);
      history.clear();
      for (const { h, flags, clears, own } of s.history) {
        history.set(h.lock, h);
        h.flags = flags;
        h.clears.clear();
        for (const [bit, w] of clears) h.clears.set(bit, w);
        h.own.length = 0;
        h.own.push(...own);
      }
      // Indexes the histories: made again from the restored ones.
      byCell = null;
      known = s.known;
    },
    // A run on a machine reset to its set-up state starts from nothing seen.
    reset() {
      dirty.clear();
      history.clear();
      byCell = null;
      known = 0;
    },
    onStep(rec: StepRecord, view: MachineView): Finding | undefined {
      if (byCell === null || known !== sys.locks.length) {
        for (const l of sys.locks) {
          if (!history.has(l)) history.set(l, { lock: l, flags: view.peek(l.cell).flags, clears: new Map(), own: [] });
        }
        byCell = [];
        for (const h of history.values()) byCell[h.lock.cell.id] = h;
        known = sys.locks.length;
      }
      for (const id of rec.writes) {
        const h = byCell[id];
        if (h === undefined) continue;
        dirty.add(h.lock);
        const flags = view.peek(h.lock.cell).flags;
        const cleared = h.flags & ~flags;
        h.flags = flags;
        if (cleared !== 0) {
          const w: WordWrite = { step: rec.index, thread: rec.thread, events: rec.events };
          for (let rest = cleared; rest !== 0; rest &= rest - 1) h.clears.set(rest & -rest, w);
        }
        if (rec.thread >= 0) h.own[rec.thread] = rec.index;
      }
      for (const l of dirty) {
        const bad = checkLockWord(l.name, view.peek(l.cell));
        // Consistent now: a check once nobody is inside would see this word again (a write marks it anew).
        if (bad === undefined || l.interlock.inside === 0) dirty.delete(l);
        if (bad !== undefined && l.interlock.inside === 0) {
          return { message: bad, evidence: [{ step: rec.index, thread: rec.thread, label: bad, role: "report" }] };
        }
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
          const evidence: Evidence[] = [];
          const h = history.get(w.lock);
          const tested = h?.own[t.id];
          if (tested !== undefined) {
            evidence.push({ step: tested, thread: t.id, label: `tests ${w.lock.name}'s condition`, role: "observe" });
          }
          // The last write that cleared one of the bits it waits for (the release).
          let last: WordWrite | undefined;
          for (const [bit, write] of h?.clears ?? []) {
            if ((bit & w.wanted) !== 0 && (last === undefined || write.step > last.step)) last = write;
          }
          if (last !== undefined && last.thread !== t.id) {
            evidence.push({ step: last.step, thread: last.thread, label: opText(last), role: "cause" });
          }
          return {
            message: `${t.name} sleeps in acquire on ${w.lock.name} although the bits it waits for (${describeFlags(w.wanted)}) are all clear (flags ${describeFlags(flags)})`,
            threads: [t.id],
            evidence,
          };
        }
      }
      return undefined;
    },
    explain: (what, trace, view) =>
      what.kind === "panic" ? explainLockmgrPanic(what.outcome, trace, view) : undefined,
  };
}

/** The op a write was part of, as its trace line shows it ("lockmgr RELEASE L"). */
function opText(w: WordWrite): string {
  const op = w.events.find((e) => e.kind === "op" && e.thread === w.thread);
  const text = op === undefined ? "" : [op.obj, op.detail].filter((x) => x !== undefined && x !== "").join(" ");
  return text === "" ? "writes the lock" : text;
}
