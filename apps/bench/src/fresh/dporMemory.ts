/**
 * P5 in a fresh process (run by processes.ts): one DPOR run of adders 3×6,
 * RSS and the V8 heap in use after gc at two execution counts, printed as
 * `rss EARLY LATE heap EARLY LATE`. Run with --expose-gc (processes.ts also
 * fixes the young generation's size: see there).
 */
import { explore } from "@kprim/explore";
import { adders, factoryOf } from "@kprim/explore/examples";

const early = Number(process.argv[2] ?? 10_000);
const late = Number(process.argv[3] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const samples = new Map<number, number>();
const heap = new Map<number, number>();
explore(factoryOf(adders(3, 6), false), {
  mode: { kind: "dpor" },
  target: "panic",
  maxExecutions: late,
  onExecution: (n) => {
    if (n === early || n === late) {
      gc();
      const u = process.memoryUsage();
      samples.set(n, u.rss);
      heap.set(n, u.heapUsed);
    }
  },
});
console.log(`rss ${samples.get(early)} ${samples.get(late)} heap ${heap.get(early)} ${heap.get(late)}`);
