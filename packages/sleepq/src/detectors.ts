/**
 * Sleep-queue detectors.
 *
 * `lost-wakeup` (I6). At quiescence, a thread asleep without a timeout on an
 * ident whose declared condition holds for it is a lost wakeup. The report
 * names the wakeup that fell into the window: "T sleeps on X; the wakeup of
 * X ran at step n, after T's last test of its condition and before T was
 * queued" — the window ends at T's interlock point: its tsleep_interlock
 * call when its tsleep was interlocked, else the queue insertion itself.
 * (T's last test = the last step at which T read one of the condition's cells
 * before that point.)
 *
 * `interlock-discipline` (I8). From `tsleep_interlock(X)` to the queue
 * insertion of `tsleep(X)` the thread must keep its critical section, pass no
 * blocking point and no explicit IPI-processing point (and stay on its cpu,
 * which threads here always do). Reported at the faulty step, before any
 * wakeup is lost: `tsleep_interlock` outside a critical section (R6), a
 * blocking point (R5), an IPI-processing point (R5b). Leaving the critical
 * section is how a caller abandons a sleep it no longer needs (the condition
 * came true): that is reported only if a tsleep then relies on the abandoned
 * interlock, at that tsleep, naming the step the section was left.
 */
import type { Detector, Evidence, Finding, MachineView, Renaming, StepRecord, TraceEvent } from "@kprim/machine";
import { type Ident, type SleepHash, sleepState } from "./hash.js";
import { Journal, type JournalMark } from "./journal.js";

interface Interlock {
  readonly ident: string;
  readonly step: number;
}

/** `thread:ident` for each thread in `m`, renamed, sorted (stateful search asks at every state: no arrays for none or one). */
function threadsOn(m: ReadonlyMap<number, { readonly ident: string }>, ren: Renaming): string {
  if (m.size === 0) return "";
  if (m.size === 1) for (const [t, a] of m) return `${ren.thread(t)}:${a.ident}`;
  return Array.from(m, ([t, a]) => `${ren.thread(t)}:${a.ident}`)
    .sort()
    .join(",");
}

export function interlockDiscipline(): Detector {
  /** Threads between tsleep_interlock and tsleep, still in their critical section. */
  const armed = new Map<number, Interlock>();
  /** Threads that left the critical section after interlocking (fatal only if a tsleep relies on it). */
  const tainted = new Map<number, Interlock & { readonly left: number }>();
  /** The step each thread last left its critical section (evidence only). */
  const leftCrit = new Map<number, number>();
  /** Every change to `armed` and `tainted` once a state has been saved (restoring undoes them): its version stamps the key. */
  const j = new Journal();
  /** The same for `leftCrit`, apart: it changes at every critical section left, and is not in the key. */
  const steps = new Journal();
  /** The last state key, with the renaming and the journal's version it was written at. */
  let key = "";
  let keyRen: Renaming | null = null;
  let keyVersion = -1;
  const report = (
    tid: number,
    view: MachineView,
    a: Interlock,
    what: string,
    evidence: readonly Evidence[],
  ): Finding => ({
    message: `${view.thread(tid).name} ${what} between tsleep_interlock(${a.ident}) at step ${a.step} and tsleep(${a.ident})`,
    threads: [tid],
    evidence: [{ step: a.step, thread: tid, label: `tsleep_interlock(${a.ident})`, role: "observe" }, ...evidence],
  });
  return {
    name: "interlock-discipline",
    // Which threads are armed or tainted, on which ident (the steps only go into messages);
    // kept while the maps and the renaming are the same (stateful search asks at every state).
    stateKey(ren) {
      if (ren !== keyRen || j.version !== keyVersion) {
        key = `${threadsOn(armed, ren)} / ${threadsOn(tainted, ren)}`;
        keyRen = ren;
        keyVersion = j.version;
      }
      return key;
    },
    // The journal's version: one version, one content of the two maps (a restore puts back the mark's).
    stateStamp: () => j.version,
    // Restoring states: a mark in each journal of the three maps' changes (their values are never changed in place).
    snapshot: (): readonly [JournalMark, JournalMark] => [j.mark(), steps.mark()],
    restore: (s) => {
      const [keyed, left] = s as readonly [JournalMark, JournalMark];
      j.undo(keyed);
      steps.undo(left);
    },
    onStep(rec: StepRecord, view: MachineView): Finding | undefined {
      for (const ev of rec.events) {
        const tid = ev.thread;
        if (tid < 0) continue;
        switch (ev.kind) {
          case "sleepq.interlock": {
            const crit = Number(ev.detail?.replace("crit ", "") ?? "0");
            if (crit === 0) {
              const left = leftCrit.get(tid);
              return {
                message: `${view.thread(tid).name} called tsleep_interlock(${ev.obj}) outside a critical section`,
                threads: [tid],
                evidence: [
                  ...(left !== undefined
                    ? [{ step: left, thread: tid, label: "leaves its critical section", role: "cause" } as const]
                    : []),
                  {
                    step: rec.index,
                    thread: tid,
                    label: `tsleep_interlock(${ev.obj}) outside a critical section`,
                    role: "report",
                  },
                ],
              };
            }
            j.set(armed, tid, { ident: ev.obj ?? "?", step: rec.index });
            j.delete(tainted, tid);
            break;
          }
          case "sleepq.tsleep": {
            const a = armed.get(tid);
            j.delete(armed, tid);
            const t = tainted.get(tid);
            j.delete(tainted, tid);
            const relies = ev.detail?.endsWith(" interlocked") ?? false;
            if (a !== undefined && a.ident !== ev.obj) {
              // In the order it happened: the interlock, then a tsleep on another ident.
              return {
                message: `${view.thread(tid).name} called tsleep_interlock(${a.ident}) at step ${a.step}, then slept on ${ev.obj} (tsleep(${ev.obj}) at step ${rec.index}), not on the ident it interlocked`,
                threads: [tid],
                evidence: [
                  { step: a.step, thread: tid, label: `tsleep_interlock(${a.ident})`, role: "observe" },
                  { step: rec.index, thread: tid, label: `tsleep(${ev.obj}) on another ident`, role: "report" },
                ],
              };
            }
            if (relies && a === undefined && t !== undefined && t.ident === ev.obj) {
              return {
                message: `${view.thread(tid).name} called tsleep_interlock(${t.ident}) at step ${t.step}, left its critical section at step ${t.left}, and then tsleep(${ev.obj}) at step ${rec.index} relied on the abandoned interlock`,
                threads: [tid],
                evidence: [
                  { step: t.step, thread: tid, label: `tsleep_interlock(${t.ident})`, role: "observe" },
                  { step: t.left, thread: tid, label: "leaves its critical section", role: "cause" },
                  {
                    step: rec.index,
                    thread: tid,
                    label: `tsleep(${ev.obj}) relies on the abandoned interlock`,
                    role: "report",
                  },
                ],
              };
            }
            break;
          }
          case "crit-exit": {
            if (ev.detail === "0") steps.set(leftCrit, tid, rec.index);
            const a = armed.get(tid);
            // Leaving the section abandons the interlock; harmless unless a tsleep relies on it.
            if (a !== undefined && ev.detail === "0") {
              j.delete(armed, tid);
              j.set(tainted, tid, { ...a, left: rec.index });
            }
            break;
          }
          case "block": {
            const a = armed.get(tid);
            if (a !== undefined) {
              j.delete(armed, tid);
              return report(tid, view, a, `passed a blocking point (${ev.detail ?? "?"})`, [
                {
                  step: rec.index,
                  thread: tid,
                  label: `passes a blocking point (${ev.detail ?? "?"})`,
                  role: "report",
                },
              ]);
            }
            break;
          }
          case "ipi-point": {
            const a = armed.get(tid);
            if (a !== undefined) {
              j.delete(armed, tid);
              return report(tid, view, a, `passed an explicit IPI-processing point (${ev.detail ?? "?"})`, [
                {
                  step: rec.index,
                  thread: tid,
                  label: `passes an explicit IPI-processing point (${ev.detail ?? "?"})`,
                  role: "report",
                },
              ]);
            }
            break;
          }
          default:
            break;
        }
      }
      return undefined;
    },
  };
}

/** A write to a condition cell: who, when, and the step's events (for the op's text, read only if a report needs it). */
interface CondWrite {
  step: number;
  thread: number;
  events: readonly TraceEvent[];
}

/** A wakeup of an ident, with the last write to its condition cells before it (the change it announces). */
interface WakeupRecord {
  readonly step: number;
  readonly thread: number;
  readonly change: CondWrite | undefined;
}

/** What the detector keeps of one ident's condition (evidence only). */
interface CondTrack {
  /** By thread id: the last step the thread read or updated one of the condition's cells. */
  readonly tested: number[];
  /** The last write to one of its cells (updated in place: no allocation per write). */
  write: CondWrite | null;
}

export function lostWakeup(h: SleepHash): Detector {
  /** ident name → what the detector keeps of its condition. */
  const tracks = new Map<string, CondTrack>();
  /** ident name → the wakeups of it. */
  const wakeups = new Map<string, WakeupRecord[]>();
  /** ident name → steps at which its wakeups woke someone. */
  const woken = new Map<string, number[]>();
  /** ident name → who its wakeups woke, with the step (for reports). */
  const wokenWho = new Map<string, { step: number; thread: string }[]>();
  /** thread → (ident name, step) of its last tsleep_interlock. */
  const interlocked = new Map<number, { ident: string; step: number }>();
  /** thread → step and interlocked-ness of its last queue insertion. */
  const queued = new Map<number, { ident: string; step: number; interlocked: boolean }>();
  /** Every change to what it keeps once a state has been saved (restoring undoes them). */
  const j = new Journal();
  /** By cell id: the tracks of the conditions that read it (an array: the hot path indexes it every step). */
  const condCells = (): (CondTrack[] | undefined)[] => {
    const byCell: (CondTrack[] | undefined)[] = [];
    for (const [ident, c] of h.conditions) {
      let t = tracks.get(ident.name);
      if (t === undefined) j.set(tracks, ident.name, (t = { tested: [], write: null }));
      for (const cell of c.cells) (byCell[cell.id] ??= []).push(t);
    }
    return byCell;
  };
  let cells: (CondTrack[] | undefined)[] | null = null;
  return {
    name: "lost-wakeup",
    footprints: true,
    // Whether it reports is decided by the state at quiescence; its tracks only explain.
    stateKey: () => "",
    stateStamp: () => 0,
    // Restoring states: a mark in the journal of its changes (records are never changed once pushed, but for a track's write).
    snapshot: () => j.mark(),
    restore(state) {
      const n = tracks.size;
      j.undo(state as JournalMark);
      if (tracks.size !== n) cells = null; // indexes the tracks: made again from the restored ones
    },
    onStep(rec: StepRecord): undefined {
      if (h.conditions.size === 0) return undefined;
      cells ??= condCells();
      const t = rec.thread;
      if (t >= 0) {
        for (const id of rec.reads) {
          const l = cells[id];
          if (l !== undefined) for (const c of l) j.put(c.tested, t, rec.index);
        }
      }
      for (const id of rec.writes) {
        const l = cells[id];
        if (l === undefined) continue;
        for (const c of l) {
          // A read-modify-write of a condition cell tests it too (lockmgr's acquire updates the word it tests).
          if (t >= 0) j.put(c.tested, t, rec.index);
          const w = c.write;
          // In place when nothing is journaled (the journal keeps the replaced record).
          if (w === null || j.logging) j.assign(c, "write", { step: rec.index, thread: t, events: rec.events });
          else {
            w.step = rec.index;
            w.thread = t;
            w.events = rec.events;
          }
        }
      }
      for (const ev of rec.events) {
        if (ev.kind === "sleepq.wakeup") {
          const name = ev.obj ?? "";
          let l = wakeups.get(name);
          if (l === undefined) j.set(wakeups, name, (l = []));
          const w = tracks.get(name)?.write;
          j.push(l, {
            step: rec.index,
            thread: ev.thread,
            change: w === undefined || w === null ? undefined : { ...w },
          });
        } else if (ev.kind === "sleepq.woken") {
          const name = ev.obj ?? "";
          let l = woken.get(name);
          if (l === undefined) j.set(woken, name, (l = []));
          j.push(l, rec.index);
          let who = wokenWho.get(name);
          if (who === undefined) j.set(wokenWho, name, (who = []));
          j.push(who, { step: rec.index, thread: ev.detail ?? "?" });
        } else if (ev.kind === "sleepq.interlock" && ev.thread >= 0) {
          j.set(interlocked, ev.thread, { ident: ev.obj ?? "", step: rec.index });
        } else if (ev.kind === "sleepq.tsleep" && ev.thread >= 0) {
          j.set(queued, ev.thread, {
            ident: ev.obj ?? "",
            step: rec.index,
            interlocked: ev.detail?.endsWith(" interlocked") ?? false,
          });
        }
      }
      return undefined;
    },
    atQuiescence(view: MachineView): Finding | undefined {
      for (const t of view.threads) {
        if (t.state !== "blocked" || t.wait === null || t.wait.timeout !== null) continue;
        const st = sleepState(t as never);
        const ident = st.wchan;
        if (ident === null || !st.queued) continue;
        const cond = h.conditions.get(ident);
        if (cond === undefined || !cond.holds(view, t as never)) continue;
        return explain(t.name, t.id, ident, cond.describe, view);
      }
      return undefined;
    },
  };

  function explain(who: string, tid: number, ident: Ident, cond: string, view: MachineView): Finding {
    const threadName = (id: number): string => view.thread(id).name;
    const q = queued.get(tid);
    const il = interlocked.get(tid);
    const point =
      q?.interlocked && il !== undefined && il.ident === ident.name
        ? { step: il.step, what: "its tsleep_interlock" }
        : { step: q?.step ?? 0, what: "it was queued" };
    const tested = tracks.get(ident.name)?.tested[tid];
    const missed = (wakeups.get(ident.name) ?? []).filter(
      (w) => (tested === undefined || w.step > tested) && w.step < point.step,
    );
    const head = `${who} sleeps on ${ident.name} although ${cond}`;
    const evidence: Evidence[] = [];
    if (tested !== undefined) {
      evidence.push({ step: tested, thread: tid, label: `tests ${ident.name}'s condition`, role: "observe" });
    }
    if (q !== undefined) {
      evidence.push({ step: q.step, thread: tid, label: `tsleep(${ident.name}) never returns`, role: "stuck" });
    }
    const cause = (w: WakeupRecord): void => {
      const c = w.change;
      if (c !== undefined && c.thread !== tid && (tested === undefined || c.step > tested)) {
        evidence.push({ step: c.step, thread: c.thread, label: opText(c), role: "cause" });
      }
    };
    const n = missed.at(-1);
    if (n === undefined) {
      // A wakeup after the interlock point that still did not wake it (a broken wakeup path).
      const all = wakeups.get(ident.name) ?? [];
      const late = all.filter((w) => w.step >= point.step).at(-1);
      if (late !== undefined) {
        cause(late);
        evidence.push({
          step: late.step,
          ...(late.thread >= 0 ? { thread: late.thread } : {}),
          label: `wakeup(${ident.name}) does not wake ${who}`,
          role: "missed",
        });
        // Who that wakeup did wake (up to the next wakeup of the ident): it went somewhere, not to the sleeper.
        const next = all.find((w) => w.step > late.step)?.step ?? Infinity;
        const others = [
          ...new Set(
            (wokenWho.get(ident.name) ?? []).filter((x) => x.step >= late.step && x.step < next).map((x) => x.thread),
          ),
        ];
        const by = late.thread >= 0 ? ` by ${threadName(late.thread)}` : "";
        return {
          message: `${head}: after ${point.what} (step ${point.step}), the wakeup of ${ident.name} at step ${late.step}${by} ${others.length === 0 ? "woke nobody" : `woke ${others.join(", ")}`} and never reached ${who}`,
          threads: [tid],
          evidence,
        };
      }
      return {
        message: `${head}, and no wakeup of ${ident.name} came after ${point.what} (step ${point.step})`,
        threads: [tid],
        evidence,
      };
    }
    cause(n);
    const others = (woken.get(ident.name) ?? []).filter((s) => s >= n.step && s < point.step).length;
    evidence.push({
      step: n.step,
      ...(n.thread >= 0 ? { thread: n.thread } : {}),
      label: others === 0 ? `wakeup(${ident.name}) finds nobody queued` : `wakeup(${ident.name}) misses ${who}`,
      role: "missed",
    });
    return {
      message: `${head}: the wakeup of ${ident.name} ran at step ${n.step}, after ${who}'s last test of its condition${tested !== undefined ? ` (step ${tested})` : ""} and before ${point.what} (step ${point.step})`,
      threads: [tid],
      evidence,
    };
  }
}

/** The op a condition write was part of, as its trace line shows it ("lockmgr RELEASE L"). */
function opText(w: CondWrite): string {
  const op = w.events.find((e) => e.kind === "op" && e.thread === w.thread);
  const text = op === undefined ? "" : [op.obj, op.detail].filter((x) => x !== undefined && x !== "").join(" ");
  return text === "" ? "changes the condition" : text;
}
