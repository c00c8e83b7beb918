/**
 * The getnewbuf race of the seed (spec §6.7, §7.1 R1, R2).
 *
 * A buffer sits on a free queue while its lock state is in flux. getnewbuf
 * looks at the queue, then tries `BUF_LOCK(EXCLUSIVE | NOWAIT)`; with a token
 * interlock that acquisition is a blocking point, and so is the token taken
 * by BUF_REFCNT inside bremfree — the MP lock that serializes the buffer
 * cache is released there too.
 *
 * R1 ("locked buf", the W2 form of spec §6.7): T_get's getblk hit has locked
 * bp but not yet taken it off CLEAN — it blocks on the interlock token in
 * bremfree's BUF_REFCNT — and T_new's getnewbuf finds bp on CLEAN, locked:
 * "getnewbuf: warning, locked buf %p, race corrected" (FreeBSD 4 panicked).
 * (In the spec's T_rel form, brelse's own BUF_REFCNT fetches the token to the
 * releaser's cpu before bp is queued, so the later BUF_UNLOCK never blocks.)
 *
 * R2 ("BUF_LOCK blocked unexpectedly"): T_new picks bp on CLEAN and blocks in
 * BUF_LOCK on a token; meanwhile T_get's getblk takes bp, dirties it and
 * releases it to DIRTY; T_new's lock then succeeds on a buffer that moved.
 * Rev 1.52 warns and restarts; without the check (bufChecks=no-check) the
 * delayed write is destroyed.
 *
 * The getblk-side twin of R2 (`getblk-reused-buffer`, no spec id of its
 * own: proposed as R2b): T_get's getblk finds bp by identity (vp, 7) and
 * blocks in BUF_LOCK on a token; meanwhile T_new's getblk(vp, 9) misses and
 * getnewbuf reuses bp for block 9; T_get's lock then succeeds, and the 2005
 * getblk — which does not re-validate the identity after locking (spec
 * §6.5) — returns bp as block 7. T_get's delayed write of block 7 lands in
 * block 9's buffer (`misdirected-write`). With getblkCheck=identity (later
 * DragonFly, spec §6.8) getblk unlocks and looks again.
 *
 * With the spinlock interlock neither BUF_LOCK(NOWAIT), BUF_UNLOCK nor
 * BUF_REFCNT has a blocking point, so under the MP lock neither window can be
 * observed; without the MP lock (SPIN+TI-nomp) the first can.
 */
import type { BufCache } from "@kprim/buf";
import { type Gen, type KernelContext } from "@kprim/machine";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { newBufCache, underOuter } from "./bufs.js";

const VP = 1;

export const getnewbufLockedBuf = kernelScenario({
  name: "getnewbuf-locked-buf",
  description: "getnewbuf finds on CLEAN a buffer that a getblk hit has locked but not yet taken off (message 1)",
  specId: "R1",
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const cache = newBufCache(m, kernel, { bufs: 1, lockCpu: 1, bufInterlockCpu: 1, maxRestarts: 3 });
    kernel.buf.preset(cache, 0, { qindex: 2, vp: VP, lblkno: 7 });
    m.spawn({ cpu: 0, name: "T_get", body: (k) => underOuter(k, kernel, () => getblkBrelse(k, kernel, cache)) });
    m.spawn({ cpu: 1, name: "T_new", body: (k) => underOuter(k, kernel, () => getnewbufRetry(k, kernel, cache)) });
  },
});

export const getnewbufBlockedUnexpectedly = kernelScenario({
  name: "getnewbuf-blocked-unexpectedly",
  description: "getnewbuf's BUF_LOCK blocks on a token while getblk dirties the buffer (message 2)",
  specId: "R2",
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const cache = newBufCache(m, kernel, { bufs: 1, lockCpu: 1, bufInterlockCpu: 1, maxRestarts: 3 });
    kernel.buf.preset(cache, 0, { qindex: 2, vp: VP, lblkno: 7 });
    // The buffer daemon writes the dirtied buffer out when getnewbuf finds nothing free.
    m.spawn({
      cpu: 1,
      name: "bufdaemon",
      daemon: true,
      body: (k) => kernel.buf.bufdaemon(k, cache, { outer: kernel.options.outer }),
    });
    m.spawn({ cpu: 0, name: "T_new", body: (k) => underOuter(k, kernel, () => getnewbufBrelse(k, kernel, cache)) });
    m.spawn({ cpu: 1, name: "T_get", body: (k) => underOuter(k, kernel, () => getblkBdwrite(k, kernel, cache)) });
  },
});

export const getblkReusedBuffer = kernelScenario({
  name: "getblk-reused-buffer",
  description:
    "getblk's BUF_LOCK blocks on a token while getnewbuf reuses the buffer for another block (R2's getblk-side twin)",
  specId: null,
  params: {},
  cpus: () => 2,
  setup({ machine: m, kernel }) {
    const cache = newBufCache(m, kernel, { bufs: 1, lockCpu: 1, bufInterlockCpu: 1, maxRestarts: 3 });
    kernel.buf.preset(cache, 0, { qindex: 2, vp: VP, lblkno: 7 });
    // The buffer daemon writes the dirtied buffer out when getnewbuf finds nothing free.
    m.spawn({
      cpu: 1,
      name: "bufdaemon",
      daemon: true,
      body: (k) => kernel.buf.bufdaemon(k, cache, { outer: kernel.options.outer }),
    });
    m.spawn({ cpu: 0, name: "T_get", body: (k) => underOuter(k, kernel, () => getblkBdwrite(k, kernel, cache)) });
    m.spawn({ cpu: 1, name: "T_new", body: (k) => underOuter(k, kernel, () => getblkOther(k, kernel, cache)) });
  },
});

// The thread bodies run these module-level generator functions under the
// outer serialization: one made per execution would cost V8 a hidden class
// per execution (explorations build hundreds of thousands of machines).

/** R1: getblk bp (a hit), then brelse it. */
function* getblkBrelse(k: KernelContext, kernel: Kernel, cache: BufCache): Gen<void> {
  const bp = yield* kernel.buf.getblk(k, cache, VP, 7);
  if (bp !== null) yield* kernel.buf.brelse(k, cache, bp);
}

/** R1: getnewbuf, up to three times, and brelse the buffer it returns. */
function* getnewbufRetry(k: KernelContext, kernel: Kernel, cache: BufCache): Gen<void> {
  for (let tries = 0; tries < 3; tries++) {
    const { buf, reason } = yield* kernel.buf.getnewbuf(k, cache);
    if (buf !== null) {
      yield* kernel.buf.brelse(k, cache, buf);
      return;
    }
    if (reason === "restart-limit") return;
  }
}

/** R2: getnewbuf once, and brelse the buffer it returns. */
function* getnewbufBrelse(k: KernelContext, kernel: Kernel, cache: BufCache): Gen<void> {
  const { buf } = yield* kernel.buf.getnewbuf(k, cache);
  if (buf !== null) yield* kernel.buf.brelse(k, cache, buf);
}

/** R2's twin: getblk another block of the vnode (a miss: getnewbuf reuses bp), then brelse it. */
function* getblkOther(k: KernelContext, kernel: Kernel, cache: BufCache): Gen<void> {
  const bp = yield* kernel.buf.getblk(k, cache, VP, 9);
  if (bp !== null) yield* kernel.buf.brelse(k, cache, bp);
}

/** R2 (and its twin): getblk bp and release it dirty (a delayed write). */
function* getblkBdwrite(k: KernelContext, kernel: Kernel, cache: BufCache): Gen<void> {
  const bp = yield* kernel.buf.getblk(k, cache, VP, 7);
  if (bp !== null) yield* kernel.buf.bdwrite(k, cache, bp, 42);
}
