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

/** Wall seconds since `t0` (process.hrtime.bigint()). */
export const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

/** `fn()`'s value and its wall seconds. */
export function timed<T>(fn: () => T): { value: T; s: number } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { value, s: seconds(t0) };
}

/** CPU seconds (user + system, every thread of the process) since `c0`. */
export const cpuSeconds = (c0: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};
