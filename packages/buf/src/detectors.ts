/**
 * Buffer-cache detectors (spec §7.3).
 *
 * `getnewbuf-result` (I1): the buffer getnewbuf returns is exclusively
 * locked by the caller (holder = caller, exclusivecount 1, sharecount 0), on
 * no queue (b_qindex NONE, linked nowhere), not B_DELWRI, with no identity
 * and not hashed.
 *
 * `queue-consistency` (I2): a buffer is linked on queue q iff its b_qindex
 * is q, and never on two — checked after each step that changed a buffer or
 * a queue (queue updates are single steps, so no thread is ever inside one
 * at a step boundary).
 *
 * `misdirected-write` (the getblk-side twin of I3): a thread writes into a
 * buffer getblk(vp, blkno) returned to it only data for block (vp, blkno).
 * The 2005 getblk trusts its lookup once the lock is held; if getnewbuf
 * reused the buffer for another block while getblk's BUF_LOCK blocked, the
 * caller's delayed write lands in that other block's buffer. (A getblk that
 * returns such a buffer is an observation — the `buf.getblk` event says
 * which block the buffer holds — and the write is the harm, as the dirty
 * reuse is for getnewbuf's twin.)
 *
 * `dirty-reuse` (I3): getnewbuf never strips the identity of a B_DELWRI
 * buffer (its delayed write would be lost), and no B_DELWRI buffer sits on
 * CLEAN, EMPTY or EMPTYKVA.
 *
 * After a traced run, `getnewbuf-result` also explains getnewbuf's warnings,
 * its FreeBSD 4 panic and `dirty-reuse` reports (evidence.ts).
 */
import type { Detector, Finding, MachineView, StepRecord } from "@kprim/machine";
import { explainGetnewbuf } from "./evidence.js";
import { B_DELWRI, type BufCache, QUEUE_CLEAN, QUEUE_EMPTY, QUEUE_EMPTYKVA, QUEUE_NAMES, QUEUE_NONE } from "./types.js";

export function getnewbufResult(cache: BufCache): Detector {
  const byId = new Map(cache.bufs.map((b) => [b.id, b]));
  return {
    name: "getnewbuf-result",
    // Judges each step on its own: nothing carried from one step to the next.
    stateKey: () => "",
    // It keeps nothing from one step to the next: nothing to save for a restored state.
    snapshot: () => null,
    restore: () => undefined,
    onStep(rec: StepRecord, view: MachineView): Finding | undefined {
      for (const ev of rec.events) {
        if (ev.kind !== "buf.getnewbuf" || ev.obj === undefined || ev.obj === "none") continue;
        const bp = byId.get(ev.obj)!;
        const b = view.peek(bp.cell);
        const l = view.peek(bp.lock.cell);
        const who = view.thread(ev.thread).name;
        const problems: string[] = [];
        if (l.holder !== ev.thread || l.exclusivecount !== 1 || l.sharecount !== 0)
          problems.push("not exclusively locked by the caller");
        if (b.qindex !== QUEUE_NONE) problems.push(`b_qindex is ${QUEUE_NAMES[b.qindex]}`);
        if (cache.queues.some((q) => view.peek(q).includes(bp.index))) problems.push("still linked on a queue");
        if ((b.flags & B_DELWRI) !== 0) problems.push("B_DELWRI set");
        if (b.vp !== null) problems.push("still has a vnode");
        if (Object.values(view.peek(cache.hash)).includes(bp.index)) problems.push("still hashed");
        if (problems.length > 0) {
          return { message: `getnewbuf returned ${bp.id} to ${who}: ${problems.join(", ")}`, threads: [ev.thread] };
        }
      }
      return undefined;
    },
    explain: explainGetnewbuf,
  };
}

export function misdirectedWrite(cache: BufCache): Detector {
  const byId = new Map(cache.bufs.map((b) => [b.id, b]));
  /** thread → buffer → the block getblk was asked for when it returned that buffer. */
  const asked = new Map<number, Map<string, string>>();
  return {
    name: "misdirected-write",
    // Which thread believes which buffer holds which block (decides later findings).
    stateKey: (ren) =>
      Array.from(asked, ([t, m]) => `${ren.thread(t)}:${Array.from(m, ([b, key]) => `${b}=${key}`).join("+")}`)
        .sort()
        .join(","),
    // Restoring states: a copy of the beliefs (each thread's map copied).
    snapshot: () => new Map(Array.from(asked, ([t, m]) => [t, new Map(m)] as const)),
    restore(s) {
      asked.clear();
      for (const [t, m] of s as Map<number, Map<string, string>>) asked.set(t, new Map(m));
    },
    onStep(rec: StepRecord, view: MachineView): Finding | undefined {
      for (const ev of rec.events) {
        if (ev.obj === undefined || ev.thread < 0) continue;
        if (ev.kind === "buf.getblk") {
          let m = asked.get(ev.thread);
          if (m === undefined) asked.set(ev.thread, (m = new Map()));
          m.set(ev.obj, ev.detail ?? "");
        } else if (ev.kind === "buf.release") {
          asked.get(ev.thread)?.delete(ev.obj);
          if (asked.get(ev.thread)?.size === 0) asked.delete(ev.thread);
        } else if (ev.kind === "buf.write") {
          const key = asked.get(ev.thread)?.get(ev.obj);
          if (key === undefined) continue;
          const b = view.peek(byId.get(ev.obj)!.cell);
          const has = b.vp !== null && b.lblkno !== null ? `${b.vp}:${b.lblkno}` : "no block";
          if (has !== key) {
            return {
              message: `${view.thread(ev.thread).name} writes its data for block ${key} into ${ev.obj}, which holds block ${has}: getblk returned a buffer that was reused while its BUF_LOCK blocked`,
              threads: [ev.thread],
            };
          }
        }
      }
      return undefined;
    },
  };
}

export function queueConsistency(cache: BufCache): Detector {
  const watched = new Set<number>([...cache.queues.map((q) => q.id), ...cache.bufs.map((b) => b.cell.id)]);
  return {
    name: "queue-consistency",
    footprints: true,
    stateKey: () => "",
    // It keeps nothing from one step to the next: nothing to save for a restored state.
    snapshot: () => null,
    restore: () => undefined,
    onStep(rec: StepRecord, view: MachineView): Finding | undefined {
      if (!rec.writes.some((id) => watched.has(id))) return undefined;
      const seen = new Map<number, number[]>();
      cache.queues.forEach((q, qi) => {
        for (const i of view.peek(q)) seen.set(i, [...(seen.get(i) ?? []), qi]);
      });
      for (const bp of cache.bufs) {
        const on = seen.get(bp.index) ?? [];
        const qindex = view.peek(bp.cell).qindex;
        if (on.length > 1)
          return { message: `${bp.id} is linked on two queues (${on.map((q) => QUEUE_NAMES[q]).join(", ")})` };
        const linked = on[0] ?? QUEUE_NONE;
        if (linked !== qindex) {
          return {
            message: `${bp.id} has b_qindex ${QUEUE_NAMES[qindex]} but is linked on ${on.length ? QUEUE_NAMES[linked] : "no queue"}`,
          };
        }
      }
      return undefined;
    },
  };
}

export function dirtyReuse(cache: BufCache): Detector {
  const clean = [QUEUE_CLEAN, QUEUE_EMPTY, QUEUE_EMPTYKVA];
  return {
    name: "dirty-reuse",
    footprints: true,
    stateKey: () => "",
    // It keeps nothing from one step to the next: nothing to save for a restored state.
    snapshot: () => null,
    restore: () => undefined,
    onStep(rec: StepRecord, view: MachineView): Finding | undefined {
      for (const ev of rec.events) {
        if (ev.kind !== "buf.reuse") continue;
        const flags = Number.parseInt(ev.detail?.match(/flags 0x([0-9a-f]+)/)?.[1] ?? "0", 16);
        if ((flags & B_DELWRI) !== 0) {
          return {
            message: `getnewbuf reused ${ev.obj}, a delayed-write buffer (${ev.detail?.replace(/^flags 0x[0-9a-f]+ ?/, "") ?? ""}): its data is lost`,
            threads: [ev.thread],
          };
        }
      }
      for (const q of clean) {
        for (const i of view.peek(cache.queues[q]!)) {
          if ((view.peek(cache.bufs[i]!.cell).flags & B_DELWRI) !== 0) {
            return { message: `${cache.bufs[i]!.id} is B_DELWRI but on ${QUEUE_NAMES[q]}` };
          }
        }
      }
      return undefined;
    },
  };
}
