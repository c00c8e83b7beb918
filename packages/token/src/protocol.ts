/**
 * The cross-cpu token protocol of lwkt_token.c rev 1.18 (spec §2.2–2.3).
 *
 * - `chktokens`: for every token of a thread owned elsewhere whose ref has no
 *   request in flight, mark the ref MAGIC2, record the requester, set the
 *   token's release-to hint, and send one no-wait request IPI to the owner
 *   (on a send failure revert and stop). True iff every token is here.
 *   Exactly one request IPI per missing token per check round.
 * - `reqtokenRemote` (IPI handler on the owner): if neither the cpu's current
 *   thread nor its preempted chain holds the token, give it to the requester
 *   (a grant is a store to the token's owner) and acknowledge; otherwise
 *   queue the request on this cpu.
 * - `drainRequests` (at every switch-out, and inside the spin2005 loop):
 *   grant every queued request unconditionally — even for tokens the running
 *   thread holds — and acknowledge it.
 *
 * Modelling choice (the rev 1.18 text of these checks was not available):
 * a request for a token this cpu no longer owns — it reached the cpu after
 * the token moved on, or it sat in the queue while the holder released the
 * token to another cpu — is acknowledged without a transfer; the requester's
 * next check round asks the new owner. Granting it anyway would take the
 * token from a cpu whose thread is running with it. Likewise, when a release
 * hands a token to another cpu, the requests for it queued here are
 * acknowledged at once (`ackQueued`), so no request waits on a cpu that can
 * no longer grant it.
 *
 * Calling context: chktokens in a critical section (or the scheduler);
 * the handlers run on their cpu at interrupt level; none of these block.
 */
import type { Cell, Thread, Tx } from "@kprim/machine";
import { MAGIC1, MAGIC2, type TokRef, type Token, type TokenSystem, toks } from "./state.js";

/** Does `cpu`'s current thread, or its preempted chain, hold `tok`? */
export function heldOnCpu(sys: TokenSystem, cpu: number, tok: Token): boolean {
  for (let t: Thread | null = sys.machine.cpus[cpu]!.current; t !== null; t = t.preempted) {
    if (toks(t).refs.some((r) => r.tok === tok)) return true;
  }
  return false;
}

export function chktokens(tx: Tx, sys: TokenSystem, t: Thread): boolean {
  let all = true;
  for (const ref of toks(t).refs) {
    const owner = tx.read(ref.tok.cell).cpu;
    if (owner === tx.cpu) continue;
    all = false;
    if (tx.read(ref.cell).magic !== MAGIC1) continue;
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

export function reqtokenRemote(tx: Tx, sys: TokenSystem, ref: TokRef): void {
  const tok = ref.tok;
  if (tx.read(tok.cell).cpu !== tx.cpu) {
    tx.mutate(ref.cell).magic = MAGIC1;
    return;
  }
  if (heldOnCpu(sys, tx.cpu, tok)) {
    tx.mutate(sys.queues[tx.cpu]!).push(ref);
    return;
  }
  grant(tx, ref);
}

export function drainRequests(tx: Tx, sys: TokenSystem): void {
  const q = tx.mutate(sys.queues[tx.cpu]!);
  if (q.length === 0) return;
  const refs = q.splice(0, q.length);
  for (const ref of refs) grant(tx, ref);
}

/**
 * This cpu just gave `tok` away (released it to another cpu): requests for
 * it still queued here are stale; acknowledge them so their senders ask the
 * new owner.
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

function grant(tx: Tx, ref: TokRef): void {
  const rw = tx.mutate(ref.cell);
  if (tx.read(ref.tok.cell).cpu === tx.cpu) {
    tx.mutate(ref.tok.cell).cpu = rw.reqgd;
    tx.event("token.grant", ref.tok.name, `to cpu${rw.reqgd}`, rw.reqgd);
  }
  rw.magic = MAGIC1;
}
