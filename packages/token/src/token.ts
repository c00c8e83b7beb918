/**
 * LWKT serializing tokens, 2005 (lwkt_token.c rev 1.18; spec §2).
 *
 * Protects: whatever its users declare (`protect`); a token serializes its
 * holders only while they run. Ownership is by cpu: any thread on the owning
 * cpu that links a reference proceeds at once; threads of one cpu exclude
 * each other because only one runs and the rest are at blocking points.
 *
 * Invariants (T1–T4 of spec §2.4):
 * - Data a token protects is stable only between blocking points of its
 *   holder. A contended acquisition of *another* token is such a point (in
 *   spin2005 mode the spin grants queued requests even for tokens this thread
 *   holds); earlier reads are stale afterwards.
 * - Before a holder runs again all its tokens are owned by its cpu again
 *   (the scheduler's resume check requests the missing ones).
 * - Preemption never releases: a preemptor needing a token its preempted
 *   chain holds yields back to the chain; `lwkt_trytoken` fails instead.
 * - A holder that blocks keeps its references; the tokens go to whoever asks
 *   while it is switched out. Releases may come in any order.
 *
 * Calling context: thread context, never at interrupt level (asserted).
 * `gettoken` may block (yield mode) or spin processing IPIs (spin2005 mode);
 * `reltoken` waits while a request of its reference is still in flight — a
 * blocking point in yield mode, an IPI-processing point in spin2005 mode
 * (rev 1.18's MAKE_TOKENS_YIELD and MAKE_TOKENS_SPIN builds).
 *
 * Interface:
 *   createToken(m, name, { cpu, mode })   lwkt_token_init (owner = cpu)
 *   protect(m, tok, ...cells)             declare the data a token protects
 *   lwktGettoken(k, tok) → ref            lwkt_gettoken
 *   lwktReltoken(k, ref)                  lwkt_reltoken
 *   lwktTrytoken(k, tok) → ref | null     lwkt_trytoken
 *   lwktHavetoken(k, tok)                 lwkt_havetoken
 */
import {
  type Cell,
  type Footprint,
  type Gen,
  type KernelContext,
  type Machine,
  op,
  type Thread,
  type Tx,
} from "@kprim/machine";
import { kkassert } from "./kkassert.js";
import { ackQueued, chktokens, drainFootprint, drainRequests, queuedFor } from "./protocol.js";
import {
  MAGIC1,
  MAGIC2,
  type ThreadTokens,
  TokRef,
  type Token,
  type TokenMode,
  type TokenSystem,
  toks,
} from "./state.js";
import { tokenSystem } from "./system.js";

/**
 * `lwkt_token_init`: a token owned by `opts.cpu` (default cpu0), with its
 * release-to cpu the same, contending in `opts.mode` (default: the token
 * system's mode).
 *
 * Calling context: set-up, before the machine runs.
 */
export function createToken(machine: Machine, name: string, opts: { cpu?: number; mode?: TokenMode } = {}): Token {
  const sys = tokenSystem(machine);
  const cpu = opts.cpu ?? 0;
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= machine.ncpus) {
    throw new Error(`token ${name}: no cpu ${cpu} on a ${machine.ncpus}-cpu machine`);
  }
  const tok: Token = {
    name,
    cell: machine.cell(`token ${name}`, { cpu, reqcpu: cpu }),
    mode: opts.mode ?? sys.mode,
    stats: { acquisitions: 0, contended: 0, requests: 0 },
  };
  sys.tokens.push(tok);
  return tok;
}

/**
 * Declare cells whose consistency `tok` is meant to guarantee (the
 * stale-read detector watches them). Not a kernel call.
 *
 * Calling context: set-up.
 */
export function protect(machine: Machine, tok: Token, ...cells: Cell<any>[]): void {
  const sys = tokenSystem(machine);
  for (const c of cells) sys.protectedBy.set(c.id, { token: tok, name: c.name });
}

/**
 * `lwkt_gettoken(ref, tok)`: link a new reference to `tok` on this thread
 * and return once this cpu owns the token (and every other token the thread
 * holds). Linking alone keeps this cpu from giving an owned token away, so
 * no critical section is needed for an uncontended acquire.
 *
 * A preemptor whose preempted chain holds `tok` yields back to the chain
 * (one real switch). A token owned by another cpu is contended: a blocking
 * point in `yield` mode; in `spin2005` mode (rev 1.18) a spin inside a
 * critical section that runs this cpu's IPIs and grants its queued requests
 * — even for tokens this thread already holds — until every token is here.
 *
 * Either way it returns with the token on this cpu (rev 1.18 asserts it;
 * here the scheduler's resume check and the spin's last check round are
 * that condition).
 *
 * Calling context: thread context, not at interrupt level (asserted, as rev
 * 1.18 does); may block (yield) or spin processing IPIs (spin2005).
 */
export function* lwktGettoken(k: KernelContext, tok: Token): Gen<TokRef> {
  const sys = tokenSystem(k.machine);
  const t = k.thread;
  const mine = toks(t);
  if (k.intrNestingLevel > 0) k.panic(kkassert("gd->gd_intr_nesting_level == 0", "_lwkt_gettokref"));
  const ref = allocRef(k, sys, tok);
  // Its preempted chain is other threads' state, read between yields: observed (a rebuilt thread reads it as then).
  if (k.observe(() => chainHolds(t.preempted, tok))) {
    // A preemptor needing a token its preempted chain holds yields back to the chain.
    mine.refs.push(ref);
    mine.acquiring = true;
    yield* k.yieldCpu(`lwkt_gettoken ${tok.name}: held by the preempted thread`);
    mine.acquiring = false;
  } else {
    const here = yield* k.atomic(`lwkt_gettoken ${tok.name}`, { reads: [tok.cell], writes: [ref.cell] }, (tx) => {
      tx.write(ref.cell, { magic: MAGIC1, reqgd: -1 });
      mine.refs.push(ref);
      const owned = tx.read(tok.cell).cpu === tx.cpu;
      if (!owned) mine.acquiring = true;
      return owned;
    });
    if (!here) yield* contended(k, sys, tok);
  }
  tok.stats.acquisitions++;
  k.event("lock.acquire", tok.name, `token:${tok.name}`);
  return ref;
}

function* contended(k: KernelContext, sys: TokenSystem, tok: Token): Gen<void> {
  const t = k.thread;
  const mine = toks(t);
  tok.stats.contended++;
  k.event("token.contended", tok.name, tok.mode);
  if (tok.mode === "yield") {
    // A blocking point: every held token goes to whoever asks while we are
    // switched out; the scheduler resumes us once all of them are back here.
    yield* k.yieldCpu(`lwkt_gettoken ${tok.name} contended`);
  } else {
    // rev 1.18: spin in a critical section until every token is here; each
    // round runs our queued IPIs and grants queued requests — even for
    // tokens we hold.
    k.critEnter();
    const cpu = t.cpu;
    const describe = (): string => {
      const missing = mine.refs.filter((r) => k.machine.peek(r.tok.cell).cpu !== cpu).map((r) => r.tok.name);
      return `(needs ${missing.join(", ")})`;
    };
    // while (!lwkt_chktokens(td)) { lwkt_process_ipiq(); lwkt_drain_token_requests(); splz(); }
    // Each round differs from the last in shared state only.
    k.enterLoop();
    yield* k.call(spinRounds(k, sys, tok, mine, cpu, describe));
    k.leaveLoop();
    k.critExit();
  }
  mine.acquiring = false;
}

/** The rounds of a spin2005 acquisition, until every token is here. */
function* spinRounds(
  k: KernelContext,
  sys: TokenSystem,
  tok: Token,
  mine: ThreadTokens,
  cpu: number,
  describe: () => string,
): Gen<void> {
  for (;;) {
    // A round starts the same however many came before (stateful search keys it so).
    k.settle("round");
    const ok = yield* k.atomic(
      "lwkt_chktokens",
      () => refsFootprint(mine.refs),
      (tx) => chktokens(tx, sys, k.thread, k.crit > 0),
    );
    if (ok) break;
    yield op.ipiPoint("lwkt_gettoken spin: lwkt_process_ipiq");
    yield* k.atomic(
      "lwkt_drain_token_requests",
      () => drainFootprint(sys, cpu),
      (tx) => drainRequests(tx, sys, k.crit > 0),
    );
    // Rounds in which nothing changes are invisible: wait until a token
    // arrives, a request is acknowledged (we may ask again), or an IPI
    // (possibly a request for a token we hold) reaches this cpu.
    yield op.spin(`token ${tok.name}`, refsFootprint(mine.refs).writes, (tx) => roundWorthwhile(tx, mine.refs), {
      wakeOnIpi: true,
      describe,
    });
  }
}

/**
 * `lwkt_reltoken(ref)`: unlink `ref`; if the thread holds no other
 * reference to the token, hand it to the token's release-to cpu (the last
 * requester, possibly this cpu) first. Rev 1.18 does nothing else with
 * requests queued here (the next drain acknowledges them); the
 * `ack-queued` option acknowledges those for this token at once.
 *
 * If a request of this reference is still in flight — the token came back
 * another way (a release handed it here) while the request sat in another
 * cpu's queue — wait for its acknowledgement before the reference may be
 * reused (see `awaitAck`).
 *
 * Calling context: thread context, not at interrupt level, holding `ref`,
 * with the token on this cpu — each asserted as rev 1.18 does. In spin2005
 * mode it never blocks but may process IPIs; in yield mode the wait is a
 * blocking point.
 */
export function* lwktReltoken(k: KernelContext, ref: TokRef): Gen<void> {
  const tok = ref.tok;
  const t = k.thread;
  const mine = toks(t);
  const sys = tokenSystem(k.machine);
  const cpu = k.cpu;
  const ack = sys.ackQueued;
  if (k.intrNestingLevel > 0) k.panic(kkassert("gd->gd_intr_nesting_level == 0", "lwkt_reltoken"));
  const fp = (): Footprint =>
    ack
      ? { writes: [tok.cell, ...queuedFor(sys, cpu, tok)], reads: [ref.cell] }
      : { writes: [tok.cell], reads: [ref.cell] };
  const inflight = yield* k.atomic(`lwkt_reltoken ${tok.name}`, fp, (tx) => {
    const w = tx.read(tok.cell);
    if (w.cpu !== tx.cpu) tx.panic(kkassert("tok->t_cpu == gd", "lwkt_reltoken"));
    // Walking td_toks for `ref` (another thread's reference is never found there).
    const i = ref.thread === t ? mine.refs.lastIndexOf(ref) : -1;
    if (i < 0) tx.panic(kkassert("ref != NULL", "lwkt_reltoken"));
    mine.refs.splice(i, 1);
    if (!mine.refs.some((r) => r.tok === tok) && w.reqcpu !== tx.cpu) {
      tx.mutate(tok.cell).cpu = w.reqcpu;
      if (ack) ackQueued(tx, sys, tok);
    }
    return tx.read(ref.cell).magic === MAGIC2;
  });
  k.event("lock.release", tok.name, `token:${tok.name}`);
  if (inflight) yield* awaitAck(k, ref);
  mine.free.push(ref);
}

/**
 * `lwkt_trytoken(ref, tok)`: the reference if this cpu owns `tok` and no
 * thread this one preempted holds it; else null. Never waits.
 *
 * Calling context: thread context, not at interrupt level (asserted, as rev
 * 1.18 does). Never blocks.
 */
/**
 * lwkt_reltoken's wait for the acknowledgement of a request still in flight,
 * as rev 1.18 builds it in each of its two configurations:
 *
 * - spin2005 (`MAKE_TOKENS_SPIN`, the one 1.18 compiled): `crit_enter();
 *   lwkt_process_ipiq(); splz(); crit_exit();` until acknowledged — an
 *   explicit IPI-processing point, no switch and no drain of this cpu's own
 *   queued requests (were two releasers ever to wait for each other's
 *   drains, they would spin forever, and the machine would report the
 *   deadlock).
 * - yield (`MAKE_TOKENS_YIELD`): `lwkt_yield()` until acknowledged — a
 *   blocking point, whose switch drains this cpu's queued requests.
 *
 * Between tries nothing is observable until the acknowledgement (a write of
 * the reference) arrives, so the wait is one spin-until step (woken by an
 * IPI too in spin2005 mode, which processes IPIs inside its section).
 */
function* awaitAck(k: KernelContext, ref: TokRef): Gen<void> {
  const tok = ref.tok;
  const acked = (tx: Tx): boolean => tx.read(ref.cell).magic !== MAGIC2;
  const spin = tok.mode === "spin2005";
  for (;;) {
    if (spin) yield op.ipiPoint(`lwkt_reltoken ${tok.name}: request in flight`);
    else yield* k.yieldCpu(`lwkt_reltoken ${tok.name}: request in flight`);
    if (yield* k.atomic("lwkt_reltoken: acknowledged?", { reads: [ref.cell] }, acked)) return;
    // True once acknowledged; false when an IPI came first (spin2005: process it, look again).
    if ((yield op.spin(`tokref ${tok.name} ack`, [ref.cell], acked, { wakeOnIpi: spin })) as boolean) return;
  }
}

export function* lwktTrytoken(k: KernelContext, tok: Token): Gen<TokRef | null> {
  const sys = tokenSystem(k.machine);
  const t = k.thread;
  const mine = toks(t);
  if (k.intrNestingLevel > 0) k.panic(kkassert("gd->gd_intr_nesting_level == 0", "_lwkt_trytokref"));
  if (k.observe(() => chainHolds(t.preempted, tok))) return null;
  const ref = allocRef(k, sys, tok);
  const got = yield* k.atomic(`lwkt_trytoken ${tok.name}`, { reads: [tok.cell], writes: [ref.cell] }, (tx) => {
    if (tx.read(tok.cell).cpu !== tx.cpu) return false;
    tx.write(ref.cell, { magic: MAGIC1, reqgd: -1 });
    mine.refs.push(ref);
    return true;
  });
  if (!got) {
    mine.free.push(ref);
    return null;
  }
  tok.stats.acquisitions++;
  k.event("lock.try-acquire", tok.name, `token:${tok.name}`);
  return ref;
}

/**
 * `lwkt_havetoken(tok)`: does this thread hold a reference to `tok`? (Not
 * whether its cpu owns the token right now.)
 *
 * Calling context: thread context; thread-local, not a step.
 */
export function lwktHavetoken(k: KernelContext, tok: Token): boolean {
  return toks(k.thread).refs.some((r) => r.tok === tok);
}

/** The tokens a thread holds, most recent last (for observers and other layers; not a step). */
export function heldTokens(t: Thread): readonly Token[] {
  return toks(t).refs.map((r) => r.tok);
}

function chainHolds(p: Thread | null, tok: Token): boolean {
  for (; p !== null; p = p.preempted) if (toks(p).refs.some((r) => r.tok === tok)) return true;
  return false;
}

/**
 * A new reference (the caller's `struct lwkt_tokref`), with the cell of one
 * this thread released before when it has one. Made with `k.make`: the
 * reference is linked on td_toks and request queues, and the thread holds
 * it until it releases, so a thread rebuilt for a restored state must get
 * this very object back (and make no second cell or number).
 */
function allocRef(k: KernelContext, sys: TokenSystem, tok: Token): TokRef {
  const t = k.thread;
  const mine = toks(t);
  // A thread-local list: the rebuilt thread pops the same reference from it.
  const reuse = mine.free.pop();
  // Numbered per thread (state.ts), in thread code: the rebuilt thread counts it again.
  const n = mine.made++;
  return k.make(() => {
    const cell = reuse?.cell ?? sys.machine.cell(`tokref${n} ${t.name}`, { magic: MAGIC1, reqgd: -1 });
    return new TokRef(n, tok, t, cell);
  });
}

/** Would another check round change anything: every token here, or a missing one we may request again? */
function roundWorthwhile(tx: Tx, refs: readonly TokRef[]): boolean {
  let all = true;
  for (const r of refs) {
    if (tx.read(r.tok.cell).cpu === tx.cpu) continue;
    all = false;
    if (tx.read(r.cell).magic === MAGIC1) return true;
  }
  return all;
}

function refsFootprint(refs: readonly TokRef[]): { writes: Cell<any>[] } {
  const writes: Cell<any>[] = [];
  for (const r of refs) writes.push(r.tok.cell, r.cell);
  return { writes };
}
