/**
 * The lock-event contract (src/locks.ts) on hand-made events: holds,
 * recursion, shared holders, holders named by target, ownership passed on,
 * unmatched releases, holds open at the end, the MP lock.
 */
import type { TraceEvent, TraceEventKind } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { lockHolds } from "../src/index.js";

let seq = 0;
function ev(kind: TraceEventKind, thread: number, obj?: string, extra: Partial<TraceEvent> = {}): TraceEvent {
  return { seq: seq++, step: seq, cycle: seq, cpu: 0, thread, kind, obj, ...extra };
}
const names = (id: number): string => `T${id}`;
const spans = (events: TraceEvent[]) => lockHolds(events, names).map((h) => `${h.lock} ${h.holder} ${h.from}-${h.to}`);

describe("the lock-event contract", () => {
  it("holds a lock from lock.acquire to the holder's lock.release, with its mode", () => {
    const holds = lockHolds(
      [ev("op", 0), ev("lock.acquire", 0, "buf0", { detail: "lockmgr:buf:exclusive" }), ev("lock.release", 0, "buf0")],
      names,
    );
    expect(holds).toEqual([{ lock: "buf0", holder: "T0", mode: "exclusive", from: 1, to: 2 }]);
  });

  it("nests recursive acquisitions into one hold", () => {
    const events = [
      ev("lock.acquire", 0, "L"),
      ev("lock.acquire", 0, "L"),
      ev("lock.release", 0, "L"),
      ev("lock.release", 0, "L"),
    ];
    expect(spans(events)).toEqual(["L T0 0-3"]);
  });

  it("keeps shared holders apart", () => {
    const events = [
      ev("lock.acquire", 0, "L", { detail: "lockmgr:buf:shared" }),
      ev("lock.acquire", 1, "L", { detail: "lockmgr:buf:shared" }),
      ev("lock.release", 0, "L"),
      ev("lock.release", 1, "L"),
    ];
    expect(spans(events)).toEqual(["L T0 0-2", "L T1 1-3"]);
  });

  it("takes the holder from target when another thread emits the event", () => {
    const events = [ev("lock.acquire", 2, "L", { target: 0 }), ev("lock.release", 1, "L", { target: 0 })];
    expect(spans(events)).toEqual(["L T0 0-1"]);
  });

  it("ends the oldest hold when a thread that holds nothing releases (ownership passed on)", () => {
    const events = [
      ev("lock.acquire", 0, "L", { detail: "lockmgr:buf:shared" }),
      ev("lock.acquire", 1, "L", { detail: "lockmgr:buf:shared" }),
      ev("lock.release", 3, "L"),
    ];
    expect(spans(events)).toEqual(["L T0 0-2", "L T1 1--1"]);
  });

  it("ignores a release of a lock nobody holds and runs open holds to the end", () => {
    const events = [ev("lock.release", 0, "L"), ev("lock.acquire", 1, "M")];
    expect(spans(events)).toEqual(["M T1 1--1"]);
  });

  it("reads the MP lock as held by a cpu", () => {
    const events = [ev("mp-acquire", 0, "mplock", { cpu: 1 }), ev("mp-release", 3, "mplock", { cpu: 1 })];
    expect(lockHolds(events, names)).toEqual([{ lock: "mplock", holder: "cpu1", mode: undefined, from: 0, to: 1 }]);
  });

  it("needs a lock name", () => {
    expect(lockHolds([ev("lock.acquire", 0), ev("lock.release", 0)], names)).toEqual([]);
  });
});
