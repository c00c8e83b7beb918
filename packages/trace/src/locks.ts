/**
 * The lock-event contract: how a layer tells the exporters that a lock is
 * held, so holds show up as slices.
 *
 * - `lock.acquire` (or `lock.try-acquire`) — emitted (with `k.event` or
 *   `tx.event`) in the step that takes the lock. `obj` = the lock's name
 *   (required, stable for the run); `detail` = "<kind>:<class>[:<mode>]";
 *   `target` = the holder's thread id when it is not the emitting thread.
 * - `lock.release` — emitted in the step that drops it. `obj` = the same
 *   name; `target` = the holder whose hold ends when it is not the emitting
 *   thread.
 *
 * A hold belongs to (lock, holder). Acquisitions by a holder that already
 * holds the lock nest (recursion); the hold ends when the releases balance
 * them. A release for a holder with no hold on that lock ends the oldest
 * open hold on the lock (ownership passed on, as with LK_KERNPROC); a
 * release of a lock nobody holds is ignored. Holds still open at the end of
 * the trace run to its end. Several holders may hold a lock at once
 * (shared modes). The machine's own `mp-acquire` / `mp-release` are read the
 * same way, with the MP lock ("mplock") held by a cpu.
 *
 * The kinds are part of @kprim/machine's core event kinds, so every layer
 * can emit them.
 */
import type { TraceEvent } from "@kprim/machine";

/** One lock hold, by indices into the event list. */
export interface LockHold {
  readonly lock: string;
  /** Who held it: a thread name, or "cpuN" for the MP lock. */
  readonly holder: string;
  readonly mode: string | undefined;
  /** Index of the acquiring event. */
  readonly from: number;
  /** Index of the releasing event; -1 when still held at the end of the trace. */
  readonly to: number;
}

interface OpenHold {
  readonly key: string;
  readonly holder: string;
  readonly mode: string | undefined;
  readonly from: number;
  depth: number;
}

/** Every lock hold in `events`, in order of acquisition. */
export function lockHolds(events: readonly TraceEvent[], threadName: (id: number) => string): LockHold[] {
  const holds: (LockHold & { order: number })[] = [];
  const open = new Map<string, OpenHold[]>();
  const close = (lock: string, h: OpenHold, to: number): void => {
    holds.push({ lock, holder: h.holder, mode: h.mode, from: h.from, to, order: h.from });
    const list = open.get(lock)!;
    list.splice(list.indexOf(h), 1);
  };
  events.forEach((e, i) => {
    const mp = e.kind === "mp-acquire" || e.kind === "mp-release";
    const acquire = e.kind === "lock.acquire" || e.kind === "lock.try-acquire" || e.kind === "mp-acquire";
    if (!mp && !acquire && e.kind !== "lock.release") return;
    const lock = mp ? "mplock" : e.obj;
    if (lock === undefined) return;
    const holderId = e.target ?? e.thread;
    const key = mp ? `cpu${e.cpu}` : `t${holderId}`;
    let list = open.get(lock);
    if (list === undefined) open.set(lock, (list = []));
    const mine = list.find((h) => h.key === key);
    if (acquire) {
      if (mine !== undefined) mine.depth += mp ? 0 : 1;
      else
        list.push({
          key,
          holder: mp ? key : threadName(holderId),
          mode: mp ? undefined : modeOf(e.detail),
          from: i,
          depth: 1,
        });
      return;
    }
    const ending = mine ?? list[0];
    if (ending === undefined) return;
    if (ending === mine && --ending.depth > 0) return;
    close(lock, ending, i);
  });
  for (const [lock, list] of open) for (const h of [...list]) close(lock, h, -1);
  holds.sort((a, b) => a.order - b.order);
  return holds.map(({ order: _order, ...h }) => h);
}

/** The mode part of "<kind>:<class>:<mode>", if any. */
function modeOf(detail: string | undefined): string | undefined {
  return detail?.split(":")[2];
}
