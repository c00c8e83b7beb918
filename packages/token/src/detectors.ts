/**
 * Token detectors.
 *
 * `token-exclusion` (I9): among running threads, a token is held only by
 * threads of its owner cpu. A thread inside a contended acquire is exempt:
 * its tokens may be granted away there (spec §2.3) — that is exactly what
 * `stale-read` watches for.
 *
 * `stale-read` (R8): a write to token-protected data that depends on a read
 * older than the writer's last blocking point (a switch-out, or a contended
 * token acquisition, where held tokens are granted away) while the data
 * changed in between. "Depends on" is approximated as: the thread last read
 * that cell before its last blocking point and has not read it again since.
 * Code that re-reads after every blocking point (G5) is not flagged, and a
 * read and a write in one step are an atomic update, never stale.
 */
import type { Detector, Finding, MachineView, StepRecord } from "@kprim/machine";
import { type TokenSystem, toks } from "./state.js";

export function tokenExclusion(): Detector {
  return {
    name: "token-exclusion",
    stateKey: () => "",
    // It keeps nothing from one step to the next: nothing to save for a restored state.
    snapshot: () => null,
    restore: () => undefined,
    onStep(_rec: StepRecord, view: MachineView): Finding | undefined {
      for (const cpu of view.cpus) {
        const t = cpu.current;
        if (t === null || t.state !== "running") continue;
        const mine = toks(t as never);
        if (mine.acquiring) continue;
        for (const ref of mine.refs) {
          const owner = view.peek(ref.tok.cell).cpu;
          if (owner !== cpu.index) {
            return {
              message: `${t.name} runs on cpu${cpu.index} holding token ${ref.tok.name}, which cpu${owner} owns`,
              threads: [t.id],
              evidence: [
                {
                  step: view.step,
                  thread: t.id,
                  label: `runs holding token ${ref.tok.name}, owned by cpu${owner}`,
                  role: "report",
                },
              ],
            };
          }
        }
      }
      return undefined;
    },
  };
}

interface ReadMark {
  readonly epoch: number;
  readonly version: number;
  readonly step: number;
}

export function staleRead(sys: TokenSystem): Detector {
  const epoch = new Map<number, number>();
  const lastBlock = new Map<number, number>();
  /** What each thread's last blocking point was (evidence only). */
  const blockWhy = new Map<number, string>();
  const version = new Map<number, number>();
  const lastWriter = new Map<number, { thread: number; step: number }>();
  const reads = new Map<number, Map<number, ReadMark>>();
  return {
    name: "stale-read",
    footprints: true,
    /**
     * What decides later findings: for each read a thread still holds, whether
     * it has blocked since and whether the cell was written since (epochs and
     * versions only grow, so these never change back), and each protected
     * cell's last writer. Step numbers only go into messages.
     */
    stateKey(ren) {
      const parts: string[] = [];
      for (const [t, mine] of reads) {
        const e = epoch.get(t) ?? 0;
        for (const [id, m] of mine) {
          parts.push(
            `${ren.thread(t)}:${id}:${m.epoch < e ? "B" : "-"}${m.version !== (version.get(id) ?? 0) ? "W" : "-"}`,
          );
        }
      }
      for (const [id, w] of lastWriter) parts.push(`w${id}:${ren.thread(w.thread)}`);
      return parts.sort().join(",");
    },
    // Its maps by content (their values are replaced, never changed in place), written back into the same maps.
    snapshot: (): StaleReadSave => ({
      epoch: [...epoch],
      lastBlock: [...lastBlock],
      blockWhy: [...blockWhy],
      version: [...version],
      lastWriter: [...lastWriter],
      reads: Array.from(reads, ([t, mine]) => [t, [...mine]] as const),
    }),
    restore(state) {
      const s = state as StaleReadSave;
      refill(epoch, s.epoch);
      refill(lastBlock, s.lastBlock);
      refill(blockWhy, s.blockWhy);
      refill(version, s.version);
      refill(lastWriter, s.lastWriter);
      reads.clear();
      for (const [t, mine] of s.reads) reads.set(t, new Map(mine));
    },
    // A run on a machine reset to its set-up state starts from nothing seen.
    reset() {
      for (const m of [epoch, lastBlock, blockWhy, version, lastWriter, reads] as Map<number, unknown>[]) m.clear();
    },
    onStep(rec: StepRecord, view: MachineView): Finding | undefined {
      if (sys.protectedBy.size === 0) return undefined;
      let finding: Finding | undefined;
      const t = rec.thread;
      if (t >= 0) {
        const e = epoch.get(t) ?? 0;
        let mine = reads.get(t);
        for (const id of rec.reads) {
          if (!sys.protectedBy.has(id)) continue;
          if (mine === undefined) reads.set(t, (mine = new Map()));
          mine.set(id, { epoch: e, version: version.get(id) ?? 0, step: rec.index });
        }
        for (const id of rec.writes) {
          if (!sys.protectedBy.has(id)) continue;
          const mark = mine?.get(id);
          const v = version.get(id) ?? 0;
          if (
            finding === undefined &&
            mark !== undefined &&
            mark.epoch < e &&
            mark.version !== v &&
            !rec.reads.includes(id)
          ) {
            const name = sys.protectedBy.get(id)!.name;
            const w = lastWriter.get(id);
            const who = view.thread(t).name;
            const blocked = lastBlock.get(t);
            finding = {
              message:
                `${who} writes ${name} (protected by token ${sys.protectedBy.get(id)!.token.name}) from a read at step ${mark.step}, ` +
                `before its blocking point at step ${blocked}; ${name} was written meanwhile` +
                (w ? ` at step ${w.step} by ${view.thread(w.thread).name}` : ""),
              threads: w ? [t, w.thread] : [t],
              evidence: [
                { step: mark.step, thread: t, label: `reads ${name}`, role: "observe" },
                ...(blocked !== undefined
                  ? [{ step: blocked, thread: t, label: `blocks (${blockWhy.get(t) ?? "?"})`, role: "cause" } as const]
                  : []),
                ...(w ? [{ step: w.step, thread: w.thread, label: `writes ${name}`, role: "cause" } as const] : []),
                {
                  step: rec.index,
                  thread: t,
                  label: `writes ${name} from its read at step ${mark.step}`,
                  role: "report",
                },
              ],
            };
          }
        }
      }
      for (const id of rec.writes) {
        if (!sys.protectedBy.has(id)) continue;
        version.set(id, (version.get(id) ?? 0) + 1);
        if (t >= 0) lastWriter.set(id, { thread: t, step: rec.index });
        if (t >= 0) mineUpdate(reads, t, id, epoch.get(t) ?? 0, version.get(id)!, rec.index);
      }
      for (const ev of rec.events) {
        if ((ev.kind === "block" || ev.kind === "token.contended") && ev.thread >= 0) {
          epoch.set(ev.thread, (epoch.get(ev.thread) ?? 0) + 1);
          lastBlock.set(ev.thread, rec.index);
          blockWhy.set(ev.thread, ev.kind === "block" ? (ev.detail ?? "") : `${ev.obj ?? "?"} contended`);
        }
      }
      return finding;
    },
  };
}

/** The stale-read detector's state by content (`snapshot`). */
interface StaleReadSave {
  readonly epoch: readonly (readonly [number, number])[];
  readonly lastBlock: readonly (readonly [number, number])[];
  readonly blockWhy: readonly (readonly [number, string])[];
  readonly version: readonly (readonly [number, number])[];
  readonly lastWriter: readonly (readonly [number, { thread: number; step: number }])[];
  readonly reads: readonly (readonly [number, readonly (readonly [number, ReadMark])[]])[];
}

function refill<K, V>(m: Map<K, V>, entries: readonly (readonly [K, V])[]): void {
  m.clear();
  for (const [k, v] of entries) m.set(k, v);
}

/** After its own write, a thread's view of the cell is current. */
function mineUpdate(
  reads: Map<number, Map<number, ReadMark>>,
  t: number,
  id: number,
  e: number,
  v: number,
  step: number,
): void {
  let mine = reads.get(t);
  if (mine === undefined) reads.set(t, (mine = new Map()));
  mine.set(id, { epoch: e, version: v, step });
}
