/**
 * Replacing one member of a layer replaces it everywhere: the layers'
 * members call each other through the layer in place (msleep's tsleep,
 * spin_lock's spin_lock_quick, getblk's getnewbuf, brelse's BUF_UNLOCK, ...),
 * so a plugin that replaces one member alone is not bypassed on another
 * member's path. And the options that configure a built-in layer are
 * applied to a replacement made from it, or refused with one line by one
 * that cannot take them.
 */
import { bufLayer } from "@kprim/buf";
import { explore } from "@kprim/explore";
import { type Gen, type KernelContext, ParamError } from "@kprim/machine";
import { type Ident, sleepHash, sleepqLayer, type SleepqLayer, type TsleepFlags } from "@kprim/sleepq";
import { spinlockLayer } from "@kprim/spinlock";
import { tokenLayer, type TokenLayer, tokenSystem } from "@kprim/token";
import { describe, expect, it } from "vitest";
import { composeKernel, type KernelOverrides, prepare, resolveOptions } from "../src/index.js";
import { rewrittenTsleep } from "./broken/tsleep.js";

/**
 * `base` with every member in `members` wrapped: each call counts, and a call
 * made while the same thread is inside another wrapped member is recorded
 * as internal (member → the member it called).
 */
function spied<L extends object>(base: L, members: readonly (keyof L & string)[]) {
  const depth = new Map<number, string[]>();
  const internal = new Set<string>();
  const layer: Record<string, unknown> = { ...base, name: `${(base as { name: string }).name}-spied` };
  for (const name of members) {
    const f = (base as Record<string, (...a: unknown[]) => Gen<unknown>>)[name]!;
    layer[name] = function* (this: unknown, k: KernelContext, ...rest: unknown[]): Gen<unknown> {
      const stack = depth.get(k.thread.id) ?? [];
      depth.set(k.thread.id, stack);
      if (stack.length > 0) internal.add(`${stack.at(-1)} → ${name}`);
      stack.push(name);
      try {
        return yield* f.call(this, k, ...rest);
      } finally {
        stack.pop();
      }
    };
  }
  return { layer: Object.freeze(layer) as unknown as L, internal };
}

/** A layer as one written from scratch would be: no `configure`. */
function withoutConfigure<L extends { configure?: unknown }>(layer: L): Omit<L, "configure"> {
  const out: Partial<L> = { ...layer };
  delete out.configure;
  return out as Omit<L, "configure">;
}

function runOnce(scenario: string, kernel: KernelOverrides, opts: { variant?: string } = {}): void {
  const p = prepare({ scenario, kernel, ...opts });
  const r = explore(p.build.bind(p), { mode: { kind: "random", seed: 1, runs: 20 } });
  expect(r.kind).toBe("not-found");
}

describe("a layer's members call each other through the layer in place", () => {
  it("sleepq: msleep sleeps with the layer's tsleep_interlock and tsleep", () => {
    const s = spied(sleepqLayer("chain"), ["msleep", "tsleep", "tsleepInterlock"]);
    runOnce("lost-wakeup", { sleepq: s.layer });
    expect([...s.internal].sort()).toEqual(["msleep → tsleep", "msleep → tsleepInterlock"]);
  });

  it("spinlock: spin_lock and spin_unlock take and drop the word with the layer's _quick forms", () => {
    const s = spied(spinlockLayer, ["lock", "unlock", "lockQuick", "unlockQuick"]);
    runOnce("lost-wakeup", { spinlock: s.layer });
    expect([...s.internal].sort()).toEqual(["lock → lockQuick", "unlock → unlockQuick"]);
  });

  it("buf: getblk, getnewbuf, the releases and the buffer daemon call the layer's members", () => {
    const s = spied(bufLayer, [
      "getblk",
      "getnewbuf",
      "brelse",
      "bqrelse",
      "bdwrite",
      "bremfree",
      "lock",
      "unlock",
      "refcnt",
    ]);
    runOnce("buf-churn", { buf: s.layer });
    expect([...s.internal].sort()).toEqual([
      "bdwrite → bqrelse",
      "bqrelse → refcnt",
      "bqrelse → unlock",
      "brelse → refcnt",
      "brelse → unlock",
      "bremfree → refcnt",
      "getblk → bremfree",
      "getblk → getnewbuf",
      "getblk → lock",
      "getnewbuf → bremfree",
      "getnewbuf → lock",
    ]);
  });

  it("buf: the buffer daemon's lock, bremfree and brelse go through the layer", () => {
    const s = spied(bufLayer, ["bufdaemon", "lock", "bremfree", "brelse"]);
    runOnce("getnewbuf-blocked-unexpectedly", { buf: s.layer }, { variant: "SPIN+TI" });
    expect([...s.internal]).toContain("bufdaemon → lock");
  });
});

describe("options that configure a built-in layer, once a plugin replaces it", () => {
  const sleepqFromScratch: SleepqLayer = { ...withoutConfigure(sleepqLayer("chain")), name: "from-scratch" };

  it("wakeup=multicast is applied to a sleep queue made from the built-in one", () => {
    const replaced: SleepqLayer = { ...sleepqLayer("chain"), name: "replaced" };
    const p = prepare({ scenario: "lost-wakeup", options: { wakeup: "multicast" }, kernel: { sleepq: replaced } });
    const m = p.build();
    expect(sleepHash(m).form).toBe("multicast");
    expect(p.header.options["wakeup"]).toBe("multicast");
  });

  it("wakeup=multicast is refused with one line by a sleep queue that cannot take it", () => {
    const go = () =>
      prepare({ scenario: "lost-wakeup", options: { wakeup: "multicast" }, kernel: { sleepq: sleepqFromScratch } });
    expect(go).toThrow(ParamError);
    expect(go).toThrow(
      'option wakeup=multicast configures the built-in sleepq layer, but the sleepq layer in place is "from-scratch" (wakeup=chain), which cannot apply it (no configure): leave the option out or use a variant without it',
    );
    // Its own form is no configuration to refuse.
    expect(() =>
      prepare({ scenario: "lost-wakeup", options: { wakeup: "chain" }, kernel: { sleepq: sleepqFromScratch } }),
    ).not.toThrow();
  });

  it("the token's spin2005 mode is applied to a token layer made from the built-in one", () => {
    const replaced: TokenLayer = { ...tokenLayer("yield"), name: "replaced" };
    const kernel = composeKernel(resolveOptions("TOK-spin2005"), { token: replaced });
    expect(kernel.token.mode).toBe("spin2005");
    expect(kernel.token.name).toBe("replaced");
    const m = prepare({ scenario: "token-stale-read", variant: "TOK-spin2005", kernel: { token: replaced } }).build();
    expect(tokenSystem(m).mode).toBe("spin2005");
  });

  it("the token's spin2005 mode is refused with one line by a token layer that cannot take it", () => {
    const fixed: TokenLayer = { ...withoutConfigure(tokenLayer("yield")), name: "yield-only" };
    expect(() => prepare({ scenario: "token-stale-read", variant: "TOK-spin2005", kernel: { token: fixed } })).toThrow(
      /^option tokenMode=spin2005 configures the built-in token layer, but the token layer in place is "yield-only" \(tokenMode=yield\)/,
    );
    expect(() => prepare({ scenario: "token-stale-read", variant: "TOK", kernel: { token: fixed } })).not.toThrow();
  });

  it("spinWait=rev1.3 is applied to a spinlock layer made from the built-in one", () => {
    const replaced = { ...spinlockLayer, name: "replaced" };
    const kernel = composeKernel(resolveOptions("SPIN+TI", { spinWait: "rev1.3" }), { spinlock: replaced });
    const m = prepare({ scenario: "lost-wakeup", kernel: { spinlock: replaced } }).build();
    expect(kernel.spinlock.create(m, "S2").wait).toBe("rev1.3");
    expect(kernel.spinlock.name).toBe("replaced");
  });
});

describe("the helpers a natural rewrite needs are exported", () => {
  /**
   * tsleep rewritten as a plugin author would, from the exported helpers
   * (broken/tsleep.ts, with the exported `endtsleep` as its timeout): the
   * copy-on-write bucket access, the per-thread sleep state, the timeout.
   */
  let calls = 0;
  const fromHelpers = rewrittenTsleep("endtsleep");
  function* rewritten(k: KernelContext, ident: Ident, flags: TsleepFlags, wmesg: string, timo: number): Gen<number> {
    calls++;
    return yield* fromHelpers(k, ident, flags, wmesg, timo);
  }

  it("a tsleep rewritten from them runs the sleep scenarios clean (DPOR, exhausted)", () => {
    const sleepq: SleepqLayer = { ...sleepqLayer("chain"), name: "rewritten-tsleep", tsleep: rewritten };
    for (const scenario of ["lost-wakeup", "interlock-timeout"]) {
      const p = prepare({ scenario, kernel: { sleepq } });
      const r = explore(p.build.bind(p), { mode: { kind: "dpor" }, maxExecutions: 20_000 });
      expect(r.kind, scenario).toBe("not-found");
      expect(r.kind === "not-found" && r.exhausted, scenario).toBe(true);
    }
    // msleep (the spin interlock's sleep, and lost-wakeup's) slept with it.
    expect(calls).toBeGreaterThan(0);
  });
});
