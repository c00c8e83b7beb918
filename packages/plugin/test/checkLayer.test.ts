/**
 * checkLayer: a replaced lockmgr whose release forgets to wake the waiters is
 * caught (with a replay handle), the built-in layer passes the same cases,
 * and a misspelt scenario or variant is refused in one line before anything
 * runs.
 */
import { LK_HAVE_EXCL, LK_NOTHREAD, LK_SHARE_NONZERO, type LockmgrLayer, lockmgrLayer } from "@kprim/lockmgr";
import { ParamError } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { checkLayer, definePlugin } from "../src/index.js";

/** docs/plugins.md §14's broken lockmgr: release forgets to wake the waiters. */
const forgetsWakeup: LockmgrLayer = {
  ...lockmgrLayer,
  name: "release-forgets-wakeup",
  *lockmgr(k, lock, request, opts) {
    if (request !== "release") return yield* lockmgrLayer.lockmgr(k, lock, request, opts);
    yield* lock.interlock.acquire(k);
    yield* k.atomic(`lockmgr RELEASE ${lock.name}`, { writes: [lock.cell] }, (tx) => {
      const w = tx.mutate(lock.cell);
      if (w.exclusivecount > 0 && --w.exclusivecount === 0) {
        w.flags &= ~LK_HAVE_EXCL;
        w.holder = LK_NOTHREAD;
      } else if (w.sharecount > 0 && --w.sharecount === 0) w.flags &= ~LK_SHARE_NONZERO;
      tx.event("lock.release", lock.name, `lockmgr:${lock.lockClass}`);
    });
    yield* lock.interlock.release(k);
    return 0;
  },
};

/** The built-in lockmgr, counting the calls into it (a check that runs anything calls it). */
function counted(): { layer: LockmgrLayer; calls: { n: number } } {
  const calls = { n: 0 };
  const layer: LockmgrLayer = {
    ...lockmgrLayer,
    name: "counted",
    lockinit(...args) {
      calls.n++;
      return lockmgrLayer.lockinit(...args);
    },
  };
  return { layer, calls };
}

describe("checkLayer", () => {
  it("catches a lockmgr whose release forgets the waiters, with a replay handle; the built-in layer passes the same cases", () => {
    const opts = { scenarios: ["lockmgr-lost-wakeup"], variants: ["SPIN+TI"] };
    const bad = checkLayer(
      { plugin: definePlugin({ name: "broken-lockmgr", layers: { lockmgr: forgetsWakeup } }), source: "./broken.mjs" },
      opts,
    );
    expect(bad.passed).toBe(false);
    expect(bad.layers).toEqual(["lockmgr"]);
    expect(bad.failures).toHaveLength(1);
    expect(bad.failures[0]!.replay).toMatch(
      /^kprim replay lockmgr-lost-wakeup --plugin \.\/broken\.mjs --schedule 'kprim3:lockmgr-lost-wakeup:/,
    );
    const { layer } = counted();
    const good = checkLayer(definePlugin({ name: "counted-lockmgr", layers: { lockmgr: layer } }), opts);
    expect([good.passed, good.cases.length, good.failures.length]).toEqual([true, 1, 0]);
  });

  it("refuses a misspelt scenario or variant in one line, naming the nearest, before running anything", () => {
    for (const [opts, message] of [
      [
        { scenarios: ["lockmgr-lost-wakeup", "lockmgr-lost-wakup"] },
        'unknown scenario "lockmgr-lost-wakup" (did you mean "lockmgr-lost-wakeup"?)',
      ],
      [{ scenarios: ["lockmgr-lost-wakeup"], variants: ["SPIN+TI", "SPIN+T"] }, 'unknown variant "SPIN+T"'],
    ] as const) {
      const { layer, calls } = counted();
      let thrown: unknown;
      try {
        checkLayer(definePlugin({ name: "counted-lockmgr", layers: { lockmgr: layer } }), opts);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ParamError);
      expect((thrown as Error).message).toContain(message);
      expect((thrown as Error).message).not.toContain("\n");
      expect(calls.n).toBe(0);
    }
  });
});
