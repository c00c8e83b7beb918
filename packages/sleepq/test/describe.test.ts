/**
 * The sleep queues in words (describe.ts): the buckets in use with their
 * cpumask bits, the idents hashing there and each cpu's sleepers, read
 * without changing the machine.
 */
import { type Choice, createMachine, expectOutcome, type MachineView, type Strategy } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import {
  bucketOf,
  collidingIdent,
  describeSleepQueues,
  newIdent,
  SLEEP_HASH,
  type SleepBucketDescription,
  tsleep,
  wakeup,
} from "../src/index.js";

/** Always the last choice (the highest cpu first); records what describeSleepQueues says before each step. */
function watching(seen: SleepBucketDescription[][]): Strategy {
  return {
    name: "watching",
    choose(enabled: readonly Choice[], view: MachineView) {
      seen.push(describeSleepQueues(view));
      return enabled.length - 1;
    },
  };
}

describe("describeSleepQueues", () => {
  it("shows a sleeper in its bucket with its cpu's mask bit, then the bucket empty again", () => {
    const seen: SleepBucketDescription[][] = [];
    const m = createMachine({ cpus: 2, strategy: watching(seen) });
    const X = newIdent(m, "X");
    const Y = collidingIdent(m, "Y", X);
    m.spawn({
      cpu: 1,
      name: "S",
      *body(k) {
        yield* tsleep(k, X, {}, "xwait", 0);
      },
    });
    m.spawn({
      cpu: 0,
      name: "W",
      *body(k) {
        yield* k.nop("later");
        yield* k.nop("later");
        yield* wakeup(k, X);
      },
    });
    expectOutcome(m.run(), "ok");
    const queued = seen.find((s) => s.some((b) => b.sleepers.length > 0));
    expect(queued).toEqual([
      {
        bucket: bucketOf(X),
        mask: 0b10,
        maskCpus: [1],
        idents: ["X", "Y"],
        sleepers: [{ cpu: 1, thread: "S", ident: "X", wmesg: "xwait" }],
      },
    ]);
    expect(bucketOf(Y)).toBe(bucketOf(X));
    expect(seen[0]).toEqual([]);
    expect(describeSleepQueues(m)).toEqual([]);
  });

  it("is empty for a machine without a sleep hash, and leaves it without one", () => {
    const m = createMachine({ cpus: 1 });
    expect(describeSleepQueues(m)).toEqual([]);
    expect(m.peekExt(SLEEP_HASH)).toBeUndefined();
  });
});
