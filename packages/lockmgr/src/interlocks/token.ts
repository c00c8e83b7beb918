/**
 * The pre-patch interlock: an LWKT token (kern_lock.c rev 1.13; spec §4.4, §4.7).
 *
 * Sleeping is a plain `tsleep` with the token "held": the token drops at the
 * switch-out and comes back before the thread runs again. That makes the
 * sleep race-free for free — a releaser on another cpu must first get the
 * token from the sleeper's cpu, which grants it only at `lwkt_switch`, after
 * the sleeper is queued (spec §4.7.1). The price: acquiring the token is
 * itself a blocking point when another cpu owns it, so lockmgr is not atomic
 * with the caller's earlier observations (the getnewbuf race).
 */
import { defineThreadLocal, type Gen, type KernelContext, type Machine } from "@kprim/machine";
import type { Ident } from "@kprim/sleepq";
import type { TokRef, Token } from "@kprim/token";
import {
  InsideCounter,
  type Interlock,
  type InterlockDeps,
  type InterlockKind,
  type InterlockOptions,
} from "../interlock.js";

/**
 * Per thread, the references it holds on token interlocks, by interlock (its
 * frozen key: saved states leave it unwalked). A thread-local, read by the
 * thread's own code between its yields: a thread rebuilt for a restored
 * state reads it as it was then (a map on the interlock, shared by every
 * thread, would hold the newer state there).
 */
const INTERLOCK_REFS = defineThreadLocal<Map<object, TokRef[]>>("lk_interlock_refs", () => new Map());

class TokenInterlock extends InsideCounter implements Interlock {
  readonly kind = "token";
  /** This interlock in the holders' INTERLOCK_REFS. */
  private readonly key: object;

  constructor(
    readonly name: string,
    readonly token: Token,
    private readonly deps: InterlockDeps,
  ) {
    super();
    this.key = Object.freeze({ interlock: name });
  }

  *acquire(k: KernelContext): Gen<void> {
    const ref = yield* this.deps.token.get(k, this.token);
    const held = k.local(INTERLOCK_REFS);
    let refs = held.get(this.key);
    if (refs === undefined) held.set(this.key, (refs = []));
    refs.push(ref);
    this.enter();
  }

  *release(k: KernelContext): Gen<void> {
    const ref = k.local(INTERLOCK_REFS).get(this.key)?.pop();
    if (ref === undefined) k.panic(`${this.name}: ${k.thread.name} releases an interlock it does not hold`);
    this.leave();
    yield* this.deps.token.release(k, ref);
  }

  *sleep(k: KernelContext, ident: Ident, wmesg: string, timo: number): Gen<number> {
    this.leave();
    const error = yield* this.deps.sleepq.tsleep(k, ident, {}, wmesg, timo);
    this.enter();
    return error;
  }

  *wakeup(k: KernelContext, ident: Ident): Gen<void> {
    yield* this.deps.sleepq.wakeup(k, ident);
  }
}

export const tokenInterlock: InterlockKind = Object.freeze({
  name: "token",
  description: "an LWKT token; sleeps with a plain tsleep, the token dropping at the switch (pre-patch)",
  broken: false,
  raises: { panics: ["%s: %s releases an interlock it does not hold"] },
  create(machine: Machine, name: string, deps: InterlockDeps, opts: InterlockOptions = {}): Interlock {
    return new TokenInterlock(
      name,
      deps.token.create(machine, name, opts.cpu !== undefined ? { cpu: opts.cpu } : {}),
      deps,
    );
  },
});
