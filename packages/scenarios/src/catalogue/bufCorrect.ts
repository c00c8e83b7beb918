/**
 * Correct-by-design buffer-cache behaviour (spec §7.2 G1, G7, G9).
 *
 * G1 — getblk's SLEEPFAIL retry: T_get finds bp by identity while T_h holds
 * it, sleeps with SLEEPFAIL; T_h releases it, and getnewbuf (T_new) may take
 * it first and give it another identity; T_get then wakes with ENOLCK and
 * looks the block up again. The stale pointer is never used after a failed
 * lock. One buffer and two cpus: T_new shares T_h's cpu and runs once T_h
 * has released (or blocked), so getnewbuf can only take bp, and the window
 * between T_get's wakeup and its second lookup is where it may.
 *
 * G7 — the rev 1.52 warnings are observations: under the token interlock
 * getnewbuf may warn and restart, and the buffer it finally returns still
 * satisfies I1 (locked by the caller, on no queue, clean, no identity).
 *
 * G9 — a buffer handed to LK_KERNTHREAD for an I/O (BUF_KERNPROC) is
 * released by the I/O-completion interrupt thread: no "not holder" panic.
 */
import type { BufCache } from "@kprim/buf";
import { type Gen, type KernelContext, type Thread } from "@kprim/machine";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { newBufCache, underOuter } from "./bufs.js";

const VP = 1;

export const getblkSleepfailRetry = kernelScenario({
  name: "getblk-sleepfail-retry",
  description: "a getblk that slept with SLEEPFAIL on a buffer getnewbuf then reused looks again",
  specId: "G1",
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const cache = newBufCache(m, kernel, { bufs: 1, lockCpu: 0, bufInterlockCpu: 0, maxRestarts: 3 });
    const T_h = m.spawn({ cpu: 0, name: "T_h", body: (k) => holder(k, kernel, cache) });
    kernel.buf.preset(cache, 0, { qindex: 0, vp: VP, lblkno: 7, holder: T_h });
    m.spawn({ cpu: 1, name: "T_get", body: (k) => underOuter(k, kernel, () => getblkBrelse(k, kernel, cache, 7)) });
    m.spawn({ cpu: 0, name: "T_new", body: (k) => underOuter(k, kernel, () => getblkBrelse(k, kernel, cache, 9)) });
  },
});

export const getnewbufWarningsThenValid = kernelScenario({
  name: "getnewbuf-warnings-then-valid",
  description: "getnewbuf may warn and restart under the token interlock; the buffer it returns is still valid",
  specId: "G7",
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const cache = newBufCache(m, kernel, { bufs: 2, lockCpu: 1, bufInterlockCpu: 1, maxRestarts: 3 });
    kernel.buf.preset(cache, 0, { qindex: 2, vp: VP, lblkno: 7 });
    m.spawn({ cpu: 0, name: "T_get", body: (k) => underOuter(k, kernel, () => getblkBrelse(k, kernel, cache, 7)) });
    m.spawn({ cpu: 1, name: "T_new", body: (k) => underOuter(k, kernel, () => getblkBrelse(k, kernel, cache, 9)) });
  },
});

export const bufKernprocRelease = kernelScenario({
  name: "buf-kernproc-release",
  description: "a buffer handed to the kernel for I/O is released by the I/O-completion interrupt",
  specId: "G9",
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const cache = newBufCache(m, kernel, { bufs: 1, lockCpu: 0, bufInterlockCpu: 0, maxRestarts: 3 });
    kernel.buf.preset(cache, 0, { qindex: 2, vp: VP, lblkno: 7 });
    const bp = cache.bufs[0]!;
    const biodone = m.spawn({
      cpu: 1,
      name: "biodone",
      kind: "interrupt",
      armed: false,
      body: (k) => underOuter(k, kernel, () => kernel.buf.brelse(k, cache, bp)),
    });
    m.spawn({ cpu: 0, name: "T_io", body: (k) => underOuter(k, kernel, () => startIo(k, kernel, cache, biodone)) });
  },
});

// The bodies are module-level generator functions (and so are the paths run
// under the outer serialization): one made per execution would cost V8 a
// hidden class per execution (explorations build hundreds of thousands of
// machines).

/** G1: holds the buffer until T_get waits for it, then releases it. */
function* holder(k: KernelContext, kernel: Kernel, cache: BufCache): Gen<void> {
  const bp = cache.bufs[0]!;
  yield* k.spinUntil("T_get waits", [bp.lock.cell], (tx) => tx.read(bp.lock.cell).waitcount > 0);
  yield* underOuter(k, kernel, () => kernel.buf.brelse(k, cache, bp));
}

/** getblk a block, then brelse it. */
function* getblkBrelse(k: KernelContext, kernel: Kernel, cache: BufCache, lblkno: number): Gen<void> {
  const bp = yield* kernel.buf.getblk(k, cache, VP, lblkno);
  if (bp !== null) yield* kernel.buf.brelse(k, cache, bp);
}

/** G9: getblk a block and hand it to an I/O that `biodone` completes. */
function* startIo(k: KernelContext, kernel: Kernel, cache: BufCache, biodone: Thread): Gen<void> {
  const got = yield* kernel.buf.getblk(k, cache, VP, 7);
  if (got === null) return;
  yield* kernel.buf.kernproc(k, got); // the I/O now owns it
  yield* k.atomic("start I/O", {}, (tx) => tx.arm(biodone));
}
