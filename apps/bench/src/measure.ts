/**
 * Timing helpers for benchmarks (the only place that reads wall-clock time).
 * Figures are reported as ratios measured in the same process run, because
 * the machines are shared and noisy.
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Run `fn` (which returns an amount of work done) `repeats` times; median work per second. */
export function throughput(fn: () => number, repeats: number): number {
  const rates: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    const work = fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(work / dt);
  }
  return median(rates);
}

export function fmtRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M/s`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k/s`;
  return `${x.toFixed(1)} /s`;
}
