/**
 * V8's sampling heap profile summed by allocation site, for the allocation
 * tools beside it (dporAlloc.ts, sampleCost.ts): a site is a function with
 * its file, line and column; a builtin (no script: slice, push, Map…) is
 * named with its caller.
 */

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
