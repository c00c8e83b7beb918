/**
 * The detectors' undo journal (src/journal.ts): undoing back to a mark puts
 * every map, list and field back as it was there, in any order of changes,
 * any number of times; a mark a restore went back past is refused; nothing
 * is logged before the first mark.
 */
import { describe, expect, it } from "vitest";
import { Journal } from "../src/journal.js";

describe("Journal", () => {
  it("puts maps, lists, slots and fields back as they were at a mark, again and again", () => {
    const j = new Journal();
    const map = new Map<number, string>([[1, "a"]]);
    const list = [1];
    const slots: number[] = [];
    const obj = { w: null as { step: number } | null };
    const m = j.mark();
    for (let round = 0; round < 3; round++) {
      j.set(map, 1, "b");
      j.set(map, 2, "c");
      j.delete(map, 1);
      j.push(list, 2);
      j.push(list, 3);
      j.put(slots, 4, 7);
      j.assign(obj, "w", { step: round });
      j.undo(m);
      expect([...map]).toEqual([[1, "a"]]);
      expect(list).toEqual([1]);
      expect(slots[4]).toBeUndefined();
      expect(obj.w).toBeNull();
    }
  });

  it("undoes to an older mark past a newer one, and then refuses the newer one", () => {
    const j = new Journal();
    const map = new Map<string, number>();
    const m1 = j.mark();
    j.set(map, "x", 1);
    const m2 = j.mark();
    j.set(map, "x", 2);
    j.undo(m2);
    expect(map.get("x")).toBe(1);
    j.undo(m1);
    expect(map.has("x")).toBe(false);
    expect(() => j.undo(m2)).toThrow(/went back past/);
  });

  it("logs nothing before its first mark, and moves its version on at every change", () => {
    const j = new Journal();
    const list: number[] = [];
    j.push(list, 1);
    const v = j.version;
    const m = j.mark();
    j.push(list, 2);
    expect(j.version).toBeGreaterThan(v);
    j.undo(m);
    expect(list).toEqual([1]);
  });
});
