/**
 * A broken token layer (a test plugin's `layers: { token }`): tokens that
 * also exclude like a spinlock — a second thread spins until the holder
 * releases — instead of yielding back to a preempted holder (spec §2.2). An
 * interrupt thread that preempts the holder and wants its token spins on a
 * holder that cannot run again: a deadlock.
 */
import { type Cell, type Gen, type KernelContext, type Machine } from "@kprim/machine";
import { type TokRef, type Token, tokenLayer, type TokenLayer } from "@kprim/token";

const holders = new WeakMap<Token, Cell<number>>();
const base = tokenLayer("yield");

export const spinsOnHeldToken: TokenLayer = Object.freeze({
  ...base,
  name: "broken: a token that spins while another thread holds it",
  create(this: TokenLayer, machine: Machine, name: string, opts: { cpu?: number } = {}): Token {
    const tok = base.create.call(this, machine, name, opts);
    holders.set(tok, machine.cell(`${name}.holder`, 0, { code: "thread+1" }));
    return tok;
  },
  *get(k: KernelContext, tok: Token): Gen<TokRef> {
    const h = holders.get(tok)!;
    const me = k.thread.id + 1;
    for (;;) {
      yield* k.spinUntil(`token ${tok.name} held`, [h], (tx) => tx.read(h) === 0);
      if (yield* k.cas(h, 0, me)) break;
    }
    return yield* base.get(k, tok);
  },
  *release(k: KernelContext, ref: TokRef): Gen<void> {
    yield* base.release(k, ref);
    yield* k.store(holders.get(ref.tok)!, 0);
  },
});
