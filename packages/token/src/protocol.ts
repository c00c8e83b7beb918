/**
 * The cross-cpu token protocol of lwkt_token.c rev 1.18 (spec §2.2–2.3),
 * as read in DragonFly's source history (`$DragonFly: src/sys/kern/
 * lwkt_token.c,v 1.18 2005/06/20`).
 *
 * - `chktokens` (lwkt_chktokens): for every token of a thread owned
 *   elsewhere whose ref has no request in flight, mark the ref MAGIC2,
 *   record the requester, set the token's release-to hint (unsynchronized),
 *   and send one no-wait request IPI to the owner; on a send failure revert
 *   to MAGIC1 and stop. True iff every token is here. A ref in any other
 *   state panics ("bad magic"). Exactly one request IPI per missing token per
 *   check round.
 * - `reqtokenRemote` (lwkt_reqtoken_remote, an IPI handler on the cpu the
 *   requester believed was the owner): if neither the cpu's current thread
 *   nor its preempted chain holds the token, give it away if this cpu still
 *   owns it (a grant is a store to the token's owner) and acknowledge;
 *   otherwise queue the request on this cpu (`gd_tokreqbase`). A request for
 *   a token that moved on is thus acknowledged without a transfer, and the
 *   requester's next check round asks the new owner.
 * - `drainRequests` (lwkt_drain_token_requests, at every switch-out and in
 *   the spin2005 loop): take every queued request; transfer its token if
 *   this cpu owns it — even if the running thread holds it — and
 *   acknowledge it.
 *
 * Rev 1.18's lwkt_reltoken hands the token to `t_reqcpu` and nothing else:
 * requests for it still queued here wait for the next drain, and a
 * requester whose token arrived by that hand-off meanwhile runs with its
 * request still in flight — its own release then waits for the
 * acknowledgement. `ackQueued` (the token layer's `releaseMode: "ack-queued"`)
 * is the earlier kprim model, which acknowledged those requests at the
 * release; it is kept as an option to compare against.
 *
 * Calling context: chktokens and drainRequests in a critical section (the
 * scheduler's lwkt_switch is one; a thread must have entered one) — both
 * assert it, as rev 1.18 does; the IPI handler runs on its cpu at interrupt
 * level; none of these block.
 */
import type { Cell, Thread, Tx } from "@kprim/machine";
import { kkassert } from "./kkassert.js";
import { MAGIC1, MAGIC2, type TokRef, type Token, type TokenSystem, toks } from "./state.js";

/** `lwkt_oktogiveaway_token`, negated: does `cpu`'s current thread, or its preempted chain, hold `tok`? */
export function heldOnCpu(sys: TokenSystem, cpu: number, tok: Token): boolean {
  for (let t: Thread | null = sys.machine.cpus[cpu]!.current; t !== null; t = t.preempted) {
    if (toks(t).refs.some((r) => r.tok === tok)) return true;
  }
  return false;
}

/**
 * `lwkt_chktokens(td)`: true iff every token of `t` is owned by this cpu;
 * requests the missing ones. `critical`: the caller is in a critical
 * section (the scheduler always is).
 */
export function chktokens(tx: Tx, sys: TokenSystem, t: Thread, critical: boolean): boolean {
  if (!critical) tx.panic(kkassert("gd->gd_curthread->td_pri >= TDPRI_CRIT", "lwkt_chktokens"));
  let all = true;
  for (const ref of toks(t).refs) {
    const owner = tx.read(ref.tok.cell).cpu;
    if (owner === tx.cpu) continue;
    all = false;
    const magic = tx.read(ref.cell).magic;
    if (magic !== MAGIC1) {
      if (magic !== MAGIC2) tx.panic(`lwkt_chktoken(): token ref ${ref.id} tok ${ref.tok.name} bad magic ${magic}`);
      continue;
    }
    const rw = tx.mutate(ref.cell);
    rw.magic = MAGIC2;
    rw.reqgd = tx.cpu;
    tx.mutate(ref.tok.cell).reqcpu = tx.cpu;
    const sent = tx.sendIpiNowait(
      owner,
      `lwkt_reqtoken_remote(${ref.tok.name})`,
      (itx) => reqtokenRemote(itx, sys, ref),
      {
        writes: [ref.tok.cell, ref.cell],
      },
    );
    if (!sent) {
      rw.magic = MAGIC1;
      break;
    }
    ref.tok.stats.requests++;
  }
  return all;
}

/** `lwkt_reqtoken_remote(ref)`: the IPI handler on the cpu the request was sent to. */
export function reqtokenRemote(tx: Tx, sys: TokenSystem, ref: TokRef): void {
  if (tx.read(ref.cell).magic !== MAGIC2) {
    tx.panic(kkassert("ref->tr_magic == LWKT_TOKREF_MAGIC2", "lwkt_reqtoken_remote"));
  }
  if (heldOnCpu(sys, tx.cpu, ref.tok)) {
    tx.mutate(sys.queues[tx.cpu]!).push(ref);
    return;
  }
  grant(tx, ref);
}

/** `lwkt_drain_token_requests()`: grant (or, for a token gone elsewhere, just acknowledge) every queued request. */
export function drainRequests(tx: Tx, sys: TokenSystem, critical: boolean): void {
  if (!critical) tx.panic(kkassert("gd->gd_curthread->td_pri >= TDPRI_CRIT", "lwkt_drain_token_requests"));
  const q = tx.mutate(sys.queues[tx.cpu]!);
  if (q.length === 0) return;
  const refs = q.splice(0, q.length);
  for (const ref of refs) {
    if (tx.read(ref.cell).magic !== MAGIC2) {
      tx.panic(kkassert("ref->tr_magic == LWKT_TOKREF_MAGIC2", "lwkt_drain_token_requests"));
    }
    grant(tx, ref);
  }
}

/**
 * The `ack-queued` release (not rev 1.18): this cpu just gave `tok` away;
 * acknowledge the requests for it still queued here at once, so their
 * senders ask the new owner without waiting for this cpu's next drain.
 */
export function ackQueued(tx: Tx, sys: TokenSystem, tok: Token): void {
  const q = tx.mutate(sys.queues[tx.cpu]!);
  for (let i = 0; i < q.length;) {
    const ref = q[i]!;
    if (ref.tok === tok) {
      tx.mutate(ref.cell).magic = MAGIC1;
      q.splice(i, 1);
    } else {
      i++;
    }
  }
}

/** Cells of the refs queued on `cpu` for `tok`. */
export function queuedFor(sys: TokenSystem, cpu: number, tok: Token): Cell<any>[] {
  return sys.machine
    .peek(sys.queues[cpu]!)
    .filter((r) => r.tok === tok)
    .map((r) => r.cell);
}

/** Footprint of a drain on `cpu`: the queued refs' tokens and refs. */
export function drainFootprint(sys: TokenSystem, cpu: number): { writes: Cell<any>[] } {
  const writes: Cell<any>[] = [];
  for (const ref of sys.machine.peek(sys.queues[cpu]!)) writes.push(ref.tok.cell, ref.cell);
  return { writes };
}

/** Transfer `ref`'s token to its requester if this cpu owns it, and acknowledge the request (MAGIC1). */
function grant(tx: Tx, ref: TokRef): void {
  const rw = tx.mutate(ref.cell);
  if (tx.read(ref.tok.cell).cpu === tx.cpu) {
    tx.mutate(ref.tok.cell).cpu = rw.reqgd;
    tx.event("token.grant", ref.tok.name, `to cpu${rw.reqgd}`, rw.reqgd);
  }
  rw.magic = MAGIC1;
}
