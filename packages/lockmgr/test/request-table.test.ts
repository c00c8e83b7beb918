/**
 * lockmgr requests against lock states, row by row, transcribed by hand from
 * spec §4.4 (rev 1.13, and the 2008 differences). Each row starts from a
 * lock state set directly, makes one request as thread `me`, and expects a
 * result and a new state — or a panic, or that the request sleeps.
 */
import type { KernelContext } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { type LockFlags, lockmgr, type LockRequest, peekLock } from "../src/index.js";
import { machineWithLock } from "./kit.js";

const HAVE_EXCL = 0x400;
const WANT_EXCL = 0x200;
const WANT_UPGRADE = 0x100;
const SHARE_NONZERO = 0x100000;
const WAITDRAIN = 0x800;
const DRAINING = 0x4000;
const ME = 0;
const OTHER = 7;
const NOTHREAD = -1;
const KERNTHREAD = -2;

interface State {
  flags: number;
  share: number;
  excl: number;
  holder: number;
}

interface Row {
  name: string;
  semantics?: "2005" | "2008";
  from: State;
  request: LockRequest;
  flags?: LockFlags;
  expect: { result: number; state: State } | { panic: string } | "sleeps";
}

const free: State = { flags: 0, share: 0, excl: 0, holder: NOTHREAD };
const sharedBy = (n: number): State => ({ flags: SHARE_NONZERO, share: n, excl: 0, holder: NOTHREAD });
const exclBy = (h: number, n = 1): State => ({ flags: HAVE_EXCL, share: 0, excl: n, holder: h });

const rows: Row[] = [
  {
    name: "SHARED on a free lock takes a share",
    from: free,
    request: "shared",
    expect: { result: 0, state: sharedBy(1) },
  },
  {
    name: "SHARED on a shared lock adds a share",
    from: sharedBy(1),
    request: "shared",
    expect: { result: 0, state: sharedBy(2) },
  },
  { name: "SHARED on another's exclusive lock sleeps", from: exclBy(OTHER), request: "shared", expect: "sleeps" },
  {
    name: "SHARED|NOWAIT on another's exclusive lock is EBUSY",
    from: exclBy(OTHER),
    request: "shared",
    flags: { nowait: true },
    expect: { result: 16, state: exclBy(OTHER) },
  },
  {
    name: "SHARED|NOWAIT while an exclusive request waits (WANT_EXCL) is EBUSY",
    from: { ...sharedBy(1), flags: SHARE_NONZERO | WANT_EXCL },
    request: "shared",
    flags: { nowait: true },
    expect: { result: 16, state: { ...sharedBy(1), flags: SHARE_NONZERO | WANT_EXCL } },
  },
  {
    name: "SHARED by the exclusive holder shares and downgrades",
    from: exclBy(ME),
    request: "shared",
    expect: { result: 0, state: sharedBy(2) },
  },
  {
    name: "EXCLUSIVE on a free lock takes it",
    from: free,
    request: "exclusive",
    expect: { result: 0, state: exclBy(ME) },
  },
  {
    name: "EXCLUSIVE|NOWAIT on a shared lock is EBUSY",
    from: sharedBy(1),
    request: "exclusive",
    flags: { nowait: true },
    expect: { result: 16, state: sharedBy(1) },
  },
  { name: "EXCLUSIVE on a shared lock sleeps", from: sharedBy(1), request: "exclusive", expect: "sleeps" },
  {
    name: "EXCLUSIVE by the holder without CANRECURSE panics",
    from: exclBy(ME),
    request: "exclusive",
    expect: { panic: "lockmgr: locking against myself" },
  },
  {
    name: "EXCLUSIVE|NOWAIT by the holder is EBUSY",
    from: exclBy(ME),
    request: "exclusive",
    flags: { nowait: true },
    expect: { result: 16, state: exclBy(ME) },
  },
  {
    name: "EXCLUSIVE|CANRECURSE by the holder recurses",
    from: exclBy(ME),
    request: "exclusive",
    flags: { canrecurse: true },
    expect: { result: 0, state: exclBy(ME, 2) },
  },
  {
    name: "UPGRADE by the exclusive holder panics",
    from: exclBy(ME),
    request: "upgrade",
    expect: { panic: "lockmgr: upgrade exclusive lock" },
  },
  {
    name: "UPGRADE without a shared hold panics",
    from: free,
    request: "upgrade",
    expect: { panic: "lockmgr: upgrade exclusive lock" },
  },
  {
    name: "UPGRADE of the only share takes the lock exclusively",
    from: sharedBy(1),
    request: "upgrade",
    expect: { result: 0, state: exclBy(ME) },
  },
  {
    name: "UPGRADE|NOWAIT with another sharer is EBUSY and drops our share",
    from: sharedBy(2),
    request: "upgrade",
    flags: { nowait: true },
    expect: { result: 16, state: sharedBy(1) },
  },
  {
    name: "EXCLUPGRADE with an upgrade pending is EBUSY and drops our share",
    from: { ...sharedBy(2), flags: SHARE_NONZERO | WANT_UPGRADE },
    request: "exclupgrade",
    expect: { result: 16, state: { ...sharedBy(1), flags: SHARE_NONZERO | WANT_UPGRADE } },
  },
  {
    name: "DOWNGRADE turns every recursion level into a share",
    from: exclBy(ME, 2),
    request: "downgrade",
    expect: { result: 0, state: sharedBy(2) },
  },
  {
    name: "DOWNGRADE by a non-holder panics",
    from: exclBy(OTHER),
    request: "downgrade",
    expect: { panic: "lockmgr: not holding exclusive lock" },
  },
  {
    name: "RELEASE of an unheld lock is ignored (2005)",
    from: free,
    request: "release",
    expect: { result: 0, state: free },
  },
  {
    name: "RELEASE of an unheld lock panics (2008)",
    semantics: "2008",
    from: free,
    request: "release",
    expect: { panic: "lockmgr: LK_RELEASE of L, which is not held" },
  },
  {
    name: "RELEASE of another's exclusive hold panics",
    from: exclBy(OTHER),
    request: "release",
    expect: { panic: "lockmgr: pid 0, not exclusive lock holder thr 7 unlocking" },
  },
  {
    name: "RELEASE of a hold handed to the kernel works from any thread",
    from: exclBy(KERNTHREAD),
    request: "release",
    expect: { result: 0, state: free },
  },
  {
    name: "RELEASE of a recursive hold drops one level",
    from: exclBy(ME, 2),
    request: "release",
    expect: { result: 0, state: exclBy(ME, 1) },
  },
  {
    name: "RELEASE of one share of two",
    from: sharedBy(2),
    request: "release",
    expect: { result: 0, state: sharedBy(1) },
  },
  { name: "RELEASE of the last share", from: sharedBy(1), request: "release", expect: { result: 0, state: free } },
  {
    name: "DRAIN by the exclusive holder panics",
    from: exclBy(ME),
    request: "drain",
    expect: { panic: "lockmgr: draining against myself" },
  },
  {
    name: "DRAIN of a free lock takes it exclusively and marks it drained",
    from: free,
    request: "drain",
    expect: { result: 0, state: { flags: HAVE_EXCL | DRAINING, share: 0, excl: 1, holder: ME } },
  },
  {
    name: "DRAIN|NOWAIT of a held lock is EBUSY",
    from: sharedBy(1),
    request: "drain",
    flags: { nowait: true },
    expect: { result: 16, state: sharedBy(1) },
  },
  { name: "DRAIN of a held lock sleeps with WAITDRAIN", from: sharedBy(1), request: "drain", expect: "sleeps" },
];

describe("lockmgr requests against lock states (spec §4.4)", () => {
  for (const row of rows) {
    it(row.name, () => {
      const { m, L } = machineWithLock({ cpus: 1 }, { semantics: row.semantics ?? "2005" });
      const results = m.cell<number[]>("results", [], { cpu: 0 });
      m.spawn({
        cpu: 0,
        name: "me",
        *body(k: KernelContext) {
          yield* k.atomic("set the state", { writes: [L.cell] }, (tx) => {
            const s = tx.mutate(L.cell);
            s.flags = row.from.flags;
            s.sharecount = row.from.share;
            s.exclusivecount = row.from.excl;
            s.holder = row.from.holder;
          });
          const r = yield* lockmgr(k, L, row.request, row.flags ?? {});
          yield* k.atomic("result", {}, (tx) => void tx.mutate(results).push(r));
        },
      });
      const out = m.run();
      const e = row.expect;
      if (e === "sleeps") {
        const on = row.request === "drain" ? "L.lk_flags" : "L";
        expect(out.outcome).toMatchObject({
          kind: "deadlock",
          waiters: [{ name: "me", waitsOn: `asleep on ${on} (lwait)` }],
        });
        if (row.request === "drain") expect(peekLock(m, L).flags & WAITDRAIN).toBe(WAITDRAIN);
        else expect(peekLock(m, L).waitcount).toBe(1);
        return;
      }
      if ("panic" in e) {
        expect(out.outcome).toMatchObject({ kind: "panic", message: e.panic });
        return;
      }
      expect(out.outcome).toEqual({ kind: "ok" });
      expect(m.peek(results)).toEqual([e.result]);
      const s = peekLock(m, L);
      expect({ flags: s.flags, share: s.sharecount, excl: s.exclusivecount, holder: s.holder }).toEqual(e.state);
    });
  }
});
