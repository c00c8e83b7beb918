/**
 * A long vector interned in chunks (states/chunks.ts): its number is equal
 * exactly when the vectors are — written whole or changed a place at a
 * time, across chunk boundaries and lengths.
 */
import { describe, expect, it } from "vitest";
import { CHUNK, ChunkedGroup } from "../src/states/chunks.js";
import { VectorTable } from "../src/states/intern.js";

const vec = (xs: readonly number[]): Int32Array => Int32Array.from(xs);
const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe("ChunkedGroup", () => {
  it("numbers a vector written whole, or changed place by place, the same when it is the same", () => {
    const t = new VectorTable();
    const g = new ChunkedGroup();
    const n = 3 * CHUNK + 5;
    const a = range(n, (i) => i);
    const first = g.whole(vec(a), n, t);
    // Changed in the last, short chunk and in the first: a new number; changed back: the first one.
    g.set(n - 1, 999);
    g.set(0, 998);
    const changed = g.id(t);
    expect(changed).not.toBe(first);
    g.set(n - 1, a[n - 1]!);
    expect(g.id(t)).not.toBe(first);
    g.set(0, a[0]!);
    expect(g.id(t)).toBe(first);
    // The changed vector written whole gets the number it got changed place by place, in a second group too.
    const b = [...a];
    b[n - 1] = 999;
    b[0] = 998;
    expect(new ChunkedGroup().whole(vec(b), n, t)).toBe(changed);
    expect(g.whole(vec(b), n, t)).toBe(changed);
  });

  it("tells apart every vector of a family that differ in one place, and vectors of different lengths", () => {
    const t = new VectorTable();
    const g = new ChunkedGroup();
    const n = 2 * CHUNK + 1;
    const seen = new Map<number, string>();
    for (let p = 0; p < n; p++) {
      for (let x = 0; x < 3; x++) {
        const v = range(n, (i) => (i === p ? x : 0));
        const id = g.whole(vec(v), n, t);
        const key = v.join(",");
        const was = [...seen].find(([, k]) => k === key);
        if (was !== undefined) expect(id).toBe(was[0]);
        else {
          expect(seen.has(id)).toBe(false);
          seen.set(id, key);
        }
      }
    }
    // The same numbers, one longer or shorter: other vectors.
    const zeros = g.whole(vec(range(n, () => 0)), n, t);
    expect(g.whole(vec(range(n + 1, () => 0)), n + 1, t)).not.toBe(zeros);
    expect(g.whole(vec(range(CHUNK, () => 0)), CHUNK, t)).not.toBe(zeros);
    expect(g.whole(vec(range(n, () => 0)), n, t)).toBe(zeros);
  });
});
