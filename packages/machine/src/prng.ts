/**
 * A small, fast seeded PRNG: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic
 * generator, 128-bit state, passes PractRand), seeded through splitmix32 and
 * warmed up. Every random choice in a run draws from one of these, owned by
 * the strategy or the machine that uses it; nothing reads `Math.random`.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0;
    this.b = 0;
    this.c = 0;
    this.d = 0;
    this.reseed(seed);
  }

  /** Start over from `seed`, in place: the state `new Prng(seed)` would have (a sampler reseeds one per run). */
  reseed(seed: number): void {
    const s = seed | 0;
    // The warm-up's 12 rounds of nextU32 on locals (a strategy is made per run: fields cost more in a loop).
    let a = splitmix32(s, 1);
    let b = splitmix32(s, 2);
    let c = splitmix32(s, 3);
    let d = 1;
    for (let i = 0; i < 12; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** Uniform unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /**
   * Uniform integer in [0, n) for n ≤ 2^32: floor(u · n / 2^32) of the next
   * u. Below 2^15 it is worked out in 32-bit integers, the product split at
   * bit 16 (floor((hi·n + floor(lo·n / 2^16)) / 2^16), every term under
   * 2^31) — the same number as the float form, which is exact too (u · n <
   * 2^53) but costs two conversions and a rounding on every random choice.
   */
  nextInt(n: number): number {
    const u = this.nextU32();
    if (n <= 0x7fff) return ((u >>> 16) * n + (((u & 0xffff) * n) >>> 16)) >>> 16;
    return Math.floor((u / 4294967296) * n);
  }

  /** Uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }
}

/** The `k`-th output of splitmix32 seeded with `s` (a function, not a closure: one Prng per execution). */
function splitmix32(s: number, k: number): number {
  let z = (s + Math.imul(0x9e3779b9, k)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return z ^ (z >>> 16);
}
