/**
 * P5 in a fresh process (run by processes.ts): one DPOR run of adders 3×6,
 * RSS after gc at two execution counts, printed as `rss EARLY LATE`.
 * Run with --expose-gc.
 */
import { explore } from "@kprim/explore";
import { adders, factoryOf } from "@kprim/explore/examples";

const early = Number(process.argv[2] ?? 10_000);
const late = Number(process.argv[3] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const samples = new Map<number, number>();
explore(factoryOf(adders(3, 6), false), {
  mode: { kind: "dpor" },
  target: "panic",
  maxExecutions: late,
  onExecution: (n) => {
    if (n === early || n === late) {
      gc();
      samples.set(n, process.memoryUsage().rss);
    }
  },
});
console.log(`rss ${samples.get(early)} ${samples.get(late)}`);
