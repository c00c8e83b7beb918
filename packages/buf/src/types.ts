/**
 * The buffer cache's data (spec §6.1–6.2): `struct buf` fields that matter,
 * the free queues, and the options of a cache.
 */
import type { BufLayer } from "./layer.js";
import type { Cell, Machine } from "@kprim/machine";
import type { Interlock, InterlockDeps, InterlockKind, Lock, LockSemantics, LockWakeups } from "@kprim/lockmgr";
import type { Ident } from "@kprim/sleepq";

declare module "@kprim/machine" {
  interface TraceEventKinds {
    /** getnewbuf tried to lock a buffer it found on a queue (I4): detail "free|busy" and, after a success, "same|moved". */
    "buf.observe": true;
    /** getnewbuf restarted (detail = RestartReason). */
    "buf.restart": true;
    /** getblk looks the block up again (obj = the buffer; detail "ENOLCK" after a SLEEPFAIL sleep, "reused", or "raced"). */
    "buf.lookup-again": true;
    /** getnewbuf took a buffer and stripped its identity (detail = the flags it had). */
    "buf.reuse": true;
    /** getnewbuf returned (obj = buffer, or "none"). */
    "buf.getnewbuf": true;
    /** getblk returned a buffer (obj = buffer; detail = "vp:lblkno", the block asked for). */
    "buf.getblk": true;
    /** A caller wrote data into a buffer it holds (bdwrite; obj = buffer). */
    "buf.write": true;
    /** brelse/bqrelse put a held buffer back on a queue (obj = buffer). */
    "buf.release": true;
  }
}

// b_flags (values of the FreeBSD 4 lineage; only the bits the paths read).
export const B_AGE = 0x1;
export const B_NEEDCOMMIT = 0x2;
export const B_ASYNC = 0x4;
export const B_DELWRI = 0x80;
export const B_CACHE = 0x20;
export const B_DONE = 0x200;
export const B_INVAL = 0x2000;
export const B_LOCKED = 0x4000;
export const B_NOCACHE = 0x8000;
export const B_RELBUF = 0x400000;

/** b_qindex. */
export const QUEUE_NONE = 0;
export const QUEUE_LOCKED = 1;
export const QUEUE_CLEAN = 2;
export const QUEUE_DIRTY = 3;
export const QUEUE_EMPTYKVA = 4;
export const QUEUE_EMPTY = 5;
export const QUEUE_NAMES = ["NONE", "LOCKED", "CLEAN", "DIRTY", "EMPTYKVA", "EMPTY"] as const;
export type QueueIndex = 0 | 1 | 2 | 3 | 4 | 5;

export interface BufWord {
  flags: number;
  qindex: QueueIndex;
  /** b_vp / b_lblkno: the identity, or null. */
  vp: number | null;
  lblkno: number | null;
  /** The data the buffer holds (what a delayed write would lose). */
  data: number;
}

export interface Buf {
  /** `%p`: the buffer's simulated address. */
  readonly id: string;
  readonly index: number;
  readonly cell: Cell<BufWord>;
  /** b_lock. */
  readonly lock: Lock;
}

/** How getnewbuf treats the two race windows (spec §6.6). */
export type BufChecks = "rev1.52" | "freebsd4" | "no-check";

/**
 * Whether getblk re-validates a hit's identity after locking it: `none` as
 * the 2005 getblk (spec §6.5), `identity` as later DragonFly (spec §6.8).
 */
export type GetblkCheck = "none" | "identity";

/** Whether getnewbuf sleeps a tick after its first warning before restarting (spec §8.1). */
export type LockedBufSleep = "tick" | "none";

/** Whether splbio is a critical section (spec §8.4). */
export type Splbio = "none" | "crit";

/** Why getnewbuf restarted, or gave up. */
export type RestartReason = "buf-lock-busy" | "queue-changed" | "no-buffer" | "restart-limit";

export interface BufCacheOptions {
  readonly bufs: number;
  readonly checks?: BufChecks;
  /** getblk's re-validation of a hit after locking it (default `none`, as in 2005). */
  readonly getblkCheck?: GetblkCheck;
  /** After "locked buf … race corrected": sleep a tick on bd_request (default), or restart at once. */
  readonly lockedBufSleep?: LockedBufSleep;
  /** splbio as a critical section (`crit`) or nothing (default `none`). */
  readonly splbio?: Splbio;
  /** BUF_LOCK's own interlock (buftimetoken's successor): default, the cache's interlock kind. */
  readonly bufInterlock?: InterlockKind;
  /** getnewbuf gives up (returns no buffer, reason restart-limit) after this many restarts. */
  readonly maxRestarts?: number;
  /** The cpu whose token (if the interlock is a token) each buffer lock starts on. */
  readonly lockCpu?: number | ((index: number) => number);
  /** The cpu buftimetoken starts on. */
  readonly bufInterlockCpu?: number;
  readonly semantics?: LockSemantics;
  /** Where the buffer locks' closing wakeups are issued (lockinit's `wakeups`). */
  readonly wakeups?: LockWakeups;
  /**
   * The layer whose members the cache's paths call each other through
   * (getblk's getnewbuf, brelse's BUF_UNLOCK, ...): the layer whose `create`
   * made the cache (the built-in `create` passes itself), else the built-in
   * functions.
   */
  readonly layer?: BufCalls;
}

/**
 * The members of the buffer-cache layer its own paths call: getblk calls
 * getnewbuf, bremfree, brelse, BUF_LOCK and BUF_UNLOCK; getnewbuf BUF_LOCK,
 * BUF_UNLOCK and bremfree; the releases BUF_REFCNT, BUF_UNLOCK and bqrelse;
 * the buffer daemon BUF_LOCK, bremfree and brelse. Each goes through the
 * cache's layer, so a plugin that replaces one member replaces it on every
 * path.
 */
export type BufCalls = Pick<BufLayer, "getnewbuf" | "brelse" | "bqrelse" | "bremfree" | "lock" | "unlock" | "refcnt">;

export interface BufCache {
  readonly machine: Machine;
  readonly bufs: readonly Buf[];
  /** One shared cell per queue: the buffers on it, head first. */
  readonly queues: readonly Cell<number[]>[];
  /** The identity hash: "vp:lblkno" → buffer index. */
  readonly hash: Cell<Record<string, number>>;
  /** needsbuffer: getnewbuf waiters (a flag word). */
  readonly needsbuffer: Cell<number>;
  /** BUF_LOCK's interlock (buftimetoken before the patch). */
  readonly bufInterlock: Interlock;
  readonly needsbufferIdent: Ident;
  readonly bdRequestIdent: Ident;
  readonly checks: BufChecks;
  readonly getblkCheck: GetblkCheck;
  readonly lockedBufSleep: LockedBufSleep;
  readonly splbio: Splbio;
  readonly maxRestarts: number;
  readonly deps: InterlockDeps;
  readonly interlock: InterlockKind;
  /** The layer its paths call each other through (null: the built-in functions). */
  readonly layer: BufCalls | null;
  readonly stats: { warnings: number; restarts: Record<RestartReason, number>; getnewbuf: number };
}

export function identityKey(vp: number, lblkno: number): string {
  return `${vp}:${lblkno}`;
}
