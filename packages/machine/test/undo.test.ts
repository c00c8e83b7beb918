/**
 * The cells' undo log (states/undo.ts): going back to a mark puts back what
 * each cell held there — value, cost bookkeeping, watchers, cached key, the
 * contents of the containers its value reaches — whatever order the changes
 * came in, and a mark the log was undone past is refused.
 */
import { describe, expect, it } from "vitest";
import { addWatcher, Cell } from "../src/cell.js";
import { UndoLog } from "../src/states/undo.js";

/** A write as the access path makes it: saved first, then changed. */
function write<T>(c: Cell<T>, v: T): void {
  c.undo!.save(c as Cell<unknown>, true);
  c.v = v;
  c.key = null;
  c.lastWriter = 1;
  c.sharers = 2;
  c.writeTime += 10;
}

function setup(): { cells: Cell<unknown>[]; n: Cell<number>; arr: Cell<number[]>; log: UndoLog } {
  const n = new Cell<number>(0, "n", 1, -1);
  const arr = new Cell<number[]>(1, "arr", [1, 2], -1);
  n.key = "1";
  const cells = [n, arr] as Cell<unknown>[];
  return { cells, n, arr, log: new UndoLog(cells, {}) };
}

describe("UndoLog", () => {
  it("puts back a cell changed several times across marks, as it was at the mark", () => {
    const { n, log } = setup();
    const m1 = log.mark();
    write(n, 2);
    log.tick();
    write(n, 3);
    const m2 = log.mark();
    write(n, 4);
    expect(log.undo(m2)).toBe(true);
    expect(n.v).toBe(3);
    expect(log.undo(m1)).toBe(true);
    expect(n.v).toBe(1);
    expect(n.key).toBe("1");
    expect([n.lastWriter, n.sharers, n.writeTime]).toEqual([-1, 0, 0]);
  });

  it("puts back the contents of a container changed in place, into the same object", () => {
    const { arr, log } = setup();
    const obj = arr.v;
    const m = log.mark();
    // A read first, then a change in place in the same segment: the contents are saved at the change.
    log.save(arr as Cell<unknown>, false);
    log.save(arr as Cell<unknown>, true);
    obj.push(3);
    obj[0] = 9;
    expect(log.undo(m)).toBe(true);
    expect(arr.v).toBe(obj);
    expect(obj).toEqual([1, 2]);
  });

  it("puts back a cell's watchers", () => {
    const { n, log } = setup();
    const m = log.mark();
    const w = new Cell<number>(9, "w", 0, -1) as never;
    addWatcher(n as Cell<unknown>, w);
    expect(n.watchers).toEqual([w]);
    expect(log.undo(m)).toBe(true);
    expect(n.watchers).toBeNull();
  });

  it("refuses a mark it was undone past, and changes nothing then", () => {
    const { n, log } = setup();
    const m1 = log.mark();
    write(n, 2);
    const m2 = log.mark();
    write(n, 3);
    expect(log.undo(m1)).toBe(true);
    write(n, 5);
    expect(log.undo(m2)).toBe(false);
    expect(n.v).toBe(5);
  });

  it("lists the cells changed or put back since the last tick (for state vectors)", () => {
    const { n, arr, log } = setup();
    const m = log.mark();
    log.tick();
    write(n, 2);
    expect(log.dirty).toEqual([n]);
    log.tick();
    write(arr, [7]);
    expect(log.dirty).toEqual([arr]);
    log.tick();
    log.undo(m);
    expect(new Set(log.dirty)).toEqual(new Set([n, arr]));
  });
});
