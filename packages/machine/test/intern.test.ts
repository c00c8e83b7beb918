/**
 * Exact interning for stateful search (states/intern.ts): equal vectors get
 * one number, different ones — however alike, whatever their hash — never do.
 */
import { describe, expect, it } from "vitest";
import { StringTable, VectorTable } from "../src/states/intern.js";

const vec = (xs: readonly number[]): Int32Array => Int32Array.from(xs);

describe("VectorTable", () => {
  it("numbers vectors densely in first-seen order; an equal vector gets the same number", () => {
    const t = new VectorTable();
    expect(t.id(vec([1, 2, 3]), 3)).toBe(0);
    expect(t.id(vec([3, 2, 1]), 3)).toBe(1);
    expect(t.id(vec([1, 2, 3]), 3)).toBe(0);
    expect(t.size).toBe(2);
  });

  it("a prefix, an extension and a longer buffer's first n are told apart by length and content", () => {
    const t = new VectorTable();
    const a = t.id(vec([7, 8]), 2);
    const b = t.id(vec([7, 8, 0]), 3);
    const c = t.id(vec([7]), 1);
    expect(new Set([a, b, c]).size).toBe(3);
    // Only the first n numbers of the buffer count.
    expect(t.id(vec([7, 8, 99, 100]), 2)).toBe(a);
    expect(t.id(new Int32Array(0), 0)).toBe(3);
  });

  it("stays exact while it grows past many rehashes (200,000 vectors, each found again)", () => {
    const t = new VectorTable();
    const n = 200_000;
    for (let i = 0; i < n; i++) expect(t.id(vec([i & 15, i >> 4, -i]), 3)).toBe(i);
    for (let i = 0; i < n; i += 997) expect(t.id(vec([i & 15, i >> 4, -i]), 3)).toBe(i);
    expect(t.size).toBe(n);
  });
});

describe("StringTable", () => {
  it("numbers strings densely in first-seen order", () => {
    const t = new StringTable();
    expect([t.id("a"), t.id("b"), t.id("a"), t.id("")]).toEqual([0, 1, 0, 2]);
    expect(t.size).toBe(3);
  });
});
