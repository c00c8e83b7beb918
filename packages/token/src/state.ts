/**
 * Token state shared by the token files: the token (a shared cell holding
 * its owner cpu and release-to cpu), token references (lwkt_tokref: one per
 * gettoken, linked on the holding thread), the per-thread list `td_toks`
 * and the per-machine system (per-cpu request queues `gd_tokreqbase`).
 */
import { type Cell, defineThreadLocal, type Machine, type Thread } from "@kprim/machine";

declare module "@kprim/machine" {
  interface TraceEventKinds {
    /** A gettoken found the token elsewhere: from here it is a blocking point (yield) or a granting spin (spin2005). */
    "token.contended": true;
    /** A cpu gave a token to another cpu (obj = token, target = new owner cpu). */
    "token.grant": true;
  }
}

/** How a contended `lwkt_gettoken` waits (spec §2.6). */
export type TokenMode = "yield" | "spin2005";

/** What a release does with requests for the token queued on its cpu: rev 1.18 leaves them for the next drain. */
export type TokenRelease = "rev1.18" | "ack-queued";

/** tr_magic: idle, request in flight, try in progress. */
export const MAGIC1 = 1;
export const MAGIC2 = 2;

export interface TokenWord {
  /** t_cpu: the cpu that owns the token. */
  cpu: number;
  /** t_reqcpu: where to hand it on release (the most recent requester). */
  reqcpu: number;
}

export interface Token {
  readonly name: string;
  readonly cell: Cell<TokenWord>;
  readonly mode: TokenMode;
  readonly stats: { acquisitions: number; contended: number; requests: number };
}

export interface RefWord {
  magic: number;
  /** tr_reqgd: the requesting cpu. */
  reqgd: number;
}

/**
 * lwkt_tokref. Frozen: it never changes once made (what changes is its
 * cell), so saved states and thread-local logs keep it by identity instead
 * of walking it and its token.
 */
export class TokRef {
  constructor(
    /** Its number among the references its thread made (`ThreadTokens.made`). */
    readonly id: number,
    readonly tok: Token,
    readonly thread: Thread,
    /** Shared: the owner cpu acknowledges a request by writing it. */
    readonly cell: Cell<RefWord>,
  ) {
    Object.freeze(this);
  }
}

export interface ThreadTokens {
  /** td_toks, most recent last. */
  readonly refs: TokRef[];
  /** Inside a contended acquire (its tokens may be granted away meanwhile). */
  acquiring: boolean;
  /** Released refs whose cells can be reused. */
  readonly free: TokRef[];
  /**
   * References this thread made so far: the next one's number. Per thread,
   * not per machine: a count all threads shared would tell apart two orders
   * of steps that commute (which thread's reference came first), and
   * stateful search would keep both as two states.
   */
  made: number;
}

export const TD_TOKS = defineThreadLocal<ThreadTokens>("td_toks", () => ({
  refs: [],
  acquiring: false,
  free: [],
  made: 0,
}));

export function toks(t: Thread): ThreadTokens {
  return t.local(TD_TOKS);
}

export function holdsToken(t: Thread, tok: Token): boolean {
  return toks(t).refs.some((r) => r.tok === tok);
}

export interface TokenSystem {
  readonly machine: Machine;
  /** Default mode for tokens created without one. */
  mode: TokenMode;
  /**
   * A release that hands a token to another cpu also acknowledges the
   * requests for it queued here (the `ack-queued` option; rev 1.18 leaves
   * them for the next drain).
   */
  ackQueued: boolean;
  readonly tokens: Token[];
  /** gd_tokreqbase per cpu: queued remote requests (cpu-local cells). */
  readonly queues: Cell<TokRef[]>[];
  /** Cells protected by a token, by cell id (for the stale-read detector). */
  readonly protectedBy: Map<number, { readonly token: Token; readonly name: string }>;
}
