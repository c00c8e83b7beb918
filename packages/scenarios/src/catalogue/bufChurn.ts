/**
 * Buffer-cache churn: N cpus × M threads doing getblk, then bdwrite or brelse,
 * over K blocks with a cache smaller than the working set, and a buffer
 * daemon writing dirty buffers back. Not a spec row: the workload behind the
 * "warnings per 10,000 runs" figures and the interlock cost comparison.
 *
 * Under the token interlock getnewbuf's two warnings appear (and the buffers
 * it returns stay valid), and some runs end in getblk's twin of the race —
 * a delayed write into a buffer getnewbuf reused while getblk's BUF_LOCK
 * blocked (`misdirected-write`; getblkCheck=identity prevents it); under
 * spinlock + tsleep_interlock with the MP lock none of these happen; without
 * the MP lock the first warning and the twin come back.
 */
import type { BufCache } from "@kprim/buf";
import { type Gen, type KernelContext, param } from "@kprim/machine";
import { kernelScenario } from "../define.js";
import type { Kernel } from "../kernel.js";
import { newBufCache, underOuter } from "./bufs.js";

const VP = 1;

export const bufChurn = kernelScenario({
  name: "buf-churn",
  description: "threads on every cpu getblk / bdwrite / brelse over more blocks than buffers",
  specId: null,
  params: {
    cpus: param.int({ default: 2, min: 1, max: 16, description: "cpus" }),
    threads: param.int({ default: 1, min: 1, max: 4, description: "threads per cpu" }),
    blocks: param.int({ default: 4, min: 1, max: 64, description: "distinct blocks" }),
    bufs: param.int({ default: 3, min: 1, max: 32, description: "buffers in the cache" }),
    ops: param.int({ default: 3, min: 1, max: 100, description: "getblk/release pairs per thread" }),
  },
  cpus: (p) => p.cpus,
  setup({ machine: m, kernel, params }) {
    const cache = newBufCache(m, kernel, {
      bufs: params.bufs,
      lockCpu: (i) => i % params.cpus,
      bufInterlockCpu: params.cpus - 1,
      maxRestarts: 4,
    });
    m.spawn({
      cpu: 0,
      name: "bufdaemon",
      daemon: true,
      body: (k) => kernel.buf.bufdaemon(k, cache, { outer: kernel.options.outer }),
    });
    const w: World = { kernel, cache, ops: params.ops, blocks: params.blocks };
    for (let c = 0; c < params.cpus; c++) {
      for (let t = 0; t < params.threads; t++) {
        const id = c * params.threads + t;
        m.spawn({ cpu: c, name: `T${id}`, body: (k) => churner(k, w, id) });
      }
    }
  },
});

/** What the threads share (set up once per machine). */
interface World {
  readonly kernel: Kernel;
  readonly cache: BufCache;
  readonly ops: number;
  readonly blocks: number;
}

// The bodies (and the path each runs under the outer serialization) are
// module-level generator functions: one made per execution would cost V8 a
// hidden class per execution (explorations build hundreds of thousands of
// machines).

function* churner(k: KernelContext, w: World, id: number): Gen<void> {
  for (let i = 0; i < w.ops; i++) {
    yield* underOuter(k, w.kernel, () => churnOnce(k, w, id, i));
  }
}

/** Operation `i` of thread `id`: getblk a block, then bdwrite or brelse it. */
function* churnOnce(k: KernelContext, w: World, id: number, i: number): Gen<void> {
  const { kernel, cache } = w;
  const bp = yield* kernel.buf.getblk(k, cache, VP, (id * 3 + i) % w.blocks);
  if (bp === null) return;
  if ((id + i) % 3 === 0) yield* kernel.buf.bdwrite(k, cache, bp, id * 100 + i);
  else yield* kernel.buf.brelse(k, cache, bp);
}
