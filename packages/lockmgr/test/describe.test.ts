/**
 * The locks of a machine in words (describe.ts): what a state display shows
 * at each step — the flags by name, the counts, the holder by name — read
 * without changing the machine.
 */
import { type Choice, createMachine, type MachineView, type Strategy } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { describeLocks, type LockDescription, lockmgr, LOCKMGR_SYSTEM, lockmgrKernproc } from "../src/index.js";
import { machineWithLock } from "./kit.js";

/** Round-robin that records what describeLocks says before each step. */
function watching(seen: LockDescription[][]): Strategy {
  let turn = 0;
  return {
    name: "watching",
    choose(enabled: readonly Choice[], view: MachineView) {
      seen.push(describeLocks(view));
      return turn++ % enabled.length;
    },
  };
}

describe("describeLocks", () => {
  it("names the holder, the flags and the counts as the lock changes hands", () => {
    const seen: LockDescription[][] = [];
    const { m, L } = machineWithLock({ cpus: 2, strategy: watching(seen) });
    m.spawn({
      cpu: 0,
      name: "T_h",
      *body(k) {
        yield* lockmgr(k, L, "exclusive");
        yield* k.nop("work");
        yield* k.nop("work");
        yield* lockmgr(k, L, "release");
      },
    });
    m.spawn({
      cpu: 1,
      name: "T_w",
      *body(k) {
        yield* k.nop("later");
        yield* lockmgr(k, L, "exclusive");
        yield* lockmgr(k, L, "release");
      },
    });
    expect(m.run().outcome).toEqual({ kind: "ok" });
    const forms = [
      ...new Set(seen.map((s) => `${s[0]!.holder} ${s[0]!.flags} x${s[0]!.exclusivecount} w${s[0]!.waitcount}`)),
    ];
    expect(forms[0]).toBe("null 0 x0 w0");
    expect(forms).toContain("T_h HAVE_EXCL x1 w0");
    expect(forms).toContain("T_w HAVE_EXCL x1 w0");
    expect(seen[0]![0]).toMatchObject({ name: "L", interlock: "spin L.interlock", sharecount: 0 });
    const end = describeLocks(m);
    expect(end).toEqual([{ ...seen[0]![0]!, holder: null, flags: "0" }]);
  });

  it("calls a hold handed to the kernel LK_KERNTHREAD", () => {
    const { m, L } = machineWithLock({ cpus: 1 });
    m.spawn({
      cpu: 0,
      name: "starter",
      *body(k) {
        yield* lockmgr(k, L, "exclusive");
        yield* lockmgrKernproc(k, L);
      },
    });
    m.run();
    expect(describeLocks(m)[0]).toMatchObject({ holder: "LK_KERNTHREAD", flags: "HAVE_EXCL", exclusivecount: 1 });
  });

  it("is empty for a machine without lockmgr locks, and leaves it without the registry", () => {
    const m = createMachine({ cpus: 1 });
    expect(describeLocks(m)).toEqual([]);
    expect(m.peekExt(LOCKMGR_SYSTEM)).toBeUndefined();
  });
});
