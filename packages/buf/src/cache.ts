/**
 * Creating a buffer cache on a machine: the buffers with their locks, the
 * queues, the identity hash, BUF_LOCK's interlock and the detectors.
 * Initially every buffer is a bare header on QUEUE_EMPTY; `presetBuf`
 * arranges another starting state during set-up.
 */
import type { Machine, Thread } from "@kprim/machine";
import { type InterlockDeps, type InterlockKind, LK_HAVE_EXCL, lockmgrLayer } from "@kprim/lockmgr";
import { dirtyReuse, misdirectedWrite, getnewbufResult, queueConsistency } from "./detectors.js";
import {
  type Buf,
  type BufCache,
  type BufCacheOptions,
  type BufWord,
  identityKey,
  QUEUE_EMPTY,
  QUEUE_NONE,
  type QueueIndex,
  type RestartReason,
} from "./types.js";

export const BUF_ADDR_BASE = 0xc7400000;
export const BUF_SIZE = 0x180;

/**
 * A buffer cache on `machine`: `opts.bufs` bare buffers on EMPTY, each with
 * a lockmgr lock of `interlock`'s kind, BUF_LOCK's own interlock, and the
 * cache's detectors.
 *
 * Calling context: set-up, before the machine runs.
 */
export function createBufCache(
  machine: Machine,
  deps: InterlockDeps,
  interlock: InterlockKind,
  opts: BufCacheOptions,
): BufCache {
  if (!Number.isInteger(opts.bufs) || opts.bufs < 1)
    throw new Error(`a buffer cache needs at least one buffer, not ${opts.bufs}`);
  const lockCpu = (i: number): number => (typeof opts.lockCpu === "function" ? opts.lockCpu(i) : (opts.lockCpu ?? 0));
  const bufs: Buf[] = [];
  for (let i = 0; i < opts.bufs; i++) {
    const id = `0x${(BUF_ADDR_BASE + i * BUF_SIZE).toString(16)}`;
    bufs.push({
      id,
      index: i,
      cell: machine.cell<BufWord>(`buf ${id}`, { flags: 0, qindex: QUEUE_EMPTY, vp: null, lblkno: null, data: 0 }),
      lock: (deps.lockmgr ?? lockmgrLayer).lockinit(machine, `b_lock ${id}`, {
        deps,
        interlock,
        lockClass: "b_lock",
        wmesg: "bufwait",
        cpu: lockCpu(i),
        ...(opts.semantics ? { semantics: opts.semantics } : {}),
        ...(opts.wakeups ? { wakeups: opts.wakeups } : {}),
      }),
    });
  }
  const queueNames = ["NONE", "LOCKED", "CLEAN", "DIRTY", "EMPTYKVA", "EMPTY"];
  const queues = queueNames.map((n, q) =>
    machine.cell<number[]>(`bufqueues[${n}]`, q === QUEUE_EMPTY ? bufs.map((b) => b.index) : []),
  );
  const restarts: Record<RestartReason, number> = {
    "buf-lock-busy": 0,
    "queue-changed": 0,
    "no-buffer": 0,
    "restart-limit": 0,
  };
  const cache: BufCache = {
    machine,
    bufs,
    queues,
    hash: machine.cell<Record<string, number>>("bufhash", {}),
    needsbuffer: machine.cell("needsbuffer", 0),
    bufInterlock: (opts.bufInterlock ?? interlock).create(machine, "buftimetoken", deps, {
      cpu: opts.bufInterlockCpu ?? 0,
      lockClass: "buftimetoken",
    }),
    needsbufferIdent: deps.sleepq.ident(machine, "needsbuffer"),
    bdRequestIdent: deps.sleepq.ident(machine, "bd_request"),
    checks: opts.checks ?? "rev1.52",
    getblkCheck: opts.getblkCheck ?? "none",
    lockedBufSleep: opts.lockedBufSleep ?? "tick",
    splbio: opts.splbio ?? "none",
    maxRestarts: opts.maxRestarts ?? 4,
    deps,
    interlock,
    layer: opts.layer ?? null,
    stats: { warnings: 0, restarts, getnewbuf: 0 },
  };
  machine.addDetector(getnewbufResult(cache));
  machine.addDetector(misdirectedWrite(cache));
  machine.addDetector(queueConsistency(cache));
  machine.addDetector(dirtyReuse(cache));
  return cache;
}

/**
 * Set a buffer's starting state: its queue, identity, flags, and,
 * optionally, an exclusive hold by `holder`.
 *
 * Calling context: set-up only.
 */
export function presetBuf(
  cache: BufCache,
  index: number,
  st: { qindex: QueueIndex; vp?: number; lblkno?: number; flags?: number; holder?: Thread },
): void {
  const m = cache.machine;
  const bp = cache.bufs[index];
  if (bp === undefined) throw new Error(`no buffer ${index}`);
  const old = m.peek(bp.cell);
  // Move it between queues.
  if (old.qindex !== QUEUE_NONE)
    m.preset(
      cache.queues[old.qindex]!,
      m.peek(cache.queues[old.qindex]!).filter((i) => i !== index),
    );
  if (st.qindex !== QUEUE_NONE) m.preset(cache.queues[st.qindex]!, [...m.peek(cache.queues[st.qindex]!), index]);
  const vp = st.vp ?? null;
  const lblkno = st.lblkno ?? null;
  m.preset(bp.cell, { flags: st.flags ?? 0, qindex: st.qindex, vp, lblkno, data: 0 });
  if (vp !== null && lblkno !== null) m.preset(cache.hash, { ...m.peek(cache.hash), [identityKey(vp, lblkno)]: index });
  if (st.holder !== undefined) {
    m.preset(bp.lock.cell, { ...m.peek(bp.lock.cell), flags: LK_HAVE_EXCL, exclusivecount: 1, holder: st.holder.id });
  }
}
