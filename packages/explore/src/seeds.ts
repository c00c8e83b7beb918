/**
 * Per-run seeds: run i of an exploration seeded with s uses seedFor(s, i), a
 * fixed mix of both, so any run can be redone alone (and workers can take
 * any slice of the runs) with the same result.
 */
export function seedFor(seed: number, run: number): number {
  let z = (Math.imul(seed | 0, 0x9e3779b1) + Math.imul(run | 0, 0x85ebca6b) + 0x632be5ab) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}
