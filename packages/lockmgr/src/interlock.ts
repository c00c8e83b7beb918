/**
 * The Interlock contract: what protects a lockmgr lock's own fields, and how
 * a waiter sleeps without losing the wakeup (architecture "Contracts that
 * make layers swappable"; spec §4.4–4.7).
 *
 * - `acquire` / `release`: take and drop the interlock.
 * - `sleep(ident)`: called with the interlock held; release it while going to
 *   sleep on `ident`, take it again after waking; returns tsleep's error.
 * - `wakeup(ident)`: wake sleepers (an interlock that brings its own sleep
 *   queue, like FreeBSD's msleep mutex, routes wakeups through it).
 * - `inside`: how many threads are in a section the interlock guards — the
 *   structural invariant of the lock is checked only when it is zero.
 *
 * State an implementation keeps per thread (the token reference a holder
 * took) is a thread-local: its code reads it between yields, and a thread
 * rebuilt for a restored state must read it as it was then.
 *
 * Implementations: token (pre-patch), spin (the November 2005 patch),
 * spin-naive (a deliberately broken control). A plugin can supply another
 * `InterlockKind`; the Kernel composition picks one per variant.
 */
import type { Gen, KernelContext, Machine, Raises } from "@kprim/machine";
import type { Ident, SleepqLayer } from "@kprim/sleepq";
import type { SpinlockLayer } from "@kprim/spinlock";
import type { TokenLayer } from "@kprim/token";
import type { LockmgrLayer } from "./layer.js";

export interface Interlock {
  readonly kind: string;
  readonly name: string;
  acquire(k: KernelContext): Gen<void>;
  release(k: KernelContext): Gen<void>;
  sleep(k: KernelContext, ident: Ident, wmesg: string, timo: number): Gen<number>;
  wakeup(k: KernelContext, ident: Ident): Gen<void>;
  /**
   * Threads currently inside a section this interlock guards (bookkeeping
   * for detectors). Kept in the interlock's own data or in what its data
   * properties reach — never in a closure alone: a restored state (an
   * exhaustive search going back to a branch point) puts it back from the
   * lock it hangs on, and state only a closure holds cannot be.
   */
  readonly inside: number;
}

export interface InterlockOptions {
  /** The cpu a token interlock starts on. */
  readonly cpu?: number;
  /** The lock class of a spinlock interlock (for the lock-order graph). */
  readonly lockClass?: string;
}

/** The layers an interlock is built from. */
export interface InterlockDeps {
  readonly spinlock: SpinlockLayer;
  readonly token: TokenLayer;
  readonly sleepq: SleepqLayer;
  /**
   * The lockmgr in place (absent: the built-in one). What is built on
   * lockmgr from these deps (the buffer cache's locks) goes through it.
   */
  readonly lockmgr?: LockmgrLayer;
}

export interface InterlockKind {
  /** "token", "spin", "spin-naive", or a plugin's name. */
  readonly name: string;
  readonly description: string;
  /** Whether sleeping through it can lose a wakeup (true only for deliberately broken controls). */
  readonly broken: boolean;
  /**
   * What it raises beyond the layers it is built from (its own panics,
   * detectors and console lines; see `Raises` of @kprim/machine).
   */
  readonly raises?: Raises;
  create(machine: Machine, name: string, deps: InterlockDeps, opts?: InterlockOptions): Interlock;
}

/** Bookkeeping shared by the implementations: who is inside. */
export class InsideCounter {
  inside = 0;
  enter(): void {
    this.inside++;
  }
  leave(): void {
    this.inside--;
  }
}
