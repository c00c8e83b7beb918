/**
 * The contended wait, rev 1.1 (2005) against rev 1.3 (2006): spec §3.3 and
 * the open question §8.7. Rev 1.1's spinner processes nothing; rev 1.3's
 * runs its cpu's IPIs (splz) while it waits, even inside the critical
 * section spin_lock entered.
 */
import { createMachine, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { createSpinlock, spinLock, spinLockQuick, spinUnlock, type SpinWait } from "../src/index.js";

function ipiWhileSpinning(wait: SpinWait): string[] {
  const m = createMachine({ cpus: 3, strategy: roundRobin() });
  const S = createSpinlock(m, "S", { wait });
  const log = m.cell<string[]>("log", []);
  const held = m.cell("held", 0);
  const sent = m.cell("sent", 0);
  const inside = m.cell("inside", 0);
  m.spawn({
    cpu: 1,
    name: "H",
    *body(k) {
      yield* spinLock(k, S);
      yield* k.store(held, 1);
      // Hold S until the spinner's cpu has been sent an IPI; then let go.
      yield* k.spinUntil("IPI sent", [sent], (tx) => tx.read(sent) === 1);
      yield* k.atomic("release soon", { writes: [log] }, (tx) => void tx.mutate(log).push("H releases"));
      yield* spinUnlock(k, S);
    },
  });
  m.spawn({
    cpu: 0,
    name: "T",
    *body(k) {
      yield* k.spinUntil("H holds S", [held], (tx) => tx.read(held) === 1);
      // spin_lock, with a note once inside its critical section: the contended part follows.
      k.critEnter();
      yield* k.store(inside, 1);
      yield* spinLockQuick(k, S);
      yield* k.atomic("got S", { writes: [log] }, (tx) => void tx.mutate(log).push("T has S"));
      yield* spinUnlock(k, S);
    },
  });
  m.spawn({
    cpu: 2,
    name: "P",
    *body(k) {
      yield* k.spinUntil("T in its critical section", [inside], (tx) => tx.read(inside) === 1);
      yield* k.atomic("IPI to cpu0", { writes: [sent] }, (tx) => {
        tx.sendIpi(0, "note", (itx) => void itx.mutate(log).push(`IPI on cpu0 (${itx.thread?.name ?? "idle"})`), {
          writes: [log],
        });
        tx.write(sent, 1);
      });
    },
  });
  expect(m.run().outcome).toEqual({ kind: "ok" });
  return m.peek(log);
}

describe("a contended spin_lock's wait", () => {
  it("rev 1.1 (2005): an IPI to the spinner's cpu waits until the spinner has the lock and leaves its critical section", () => {
    const log = ipiWhileSpinning("rev1.1");
    const ipi = log.findIndex((l) => l.startsWith("IPI on cpu0"));
    expect(ipi).toBeGreaterThan(log.indexOf("T has S"));
  });
  it("rev 1.3 (2006): the spinner runs it while it waits (splz), inside its critical section", () => {
    const log = ipiWhileSpinning("rev1.3");
    expect(log.indexOf("IPI on cpu0 (T)")).toBeGreaterThanOrEqual(0);
    expect(log.indexOf("IPI on cpu0 (T)")).toBeLessThan(log.indexOf("T has S"));
  });
});
