/**
 * A 128-bit string hash for stored state fingerprints (hash compaction, as
 * SPIN's -DHC): four 32-bit multiply-xor lanes over the UTF-16 code units,
 * mixed at the end (the cyrb128 construction). Not a cryptographic hash; for
 * an ideal 128-bit hash two of n stored states collide with probability
 * about n² / 2¹²⁹, below 10⁻²⁵ for ten million. A collision would make the
 * search skip a state it never explored (and what lies only beyond it).
 * Pure and deterministic; no platform crypto, so it runs in the browser too.
 */
export function hash128(s: string): string {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1, h2, h3, h4].map((h) => (h >>> 0).toString(36)).join(".");
}
