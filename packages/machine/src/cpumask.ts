/**
 * Cpu masks. A 2005 DragonFly `cpumask_t` is a 32-bit integer, bit i = cpu i.
 * The type is kept behind these helpers so a wider mask can replace it later
 * without touching callers.
 */

/** Largest machine the 32-bit mask can describe. */
export const MAX_CPUS = 32;

/** A set of cpu indices (bit i = cpu i), always an unsigned 32-bit value. */
export type CpuMask = number & { readonly __cpumask: unique symbol };

export const EMPTY_MASK = 0 as CpuMask;

export function maskOf(cpu: number): CpuMask {
  return ((1 << cpu) >>> 0) as CpuMask;
}

export function maskHas(mask: CpuMask, cpu: number): boolean {
  return ((mask >>> cpu) & 1) === 1;
}

export function maskAdd(mask: CpuMask, cpu: number): CpuMask {
  return ((mask | (1 << cpu)) >>> 0) as CpuMask;
}

export function maskRemove(mask: CpuMask, cpu: number): CpuMask {
  return ((mask & ~(1 << cpu)) >>> 0) as CpuMask;
}

export function maskUnion(a: CpuMask, b: CpuMask): CpuMask {
  return ((a | b) >>> 0) as CpuMask;
}

/** Lowest set bit (`bsfl`), or -1 for the empty mask. */
export function maskLowest(mask: CpuMask): number {
  if (mask === 0) return -1;
  return 31 - Math.clz32((mask & -mask) >>> 0);
}

export function maskCount(mask: CpuMask): number {
  let n = 0;
  let m: number = mask;
  while (m !== 0) {
    m &= m - 1;
    n++;
  }
  return n;
}

/** Cpus in the mask, lowest first. */
export function maskCpus(mask: CpuMask): number[] {
  const out: number[] = [];
  for (let m: number = mask, i = 0; m !== 0; m >>>= 1, i++) if (m & 1) out.push(i);
  return out;
}

/**
 * The next cpu in `mask` strictly after `from`, wrapping around, but never
 * reaching `stop` again (the chained-wakeup walk of spec §5.4). -1 if none.
 */
export function maskNextAfter(mask: CpuMask, from: number, stop: number, ncpus: number): number {
  for (let i = 1; i < ncpus; i++) {
    const c = (from + i) % ncpus;
    if (c === stop) return -1;
    if (maskHas(mask, c)) return c;
  }
  return -1;
}

export function formatMask(mask: CpuMask): string {
  return `{${maskCpus(mask).join(",")}}`;
}
