/**
 * V8's sampling heap profile on this thread, summed by allocation site, for
 * the allocation tools beside it (dporAlloc.ts, sampleCost.ts,
 * statefulCost.ts): a site is a function with its file, line and column; a
 * builtin (no script: slice, push, Map…) is named with its caller.
 */
import { Session } from "node:inspector";

/** A node of the profile `HeapProfiler.stopSampling` returns. */
export interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Bytes by site under `head`, and in all. */
export function bytesBySite(head: ProfileNode): { bySite: Map<string, number>; total: number } {
  const bySite = new Map<string, number>();
  let total = 0;
  const name = (f: ProfileNode["callFrame"]): string =>
    `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(packages|apps)\//, "")}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  const walk = (n: ProfileNode, parent: ProfileNode | null): void => {
    if (n.selfSize > 0) {
      const f = n.callFrame;
      const site = f.url === "" && parent !== null ? `${f.functionName} < ${name(parent.callFrame)}` : name(f);
      bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c, n);
  };
  walk(head, null);
  return { bySite, total };
}

/** The `top` sites by bytes, each per unit (`per`: executions or schedules) and as a share of all. */
export function printSites(bySite: Map<string, number>, total: number, per: number, top: number): void {
  const rows = [...bySite].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top);
  for (const [site, bytes] of rows) {
    console.log(`${(bytes / per).toFixed(1).padStart(9)}  ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${site}`);
  }
}

/** V8's sampling heap profiler on this thread: inspector calls here answer before `post` returns. */
export class HeapSampler {
  private readonly session = new Session();

  constructor() {
    this.session.connect();
  }

  private post<T>(method: string, params: object = {}): T {
    let out: T | undefined;
    let err: Error | null = null;
    this.session.post(method, params, (e, r) => {
      err = e;
      out = r as T;
    });
    if (err !== null) throw err;
    if (out === undefined) throw new Error(`${method}: no answer`);
    return out;
  }

  /** Sample from now on, every `interval` bytes on average, objects already collected included. */
  start(interval = 512): void {
    this.post("HeapProfiler.startSampling", {
      samplingInterval: interval,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }

  /** Stop, and the bytes allocated since `start` by site. */
  stop(): { bySite: Map<string, number>; total: number } {
    return bytesBySite(this.post<{ profile: { head: ProfileNode } }>("HeapProfiler.stopSampling").profile.head);
  }
}

/** The bytes `run` allocates by site over one call after an unsampled warm-up call, and what it counted (`n`). */
export function sampleHeap(run: () => number): { bySite: Map<string, number>; total: number; n: number } {
  const sampler = new HeapSampler();
  run();
  sampler.start();
  const n = run();
  return { ...sampler.stop(), n };
}
